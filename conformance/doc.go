// Package conformance compares kmsguard's decision engine with an
// independent implementation of AWS's policy evaluation,
// @cloud-copilot/iam-simulate, run as a separate Node process (oracle/), on
// questions from internal/gen. It holds tests only.
package conformance
