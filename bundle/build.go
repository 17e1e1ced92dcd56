package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kmsguard/kmsguard/policyfile"
)

// Root is the one bundle root of kmsguard's policy and data. A snapshot
// (docs/snapshot-format.md) lives below it, at kmsguard/snapshot.
const Root = "kmsguard"

// SigningAlgorithms are the algorithms Build signs with and Verify checks.
var SigningAlgorithms = []string{"RS256", "ES256", "HS256"}

// Signing says how to sign a bundle, in OPA's bundle signing format
// (a JWT in .signatures.json over the hashes of every file).
type Signing struct {
	KeyFile   string // PEM private key (RS256, ES256) or HMAC secret (HS256, the file's exact bytes)
	Algorithm string // one of SigningAlgorithms
	KeyID     string // optional "kid" of the token: the key's name in OPA's keys configuration
}

// BuildOptions are the options of Build.
type BuildOptions struct {
	Revision string         // manifest revision; empty leaves it out
	Snapshot map[string]any // put at kmsguard/snapshot when not nil
	Prepared any            // the prepared entries of Snapshot's policy documents (runner.BuildBundle), put at kmsguard/prepared when not nil
	Signing  *Signing       // nil: an unsigned bundle
}

// Build writes the embedded Rego tree (without tests) as a standard OPA
// bundle (.tar.gz) to w: manifest roots ["kmsguard"], rego_version 1, the
// bundle's data, and the snapshot at kmsguard/snapshot with the prepared
// entries of opts.Prepared (runner.BuildBundle computes them).
func Build(w io.Writer, opts BuildOptions) error {
	b, err := Load()
	if err != nil {
		return err
	}
	data := WithSnapshot(b.Data, opts.Snapshot)
	if opts.Snapshot != nil && opts.Prepared != nil {
		data = withEntry(data, "prepared", opts.Prepared)
	}
	roots := []string{Root}
	out := bundle.Bundle{
		Manifest: bundle.Manifest{Revision: opts.Revision, Roots: &roots},
		Data:     data,
		Modules:  b.Modules,
	}
	out.Manifest.SetRegoVersion(ast.RegoV1)
	if s := opts.Signing; s != nil {
		if err := checkAlgorithm(s.Algorithm); err != nil {
			return err
		}
		if err := readable(s.KeyFile, "signing key"); err != nil {
			return err
		}
		cfg := bundle.NewSigningConfig(s.KeyFile, s.Algorithm, "")
		if err := out.GenerateSignature(cfg, s.KeyID, false); err != nil {
			return fmt.Errorf("bundle: signing: %w", err)
		}
	}
	if err := bundle.NewWriter(w).Write(out); err != nil {
		return fmt.Errorf("bundle: writing: %w", err)
	}
	return nil
}

// WithSnapshot returns bundle data with snapshot at kmsguard/snapshot (and
// without prepared entries, which belong to the data's own snapshot),
// leaving data untouched; a nil snapshot returns data as it is.
func WithSnapshot(data, snapshot map[string]any) map[string]any {
	if snapshot == nil {
		return data
	}
	out := withEntry(data, "snapshot", snapshot)
	delete(out[Root].(map[string]any), "prepared")
	return out
}

// withEntry returns data with value at kmsguard/name, leaving data untouched.
func withEntry(data map[string]any, name string, value any) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = v
	}
	root, _ := out[Root].(map[string]any)
	merged := make(map[string]any, len(root)+1)
	for k, v := range root {
		merged[k] = v
	}
	merged[name] = value
	out[Root] = merged
	return out
}

// Fingerprint is a revision for a policy and data that carry none: a short
// hash of every module (path and text), the bundle data and the snapshot.
func Fingerprint(b *bundle.Bundle, snapshot map[string]any) (string, error) {
	h := sha256.New()
	mods := slices.Clone(b.Modules)
	slices.SortFunc(mods, func(x, y bundle.ModuleFile) int { return strings.Compare(x.Path, y.Path) })
	for _, m := range mods {
		fmt.Fprintf(h, "module %s %d\n", m.Path, len(m.Raw))
		h.Write(m.Raw)
	}
	for _, part := range []any{b.Data, snapshot} {
		data, err := json.Marshal(part) // map keys sorted: deterministic
		if err != nil {
			return "", fmt.Errorf("bundle: hashing data: %w", err)
		}
		fmt.Fprintf(h, "data %d\n", len(data))
		h.Write(data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func checkAlgorithm(alg string) error {
	if !slices.Contains(SigningAlgorithms, alg) {
		return fmt.Errorf("bundle: signing algorithm must be one of %s, not %q", strings.Join(SigningAlgorithms, ", "), alg)
	}
	return nil
}

// readable checks that a key file can be read. OPA's key loaders take a
// string that names no file as the key itself; kmsguard wants a file.
func readable(path, what string) error {
	if path == "" {
		return fmt.Errorf("bundle: no %s file given", what)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bundle: %s %w", what, policyfile.OpenError(err))
	}
	return f.Close()
}
