package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestReloadBundle(t *testing.T) {
	path := tempPath(t, "kmsguard.tar.gz")
	buildBundle(t, path, "r1", nil)
	var logs syncBuffer
	s, ts := newTestServer(t, Config{Source: Source{Bundle: path}, Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	if s.Revision() != "r1" {
		t.Fatalf("revision %q, want r1", s.Revision())
	}
	buildBundle(t, path, "r2", nil)
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := do(t, ts.Client(), "GET", ts.URL+"/health", nil).json(t); h["revision"] != "r2" {
		t.Errorf("health after reload: %v", h)
	}

	// Bad versions are rejected; r2 keeps serving.
	for name, write := range map[string]func(){
		"garbage": func() {
			if err := os.WriteFile(path, []byte("not a bundle"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"missing": func() {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		},
		"other roots": func() {
			writeCustomBundleRoots(t, path, []string{"other"})
		},
		"does not compile": func() {
			writeCustomBundle(t, path, map[string]string{"kmsguard/authz/x.rego": "package kmsguard.authz\n\ndecision := y\n"})
		},
		"no decision": func() {
			writeCustomBundle(t, path, map[string]string{"kmsguard/authz/x.rego": "package kmsguard.authz\n\nother := 1\n"})
		},
	} {
		write()
		err := s.Reload(context.Background())
		if err == nil {
			t.Errorf("%s: reload succeeded", name)
		}
		if s.Revision() != "r2" {
			t.Errorf("%s: revision %q after a failed reload, want r2", name, s.Revision())
		}
		res := do(t, ts.Client(), "POST", ts.URL+decisionPath, input(full("kms:Decrypt"))).json(t)["result"].(map[string]any)
		if res["decision"] != "Allowed" {
			t.Errorf("%s: after a failed reload: %v", name, res)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"reload failed; still serving the previous version"`) {
		t.Errorf("failed reloads not logged: %s", logs.String())
	}
	m := string(do(t, ts.Client(), "GET", ts.URL+"/metrics", nil).body)
	if !strings.Contains(m, `kmsguard_reloads_total{result="failure"} 5`) || !strings.Contains(m, `kmsguard_reloads_total{result="success"} 1`) {
		t.Errorf("reload metrics:\n%s", grepLines(m, "kmsguard_reloads_total"))
	}
}

func TestReloadSnapshot(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.json")
	people := filepath.Join(dir, "principals.json")
	snap := testSnapshot()
	writeJSONFile(t, keys, map[string]any{"format": "kmsguard-snapshot", "version": 1, "keys": snap["keys"]})
	writeJSONFile(t, people, map[string]any{"format": "kmsguard-snapshot", "version": 1, "principals": map[string]any{}})
	s, ts := newTestServer(t, Config{Source: Source{Data: dir}})
	decide := func() string {
		res := do(t, ts.Client(), "POST", ts.URL+decisionPath, input(short("kms:Decrypt"))).json(t)["result"].(map[string]any)
		d, _ := res["decision"].(string)
		return d
	}
	if d := decide(); d != "ImplicitlyDenied" {
		t.Fatalf("before: %s", d)
	}
	rev := s.Revision()
	writeJSONFile(t, people, map[string]any{"format": "kmsguard-snapshot", "version": 1, "principals": snap["principals"]})
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := decide(); d != "Allowed" || s.Revision() == rev {
		t.Errorf("after adding alice's policy: %s (revision %s, was %s)", d, s.Revision(), rev)
	}
	rev = s.Revision()

	// The same key in two files is an error naming both; nothing changes.
	writeJSONFile(t, people, map[string]any{"format": "kmsguard-snapshot", "version": 1, "keys": snap["keys"]})
	err := s.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "is in both "+keys+" and "+people) {
		t.Errorf("duplicate key: %v", err)
	}
	for _, bad := range []string{`{"format": "other", "version": 1}`, `{"format": "kmsguard-snapshot", "version": 1, "keys": []}`, `{`} {
		if err := os.WriteFile(people, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(context.Background()); err == nil {
			t.Errorf("%s: reload succeeded", bad)
		}
	}
	if d := decide(); d != "Allowed" || s.Revision() != rev {
		t.Errorf("after failed reloads: %s (revision %s, want %s)", d, s.Revision(), rev)
	}
}

// TestWatch reloads on a file change without a signal.
func TestWatch(t *testing.T) {
	path := tempPath(t, "kmsguard.tar.gz")
	buildBundle(t, path, "w1", nil)
	s, err := New(context.Background(), Config{Source: Source{Bundle: path}, Watch: true})
	if err != nil {
		t.Fatal(err)
	}
	serveOnLoopback(t, s)
	buildBundle(t, path, "w2", nil)
	// Make the change visible even on file systems with coarse mtimes.
	future := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(path, future, future); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Revision() != "w2" {
		if time.Now().After(deadline) {
			t.Fatalf("revision still %s 10s after the change", s.Revision())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWatchBundleURL reloads when the bundle at a URL changes, asking the
// bundle server with validators so that an unchanged bundle is not
// downloaded again.
func TestWatchBundleURL(t *testing.T) {
	path := tempPath(t, "kmsguard.tar.gz")
	var (
		mu          sync.Mutex
		full, unmod atomic.Int64
	)
	buildBundle(t, path, "p1", nil)
	bundles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		rec := httptest.NewRecorder()
		http.ServeFile(rec, r, path)
		if rec.Code == http.StatusNotModified {
			unmod.Add(1)
		} else {
			full.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer bundles.Close()
	s, err := New(context.Background(), Config{Source: Source{Bundle: bundles.URL + "/kmsguard.tar.gz"}, Watch: true, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	serveOnLoopback(t, s)
	deadline := time.Now().Add(10 * time.Second)
	for unmod.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d conditional answers after 10s", unmod.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s.Revision() != "p1" {
		t.Fatalf("revision %s before any change", s.Revision())
	}
	mu.Lock()
	buildBundle(t, path, "p2", nil)
	// Make the change visible even on file systems with coarse mtimes.
	future := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(path, future, future); err != nil {
		t.Fatal(err)
	}
	mu.Unlock()
	for s.Revision() != "p2" {
		if time.Now().After(deadline) {
			t.Fatalf("revision still %s 10s after the change", s.Revision())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// One download at start, one when watching starts, one to see the
	// change, one to load it: the rest were 304s.
	if n := full.Load(); n > 4 {
		t.Errorf("%d full downloads, want at most 4", n)
	}
}

// TestReloadUnderLoad reloads again and again (alternating two bundles of
// different revisions) while workers send questions: no request may fail
// and every answer must be the expected one.
func TestReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar.gz"), filepath.Join(dir, "b.tar.gz")
	buildBundle(t, a, "ra", nil)
	buildBundle(t, b, "rb", nil)
	live := filepath.Join(dir, "live.tar.gz")
	link := func(target string) {
		tmp := live + ".tmp"
		_ = os.Remove(tmp) // may not exist
		if err := os.Symlink(target, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, live); err != nil {
			t.Fatal(err)
		}
	}
	link(a)
	s, ts := newTestServer(t, Config{Source: Source{Bundle: live}, MaxConcurrency: 64})

	questions := []struct {
		body []byte
		want string
	}{
		{mustJSON(t, input(full("kms:Decrypt"))), "Allowed"},
		{mustJSON(t, input(full("kms:Encrypt"))), "ImplicitlyDenied"},
		{mustJSON(t, input(map[string]any{"principal": testAlice})), "error"},
	}
	var (
		sent, failed atomic.Int64
		firstErr     atomic.Value
		revisions    sync.Map
		stop         atomic.Bool
		wg           sync.WaitGroup
	)
	// Bounded: at most two minutes however slow the machine, and four reloads.
	deadline := time.Now().Add(2 * time.Minute)
	for w := range 4 {
		wg.Go(func() {
			for i := w; !stop.Load() && time.Now().Before(deadline); i++ {
				q := questions[i%len(questions)]
				resp, err := ts.Client().Post(ts.URL+decisionPath, "application/json", bytes.NewReader(q.body))
				sent.Add(1)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				var r struct {
					Result struct {
						Decision string `json:"decision"`
						Error    string `json:"error"`
					} `json:"result"`
				}
				got := ""
				if json.Unmarshal(body, &r) == nil {
					got = r.Result.Decision
					if r.Result.Error != "" && !strings.HasPrefix(r.Result.Error, "evaluation failed") {
						got = "error"
					}
				}
				if resp.StatusCode != 200 || got != q.want {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d, want %s: %s", resp.StatusCode, q.want, body))
				}
			}
		})
	}
	// Each reload happens while requests are being answered: wait for
	// some requests before and between reloads.
	waitRequests := func(n int64) {
		for target := sent.Load() + n; sent.Load() < target && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	reloads := 0
	for ; reloads < 4 && time.Now().Before(deadline); reloads++ {
		waitRequests(20)
		if reloads%2 == 0 {
			link(b)
		} else {
			link(a)
		}
		if err := s.Reload(context.Background()); err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("reload %d: %v", reloads, err)
		}
		revisions.Store(s.Revision(), true)
	}
	waitRequests(20)
	stop.Store(true)
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed during %d reloads; first: %v", failed.Load(), sent.Load(), reloads, firstErr.Load())
	}
	n := 0
	revisions.Range(func(any, any) bool { n++; return true })
	if reloads != 4 || n != 2 || sent.Load() < 100 {
		t.Errorf("too little happened: %d reloads, %d revisions, %d requests", reloads, n, sent.Load())
	}
	t.Logf("%d requests, %d reloads, 0 errors", sent.Load(), reloads)
}

// TestServeShutdown answers a request in flight during shutdown and then
// refuses new connections; health says unavailable while draining.
func TestServeShutdown(t *testing.T) {
	s, err := New(context.Background(), Config{ShutdownGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s.beforeEval = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	status := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+decisionPath, "application/json", bytes.NewReader(mustJSON(t, input(full("kms:Decrypt")))))
		if err != nil {
			status <- 0
			return
		}
		_ = resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-entered
	cancel()
	for !s.draining.Load() {
		time.Sleep(time.Millisecond)
	}
	rec := &recorder{ResponseWriter: discardWriter{}, status: 200}
	s.health(rec, httpRequest(t, "GET", "/health"))
	if rec.status != http.StatusServiceUnavailable {
		t.Errorf("health while draining: %d", rec.status)
	}
	close(release)
	if st := <-status; st != 200 {
		t.Errorf("request in flight at shutdown: status %d, want 200", st)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

func httpRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func (b *syncBuffer) String() string { return string(b.Bytes()) }

// TestBundleURL fetches the bundle with one GET at start and on each reload.
func TestBundleURL(t *testing.T) {
	path := tempPath(t, "kmsguard.tar.gz")
	var (
		mu     sync.Mutex
		status = http.StatusOK
		gets   atomic.Int64
	)
	buildBundle(t, path, "u1", nil)
	bundles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		http.ServeFile(w, r, path)
	}))
	defer bundles.Close()
	s, err := New(context.Background(), Config{Source: Source{Bundle: bundles.URL + "/kmsguard.tar.gz"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Revision() != "u1" || gets.Load() != 1 {
		t.Fatalf("revision %s after %d GETs", s.Revision(), gets.Load())
	}
	mu.Lock()
	buildBundle(t, path, "u2", nil)
	mu.Unlock()
	if err := s.Reload(context.Background()); err != nil || s.Revision() != "u2" {
		t.Fatalf("reload: %v (revision %s)", err, s.Revision())
	}
	mu.Lock()
	status = http.StatusInternalServerError
	mu.Unlock()
	err = s.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") || s.Revision() != "u2" {
		t.Errorf("reload from a failing bundle server: %v (revision %s)", err, s.Revision())
	}
}
