package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

// Key and principals of the test questions.
const (
	testKey   = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testAlice = "arn:aws:iam::111122223333:user/alice"
)

// defaultKeyPolicy delegates the key to IAM in its account.
var defaultKeyPolicy = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{map[string]any{
		"Sid": "Enable IAM User Permissions", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"},
		"Action":    "kms:*", "Resource": "*",
	}},
}

// aliceDecrypt is an identity policy letting alice decrypt with the key.
var aliceDecrypt = map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "kms:Decrypt", "Resource": testKey,
	}},
}

// testSnapshot holds the key and alice's policies.
func testSnapshot() map[string]any {
	return map[string]any{
		"format":     "kmsguard-snapshot",
		"version":    1,
		"keys":       map[string]any{testKey: map[string]any{"key_policy": defaultKeyPolicy}},
		"principals": map[string]any{testAlice: map[string]any{"identity_policies": []any{aliceDecrypt}}},
	}
}

// short is a question that needs the snapshot.
func short(action string) map[string]any {
	return map[string]any{"principal": testAlice, "action": action, "resource": testKey}
}

// full is the same question with everything inline.
func full(action string) map[string]any {
	q := short(action)
	q["key_policy"] = defaultKeyPolicy
	q["identity_policies"] = []any{aliceDecrypt}
	return q
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// buildBundle writes the embedded policy as a bundle with a revision.
func buildBundle(t *testing.T, path, revision string, snap map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := kbundle.Build(&buf, kbundle.BuildOptions{Revision: revision, Snapshot: snap}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeCustomBundle writes a bundle with the given Rego modules (path →
// text) under the kmsguard root.
func writeCustomBundle(t *testing.T, path string, modules map[string]string) {
	t.Helper()
	writeBundleFile(t, path, []string{"kmsguard"}, modules)
}

// writeCustomBundleRoots writes an empty bundle with the given roots.
func writeCustomBundleRoots(t *testing.T, path string, roots []string) {
	t.Helper()
	writeBundleFile(t, path, roots, nil)
}

func writeBundleFile(t *testing.T, path string, roots []string, modules map[string]string) {
	t.Helper()
	b := bundle.Bundle{Manifest: bundle.Manifest{Roots: &roots, Revision: "custom"}, Data: map[string]any{}}
	b.Manifest.SetRegoVersion(ast.RegoV1)
	for name, text := range modules {
		m, err := ast.ParseModuleWithOpts(name, text, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Raw: []byte(text), Parsed: m})
	}
	var buf bytes.Buffer
	if err := bundle.NewWriter(&buf).Write(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// newTestServer starts cfg's server on an httptest server.
func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, newHTTPTest(t, s)
}

func newHTTPTest(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("response %q: %v", r.body, err)
	}
	return m
}

// do sends one request; body is sent as is when it is a string, else as
// JSON.
func do(t *testing.T, client *http.Client, method, url string, body any, header ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func input(q map[string]any) map[string]any { return map[string]any{"input": q} }

const decisionPath = "/v1/data/kmsguard/authz/decision"

func tempPath(t *testing.T, name string) string { return filepath.Join(t.TempDir(), name) }

// serveOnLoopback runs s on a free loopback port until the test ends and
// returns its address.
func serveOnLoopback(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}
