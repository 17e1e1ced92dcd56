package server

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

// bundleServer is a bundle server on loopback: it serves the current bytes
// at /bundles/kmsguard.tar.gz to requests with the right bearer token, and
// reports each request on served.
type bundleServer struct {
	mu     sync.Mutex
	data   []byte
	served chan string // the ETag served
}

func (b *bundleServer) set(data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data = data
}

func (b *bundleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/bundles/kmsguard.tar.gz" || r.Header.Get("Authorization") != "Bearer bundle-token" {
		http.Error(w, "no", http.StatusForbidden)
		return
	}
	b.mu.Lock()
	data := b.data
	b.mu.Unlock()
	etag := fmt.Sprintf(`"%x"`, len(data)) + fmt.Sprint(crc(data))
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/gzip")
	_, _ = w.Write(data)
	select {
	case b.served <- etag:
	default:
	}
}

func crc(b []byte) uint32 {
	var h uint32
	for _, c := range b {
		h = h*31 + uint32(c)
	}
	return h
}

// collector is a decision-log service on loopback: it checks each upload is
// gzipped and sends the events on events.
type collector struct {
	events chan map[string]any
	errs   chan string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/logs" {
		w.WriteHeader(http.StatusOK) // status reports
		return
	}
	if r.Header.Get("Content-Encoding") != "gzip" {
		c.errs <- "upload without Content-Encoding: gzip"
		return
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		c.errs <- err.Error()
		return
	}
	var events []map[string]any
	if err := json.NewDecoder(zr).Decode(&events); err != nil {
		c.errs <- err.Error()
		return
	}
	for _, e := range events {
		c.events <- e
	}
}

func signedBundle(t *testing.T, secret, revision string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := kbundle.Build(&buf, kbundle.BuildOptions{Revision: revision, Signing: &kbundle.Signing{KeyFile: secret, Algorithm: "HS256", KeyID: "test"}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tamper changes the manifest's revision of a signed bundle without
// signing it again.
func tamper(t *testing.T, data []byte, revision string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(h.Name, "/") == ".manifest" {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			m["revision"] = revision
			if body, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestOPAConfigFile runs the server under an OPA configuration file with a
// bundle server and a decision-log collector on loopback, through OPA's
// own plugins: the signed bundle is activated and served, a re-poll picks
// up a new revision, a tampered bundle is refused (the last good one keeps
// serving), and decisions arrive at the collector gzipped, in OPA's event
// format, with the decision, the bundle revision and masked values.
func TestOPAConfigFile(t *testing.T) {
	secretFile := tempPath(t, "secret")
	if err := os.WriteFile(secretFile, []byte("s3cret-hmac"), 0o600); err != nil {
		t.Fatal(err)
	}
	bundles := &bundleServer{served: make(chan string, 1)}
	bundles.set(signedBundle(t, secretFile, "r1"))
	bsrv := httptest.NewServer(bundles)
	defer bsrv.Close()
	coll := &collector{events: make(chan map[string]any, 100), errs: make(chan string, 10)}
	csrv := httptest.NewServer(coll)
	defer csrv.Close()

	t.Setenv("KMSGUARD_TEST_BUNDLE_TOKEN", "bundle-token")
	config := fmt.Sprintf(`
services:
  bundles:
    url: %s
    credentials:
      bearer:
        token: "${KMSGUARD_TEST_BUNDLE_TOKEN}"
  collector:
    url: %s
bundles:
  kmsguard:
    service: bundles
    resource: bundles/kmsguard.tar.gz
    polling:
      min_delay_seconds: 1
      max_delay_seconds: 1
    signing:
      keyid: test
keys:
  test:
    algorithm: HS256
    key: s3cret-hmac
decision_logs:
  service: collector
  resource: /logs
  reporting:
    min_delay_seconds: 1
    max_delay_seconds: 1
`, bsrv.URL, csrv.URL)
	var log syncBuffer
	s, err := New(context.Background(), Config{
		OPAConfig:   ExpandEnv([]byte(config)),
		MaskContext: []string{"kms:EncryptionContext:*"},
		Log:         slog.New(slog.NewJSONHandler(&log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveOnLoopback(t, s)
	url := "http://" + addr
	client := &http.Client{Timeout: 10 * time.Second}
	revision := func() string {
		resp, err := client.Get(url + "/health")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var h struct{ Revision string }
		_ = json.NewDecoder(resp.Body).Decode(&h)
		return h.Revision
	}
	// waitServed waits until the bundle server has served the current
	// bytes twice: the plugin has then processed them once.
	waitServed := func() {
		t.Helper()
		for range 2 {
			select {
			case <-bundles.served:
			case <-time.After(30 * time.Second):
				t.Fatalf("the bundle plugin did not poll; log:\n%s", log.String())
			}
		}
	}
	waitRevision := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); revision() != want; {
			if time.Now().After(deadline) {
				t.Fatalf("revision %q, want %q; log:\n%s", revision(), want, log.String())
			}
			waitServed()
		}
	}
	waitRevision("r1")

	// A decision: answered by kmsguard's decision path, logged through
	// OPA's decision-log plugin.
	q := full("kms:Decrypt")
	q["context"] = map[string]any{"kms:EncryptionContext:app": "billing"}
	resp := do(t, client, "POST", url+decisionPath, input(q))
	if resp.status != 200 || resp.json(t)["result"].(map[string]any)["decision"] != "Allowed" {
		t.Fatalf("decision: %d %s", resp.status, resp.body)
	}
	id := resp.header.Get("X-Request-Id")
	select {
	case e := <-coll.events:
		in, _ := e["input"].(map[string]any)
		ctx, _ := in["context"].(map[string]any)
		res, _ := e["result"].(map[string]any)
		bundlesInfo, _ := e["bundles"].(map[string]any)
		if e["decision_id"] != id || e["path"] != "kmsguard/authz/decision" || res["decision"] != "Allowed" ||
			ctx["kms:EncryptionContext:app"] != "***" || e["timestamp"] == nil ||
			fmt.Sprint(bundlesInfo) != "map[kmsguard:map[revision:r1]]" {
			t.Errorf("decision-log event: %v (decision id %s)", e, id)
		}
	case msg := <-coll.errs:
		t.Fatalf("collector: %s", msg)
	case <-time.After(30 * time.Second):
		t.Fatalf("no decision-log upload; log:\n%s", log.String())
	}

	// A new revision is picked up by the next poll.
	bundles.set(signedBundle(t, secretFile, "r2"))
	waitRevision("r2")

	// A tampered bundle is refused; r2 keeps serving.
	bundles.set(tamper(t, signedBundle(t, secretFile, "r3"), "r3-tampered"))
	waitServed()
	if rev := revision(); rev != "r2" {
		t.Errorf("after a tampered bundle the revision is %q, want r2", rev)
	}
	if !strings.Contains(log.String(), `"msg":"Bundle load failed: .manifest: digest mismatch`) {
		t.Errorf("the refusal is not logged:\n%s", log.String())
	}
}
