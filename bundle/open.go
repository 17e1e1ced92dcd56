package bundle

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kmsguard/kmsguard/policyfile"
)

// Open reads a bundle from a file or, for an http(s) URL, with one GET.
func Open(ctx context.Context, src string, v *Verification) (*bundle.Bundle, error) {
	if !IsURL(src) {
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", policyfile.OpenError(err))
		}
		defer func() { _ = f.Close() }() // read-only
		return ReadArchive(f, v)
	}
	data, err := fetch(ctx, src)
	if err != nil {
		return nil, err
	}
	return ReadArchive(bytes.NewReader(data), v)
}
