package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var testSnapshot = map[string]any{
	"format": "kmsguard-snapshot", "version": json.Number("1"),
	"keys": map[string]any{"arn:aws:kms:us-west-2:111122223333:key/k": map[string]any{}},
}

func files(t *testing.T, archive []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

func TestBuild(t *testing.T) {
	var buf bytes.Buffer
	prepared := map[string]any{"keys": map[string]any{}}
	if err := Build(&buf, BuildOptions{Revision: "r7", Snapshot: testSnapshot, Prepared: prepared}); err != nil {
		t.Fatal(err)
	}
	names := files(t, buf.Bytes())
	if !slices.Contains(names, "/.manifest") || !slices.Contains(names, "/data.json") {
		t.Errorf("files %v lack the manifest or data", names)
	}
	for _, n := range names {
		if strings.HasSuffix(n, "_test.rego") || strings.HasSuffix(n, ".go") {
			t.Errorf("bundle holds %s", n)
		}
	}
	b, err := ReadArchive(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Check(b, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Revision != "r7" || !slices.Equal(s.Roots, []string{"kmsguard"}) || s.RegoVersion != 1 ||
		s.Signed || s.Snapshot == nil || s.Snapshot.Keys != 1 || s.Entrypoints[0] != "data.kmsguard.authz.decision" {
		t.Errorf("summary %+v", s)
	}
	if _, ok := lookup(b.Data, "kmsguard", "catalog"); !ok {
		t.Error("the bundle lost the policy's own data")
	}
	if _, ok := lookup(b.Data, "kmsguard", "prepared", "keys"); !ok {
		t.Error("the bundle lacks the prepared entries it was given")
	}
}

// Prepared entries belong to the snapshot they were made from: a new
// snapshot drops them, and the data passed in is left untouched.
func TestWithSnapshotDropsPrepared(t *testing.T) {
	data := map[string]any{"kmsguard": map[string]any{"catalog": 1, "snapshot": 2, "prepared": 3}}
	got := WithSnapshot(data, testSnapshot)["kmsguard"].(map[string]any)
	if _, ok := got["prepared"]; ok || got["catalog"] != 1 || got["snapshot"] == nil {
		t.Errorf("WithSnapshot gave %v", got)
	}
	if data["kmsguard"].(map[string]any)["prepared"] != 3 {
		t.Error("WithSnapshot changed its input")
	}
}

func TestSignatures(t *testing.T) {
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemFile := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	der := func(b []byte, err error) []byte {
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rsaPriv := pemFile("rsa.pem", "PRIVATE KEY", der(x509.MarshalPKCS8PrivateKey(rsaKey)))
	rsaPub := pemFile("rsa.pub", "PUBLIC KEY", der(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)))
	ecPriv := pemFile("ec.pem", "EC PRIVATE KEY", der(x509.MarshalECPrivateKey(ecKey)))
	ecPub := pemFile("ec.pub", "PUBLIC KEY", der(x509.MarshalPKIXPublicKey(&ecKey.PublicKey)))
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		alg, priv, pub, wrongPub string
	}{
		{"RS256", rsaPriv, rsaPub, ecPub},
		{"ES256", ecPriv, ecPub, rsaPub},
		{"HS256", secret, secret, rsaPriv},
	} {
		for _, kid := range []string{"", "prod"} {
			var buf bytes.Buffer
			if err := Build(&buf, BuildOptions{Signing: &Signing{KeyFile: tc.priv, Algorithm: tc.alg, KeyID: kid}}); err != nil {
				t.Fatalf("%s: %v", tc.alg, err)
			}
			b, err := ReadArchive(bytes.NewReader(buf.Bytes()), &Verification{KeyFile: tc.pub, Algorithm: tc.alg, KeyID: kid})
			if err != nil {
				t.Fatalf("%s kid %q: verify: %v", tc.alg, kid, err)
			}
			if s, err := Check(b, true); err != nil || !s.Verified {
				t.Errorf("%s: check: %+v %v", tc.alg, s, err)
			}
			if _, err := ReadArchive(bytes.NewReader(buf.Bytes()), &Verification{KeyFile: tc.wrongPub, Algorithm: tc.alg, KeyID: kid}); err == nil {
				t.Errorf("%s kid %q: verified with the wrong key", tc.alg, kid)
			}
			b, err = ReadArchive(bytes.NewReader(buf.Bytes()), nil)
			if err != nil {
				t.Fatal(err)
			}
			if s, err := Check(b, false); err != nil || !s.Signed || s.Verified {
				t.Errorf("%s unverified: %+v %v", tc.alg, s, err)
			}
		}
	}
}

func TestFingerprint(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	a1, err := Fingerprint(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := Fingerprint(b, nil)
	s1, _ := Fingerprint(b, testSnapshot)
	if a1 != a2 || a1 == s1 || !strings.HasPrefix(a1, "sha256:") {
		t.Errorf("fingerprints %s %s %s", a1, a2, s1)
	}
}
