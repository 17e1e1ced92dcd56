package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

// BundleSigning names the signing algorithm and key of `kmsguard bundle
// build` or `kmsguard bundle verify` (their --signing-alg and --key-id).
type BundleSigning struct {
	Algorithm string
	KeyID     string
}

// BundleBuiltText writes what `kmsguard bundle build` wrote:
//
//	wrote kmsguard.tar.gz (12345 bytes)
//	  revision:     r1
//	  ...
//	  signature:    signed (RS256, key k1)
func BundleBuiltText(w io.Writer, file string, size int, s *result.BundleSummary, sig BundleSigning) error {
	if _, err := fmt.Fprintf(w, "wrote %s (%d bytes)\n", file, size); err != nil {
		return err
	}
	state := "none"
	if s.Signed {
		state = "signed (" + sig.text() + ")"
	}
	return bundleSummaryText(w, s, state)
}

// BundleVerifiedText writes the summary of a bundle `kmsguard bundle
// verify` passed:
//
//	kmsguard.tar.gz: OK
//	  revision:     r1
//	  ...
//	  signature:    verified (RS256)
func BundleVerifiedText(w io.Writer, file string, s *result.BundleSummary, sig BundleSigning) error {
	if _, err := fmt.Fprintf(w, "%s: OK\n", file); err != nil {
		return err
	}
	state := "none"
	switch {
	case s.Verified:
		state = "verified (" + sig.text() + ")"
	case s.Signed:
		state = "present, not verified (no --verification-key)"
	}
	return bundleSummaryText(w, s, state)
}

// BundleJSON writes a bundle's summary as one line of JSON.
func BundleJSON(w io.Writer, s *result.BundleSummary) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

func (s BundleSigning) text() string {
	if s.KeyID == "" {
		return s.Algorithm
	}
	return s.Algorithm + ", key " + s.KeyID
}

// bundleSummaryText writes the indented lines of a bundle's summary; sig
// is the state of its signature.
func bundleSummaryText(w io.Writer, s *result.BundleSummary, sig string) error {
	rev := s.Revision
	if rev == "" {
		rev = "(none)"
	}
	paths := make([]string, len(s.Entrypoints))
	for i, q := range s.Entrypoints {
		paths[i] = "/v1/data/" + strings.ReplaceAll(strings.TrimPrefix(q, "data."), ".", "/")
	}
	snap := "none"
	if s.Snapshot != nil {
		snap = fmt.Sprintf("%d keys, %d principals, %d accounts", s.Snapshot.Keys, s.Snapshot.Principals, s.Snapshot.Accounts)
	}
	_, err := fmt.Fprintf(w, "  revision:     %s\n  roots:        %s\n  rego_version: %d\n  modules:      %d\n  entry points: %s\n  snapshot:     %s\n  signature:    %s\n",
		rev, strings.Join(s.Roots, ", "), s.RegoVersion, s.Modules, strings.Join(paths, ", "), snap, sig)
	return err
}
