// Package exitcode holds kmsguard's exit statuses, the same for both
// binaries (kmsguard answers `eval --batch` itself and must exit as
// kmsguard-full would).
package exitcode

const (
	Allowed = 0 // allowed, or the command succeeded
	Denied  = 1 // explicitly or implicitly denied
	Input   = 2 // usage error, bad input, or a question that could not be answered
	// Partial is scan's exit status when the snapshot was written but
	// some keys or calls could not be read (its "errors"), unless
	// --allow-partial.
	Partial = 3
)
