package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/snapshot"
)

// DefaultKeyID is the key name a signature without a "kid" is checked
// against, as in stock OPA (--verification-key-id).
const DefaultKeyID = "default"

// maxDownload bounds a bundle fetched from a URL.
const maxDownload = 256 << 20

// Verification says how to check a bundle's signature.
type Verification struct {
	KeyFile   string // PEM public key (RS256, ES256) or HMAC secret (HS256, the file's exact bytes)
	Algorithm string // one of SigningAlgorithms
	KeyID     string // key name; empty means DefaultKeyID
}

// ReadArchive reads a bundle archive (.tar.gz). With v, its signature must be present and
// valid for v's key; without, a signature is not checked.
func ReadArchive(r io.Reader, v *Verification) (*bundle.Bundle, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("bundle: larger than %d bytes", maxDownload)
	}
	rd := bundle.NewReader(bytes.NewReader(data)).
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotations(true)
	if v == nil {
		rd = rd.WithSkipBundleVerification(true)
	} else {
		vc, err := verificationConfig(v)
		if err != nil {
			return nil, err
		}
		rd = rd.WithBundleVerificationConfig(vc)
	}
	b, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if v == nil {
		// OPA's reader skips the signatures file when not verifying; read
		// it so that Check can tell a signed bundle.
		if b.Signatures, err = signatures(data); err != nil {
			return nil, err
		}
	}
	return &b, nil
}

// signatures reads .signatures.json from a bundle archive, if it has one.
func signatures(archive []byte) (bundle.SignaturesConfig, error) {
	var sc bundle.SignaturesConfig
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		return sc, fmt.Errorf("bundle: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return sc, nil
		}
		if err != nil {
			return sc, fmt.Errorf("bundle: %w", err)
		}
		if path.Base(h.Name) != ".signatures.json" {
			continue
		}
		if err := json.NewDecoder(io.LimitReader(tr, maxDownload)).Decode(&sc); err != nil {
			return sc, fmt.Errorf("bundle: .signatures.json: %w", err)
		}
		return sc, nil
	}
}

func verificationConfig(v *Verification) (*bundle.VerificationConfig, error) {
	if err := checkAlgorithm(v.Algorithm); err != nil {
		return nil, err
	}
	if err := readable(v.KeyFile, "verification key"); err != nil {
		return nil, err
	}
	key, err := os.ReadFile(v.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("bundle: verification key: %w", err)
	}
	id := v.KeyID
	if id == "" {
		id = DefaultKeyID
	}
	kc := &bundle.KeyConfig{Key: string(key), Algorithm: v.Algorithm}
	return bundle.NewVerificationConfig(map[string]*bundle.KeyConfig{id: kc}, id, "", nil), nil
}

// CheckManifest checks that a bundle is a kmsguard bundle: its only root is
// "kmsguard".
func CheckManifest(b *bundle.Bundle) error {
	roots := []string{}
	if b.Manifest.Roots != nil {
		roots = *b.Manifest.Roots
	}
	if len(roots) != 1 || roots[0] != Root {
		return fmt.Errorf("bundle: manifest roots must be [%q], not %q", Root, roots)
	}
	return nil
}

// Summary describes a checked bundle; its type lives in result, where
// report renders it.
type Summary = result.BundleSummary

// SnapshotSummary counts what a bundle's snapshot holds.
type SnapshotSummary = result.BundleSnapshotSummary

// Check checks a bundle read by ReadArchive: manifest roots, that its modules
// compile, that it defines the decision entry point, and the snapshot's
// format if it carries one. verified says the signature was checked.
func Check(b *bundle.Bundle, verified bool) (*Summary, error) {
	if err := CheckManifest(b); err != nil {
		return nil, err
	}
	s := &Summary{
		Revision: b.Manifest.Revision,
		Roots:    *b.Manifest.Roots,
		Modules:  len(b.Modules),
		Signed:   len(b.Signatures.Signatures) > 0,
		Verified: verified,
	}
	if rv := b.Manifest.RegoVersion; rv != nil {
		s.RegoVersion = *rv
	}
	compiler, err := Compile(b)
	if err != nil {
		return nil, err
	}
	s.Entrypoints = Entrypoints(compiler)
	if len(compiler.GetRules(ast.MustParseRef(DecisionQuery))) == 0 {
		return nil, fmt.Errorf("bundle: no %s rule", DecisionQuery)
	}
	if snap, ok := lookup(b.Data, Root, "snapshot"); ok {
		raw, err := json.Marshal(snap)
		if err != nil {
			return nil, fmt.Errorf("bundle: snapshot: %w", err)
		}
		parsed, err := snapshot.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("bundle: snapshot at %s/snapshot: %w", Root, err)
		}
		s.Snapshot = &SnapshotSummary{Keys: count(parsed, "keys"), Principals: count(parsed, "principals"), Accounts: count(parsed, "accounts")}
	}
	return s, nil
}

func count(m map[string]any, field string) int {
	obj, _ := m[field].(map[string]any)
	return len(obj)
}

func lookup(data map[string]any, path ...string) (any, bool) {
	var cur any = data
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}
