package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// trickle opens a connection to addr, sends the headers of a decision
// request announcing a 100-byte body, and then one byte of the body every
// interval until stop is closed (or the server gives up on it). It returns
// the status line the server answered, if any.
func trickle(t *testing.T, addr string, interval time.Duration, stop <-chan struct{}) (statusLine, body string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return "", ""
	}
	defer func() { _ = conn.Close() }()
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n", decisionPath, addr); err != nil {
		t.Error(err)
		return "", ""
	}
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return // the test closed the connection
		}
		data, _ := io.ReadAll(resp.Body)
		statusLine, body = resp.Status, string(data)
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			_ = conn.Close()
			<-answered
			return statusLine, body
		case <-answered:
			return statusLine, body
		case <-tick.C:
			_, _ = conn.Write([]byte(" "))
		}
	}
}

// TestSlowClientsDoNotLockOut: eight clients trickle their bodies (one byte
// every 50 ms, never finishing during the test) against a server that
// evaluates 4 requests at once. Bodies are received before an evaluation
// slot is taken, so the 200 normal decision requests that 4 clients send
// meanwhile are answered: at least 90% must get 200 (before the fix every
// one got 503).
func TestSlowClientsDoNotLockOut(t *testing.T) {
	const slow, normal = 8, 200
	s, err := New(context.Background(), Config{MaxConcurrency: 4, BodyReadTimeout: time.Minute, ReadTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	reading := make(chan struct{}, slow)
	s.onReading = func() {
		select {
		case reading <- struct{}{}:
		default:
		}
	}
	addr := serveOnLoopback(t, s)
	stop := make(chan struct{})
	var slowWG sync.WaitGroup
	for range slow {
		slowWG.Go(func() { trickle(t, addr, 50*time.Millisecond, stop) })
	}
	for range slow {
		<-reading // every slow client is inside the server, receiving its body
	}

	body := mustJSON(t, input(full("kms:Decrypt")))
	client := &http.Client{Timeout: 30 * time.Second}
	var (
		mu        sync.Mutex
		statuses  = map[int]int{}
		latencies []time.Duration
		next      = make(chan struct{}, normal)
		wg        sync.WaitGroup
	)
	for range normal {
		next <- struct{}{}
	}
	close(next)
	for range 4 {
		wg.Go(func() {
			for range next {
				start := time.Now()
				resp, err := client.Post("http://"+addr+decisionPath, "application/json", bytes.NewReader(body))
				st := 0
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					st = resp.StatusCode
				}
				mu.Lock()
				statuses[st]++
				latencies = append(latencies, time.Since(start))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	slowWG.Wait()

	slices.Sort(latencies)
	p99 := latencies[len(latencies)*99/100]
	t.Logf("%d slow clients; %d normal requests: statuses %v, p50 %s, p99 %s", slow, normal, statuses,
		latencies[len(latencies)/2].Round(time.Millisecond), p99.Round(time.Millisecond))
	if ok := statuses[http.StatusOK]; ok*10 < normal*9 {
		t.Errorf("only %d of %d normal requests got 200 while %d clients trickled: %v", ok, normal, slow, statuses)
	}
}

// TestSlowBodyTimesOut: a body that stops arriving gets 408 after the body
// read timeout, and the answer names neither socket addresses nor Go
// internals (the raw error is "read tcp 127.0.0.1:...->...: i/o timeout").
func TestSlowBodyTimesOut(t *testing.T) {
	s, err := New(context.Background(), Config{BodyReadTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveOnLoopback(t, s)
	status, body := trickle(t, addr, time.Hour, nil) // sends the headers, then nothing
	if !strings.HasPrefix(status, "408") || !strings.Contains(body, `"code":"timeout"`) {
		t.Errorf("stalled body: %q %s", status, body)
	}
	for _, leak := range []string{"127.0.0.1", "tcp", "i/o", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("the answer shows %q: %s", leak, body)
		}
	}
}

// TestEvaluationErrorHidesRego: an evaluation error's answer names the
// request id and no Rego file or line; the server log has those, under the
// same id.
func TestEvaluationErrorHidesRego(t *testing.T) {
	path := tempPath(t, "conflict.tar.gz")
	writeCustomBundle(t, path, map[string]string{
		"kmsguard/authz/decision.rego": `package kmsguard.authz

decision := {"error": "principal: missing"} if not input.principal

decision := {"decision": "Allowed", "allowed": true} if input.principal

decision := {"decision": "ImplicitlyDenied", "allowed": false} if input.principal

# METADATA
# entrypoint: true
explain := {"a": 1} if input.principal

explain := {"a": 2} if input.principal
`,
	})
	var log syncBuffer
	_, ts := newTestServer(t, Config{Source: Source{Bundle: path}, Log: slog.New(slog.NewJSONHandler(&log, nil))})
	for _, p := range []string{decisionPath, "/v1/data/kmsguard/authz/explain"} {
		resp := do(t, ts.Client(), "POST", ts.URL+p, input(map[string]any{"principal": testAlice}))
		id := resp.header.Get("X-Request-Id")
		msg, _ := resp.json(t)["result"].(map[string]any)["error"].(string)
		if resp.status != 200 || id == "" || !strings.HasPrefix(msg, "evaluation failed") || !strings.Contains(msg, id) ||
			strings.Contains(msg, ".rego") {
			t.Errorf("%s: %d %s (request id %q)", p, resp.status, resp.body, id)
		}
		logged := grepLines(log.String(), id)
		if !strings.Contains(logged, "decision.rego:") {
			t.Errorf("%s: the server log has no details under request id %s:\n%s", p, id, log.String())
		}
	}
}

// TestGzipBodies: a gzip body is decoded as OPA does, its decoded size
// limited by the body limit; other encodings get 415; bad gzip gets 400.
func TestGzipBodies(t *testing.T) {
	_, ts := newTestServer(t, Config{MaxBody: 4096})
	gz := func(data []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(data)
		_ = zw.Close()
		return buf.Bytes()
	}
	plain := mustJSON(t, input(full("kms:Decrypt")))
	bomb := gz([]byte(`{"input": {"principal": "` + strings.Repeat("a", 1<<20) + `"}}`))
	for _, tc := range []struct {
		name, encoding string
		body           []byte
		status         int
		code           string
	}{
		{"gzip", "gzip", gz(plain), 200, ""},
		{"gzip upper case", "GZIP", gz(plain), 200, ""},
		{"gzip above the limit once decoded", "gzip", bomb, 413, "too_large"},
		{"not gzip", "gzip", plain, 400, "bad_request"},
		{"brotli", "br", plain, 415, "unsupported_media_type"},
		{"deflate", "deflate", plain, 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if int64(len(tc.body)) > 4096 {
				t.Fatalf("the compressed body (%d bytes) should be below the limit", len(tc.body))
			}
			resp := do(t, ts.Client(), "POST", ts.URL+decisionPath, string(tc.body), "Content-Encoding", tc.encoding)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			m := resp.json(t)
			if tc.code != "" && m["code"] != tc.code {
				t.Errorf("code %v, want %s: %s", m["code"], tc.code, resp.body)
			}
			if tc.status == 200 && m["result"].(map[string]any)["decision"] != "Allowed" {
				t.Errorf("gzip decision: %s", resp.body)
			}
		})
	}
}

// TestEntrypointAllowlist: the entry points over a whole snapshot are 404
// unless access analysis is enabled, and /health lists exactly what is
// served: the decision first, then every entry point the policy marks.
func TestEntrypointAllowlist(t *testing.T) {
	who := "/v1/data/kmsguard/access/who_can"
	snap := tempPath(t, "snap.json")
	writeJSONFile(t, snap, testSnapshot())
	for _, tc := range []struct {
		access bool
		status int
		paths  []string
	}{
		{false, 404, []string{decisionPath, "/v1/data/kmsguard/authz/explain", "/v1/data/kmsguard/authz/prepare_question",
			"/v1/data/kmsguard/lint/findings", "/v1/data/kmsguard/readiness/report"}},
		{true, 200, []string{decisionPath, "/v1/data/kmsguard/access/can_use", "/v1/data/kmsguard/access/diff", who,
			"/v1/data/kmsguard/authz/explain", "/v1/data/kmsguard/authz/prepare", "/v1/data/kmsguard/authz/prepare_question",
			"/v1/data/kmsguard/lint/findings", "/v1/data/kmsguard/readiness/report"}},
	} {
		_, ts := newTestServer(t, Config{Source: Source{Data: snap}, AccessAnalysis: tc.access})
		resp := do(t, ts.Client(), "POST", ts.URL+who, input(map[string]any{"key": testKey}))
		if resp.status != tc.status {
			t.Errorf("access analysis %v: who_can status %d, want %d: %s", tc.access, resp.status, tc.status, resp.body)
		}
		h := do(t, ts.Client(), "GET", ts.URL+"/health", nil).json(t)
		var got []string
		for _, p := range h["entrypoints"].([]any) {
			got = append(got, p.(string))
		}
		if !slices.Equal(got, tc.paths) {
			t.Errorf("access analysis %v: /health lists %v, want %v", tc.access, got, tc.paths)
		}
		for _, p := range got {
			if r := do(t, ts.Client(), "POST", ts.URL+p, input(map[string]any{})); r.status != 200 {
				t.Errorf("listed entry point %s: status %d: %s", p, r.status, r.body)
			}
		}
	}
}

// TestLameDuck shuts the server down under keep-alive load: four clients
// keep sending decisions; once /health turns 503 (as a load balancer sees
// it) each sends five more and stops. Every request must get 200 (no
// reset, no EOF), every answer during the wait must carry
// "Connection: close", and the listener must be closed at the end.
func TestLameDuck(t *testing.T) {
	s, err := New(context.Background(), Config{ShutdownWait: time.Minute, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	waitOver := make(chan struct{})
	s.waitOver = waitOver
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	body := mustJSON(t, input(full("kms:Decrypt")))
	unhealthy := make(chan struct{})
	var (
		mu                      sync.Mutex
		sent, failed, notClosed int
		afterDrain              int
		failures                []string
	)
	post := func(draining bool) {
		resp, err := client.Post(url+decisionPath, "application/json", bytes.NewReader(body))
		mu.Lock()
		defer mu.Unlock()
		sent++
		if err != nil {
			failed++
			failures = append(failures, err.Error())
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			failed++
			failures = append(failures, resp.Status)
		}
		if draining {
			afterDrain++
			if !resp.Close {
				notClosed++
			}
		}
	}
	var wg sync.WaitGroup
	started := make(chan struct{}, 4)
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-unhealthy:
					for range 5 {
						post(true)
					}
					return
				default:
				}
				post(false)
				if i == 2 {
					started <- struct{}{}
				}
			}
		})
	}
	for range 4 {
		<-started // every client has connections in use
	}
	cancel() // the shutdown trigger (SIGTERM in the command)
	var healthBody string
	for {
		resp, err := client.Get(url + "/health")
		if err != nil {
			t.Fatalf("/health during the wait: %v", err)
		}
		data, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			healthBody = string(data)
			break
		}
	}
	close(unhealthy)
	wg.Wait()
	// A connection the client dialled but never used (its request went on
	// another one) is new to the server, and net/http's Shutdown waits up to
	// 5 s for a new connection before it counts as idle: a client that is
	// done closes its spare connections, as this one does.
	client.CloseIdleConnections()
	// Still in the wait: health stays 503 and decisions are answered.
	if resp, err := client.Get(url + "/health"); err != nil || resp.StatusCode != 503 {
		t.Errorf("/health later in the wait: %v %v", resp, err)
	} else {
		_ = resp.Body.Close()
	}
	close(waitOver)
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	t.Logf("%d requests under keep-alive load, %d during the wait; %d failed; /health during the wait: %s",
		sent, afterDrain, failed, strings.TrimSpace(healthBody))
	if failed > 0 {
		t.Errorf("%d of %d requests failed: %v", failed, sent, failures)
	}
	if notClosed > 0 {
		t.Errorf("%d of %d answers during the wait lacked Connection: close", notClosed, afterDrain)
	}
	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		_ = conn.Close()
		t.Error("the listener still accepts connections after shutdown")
	}
}
