package scan

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/scan/scantest"
)

// silentEndpoint accepts connections on loopback and never answers; it
// counts the connections.
func silentEndpoint(t *testing.T) (url string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = new(atomic.Int32)
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String(), accepted
}

// TestScanSilentEndpoint: an endpoint that accepts connections and never
// answers fails the scan after TransportAttempts attempts of
// AttemptTimeout each, with a message naming the endpoint (before, it
// hung for ever). With the defaults (15 s, 3 attempts, backoff under 6 s)
// that is within a minute; here the attempt timeout is 300 ms.
func TestScanSilentEndpoint(t *testing.T) {
	url, accepted := silentEndpoint(t)
	isolate(t, url)
	start := time.Now()
	_, err := Run(context.Background(), Options{AttemptTimeout: 300 * time.Millisecond, Backoff: noWait})
	elapsed := time.Since(start)
	t.Logf("failed after %s and %d connections: %v", elapsed.Round(time.Millisecond), accepted.Load(), err)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the ") || !strings.Contains(err.Error(), url) ||
		!strings.Contains(err.Error(), "no answer within --attempt-timeout 300ms, 3 attempts") {
		t.Fatalf("err = %v, want one naming %s and the timeout", err, url)
	}
	// Three clients (STS, IAM, KMS) ask at once, each call at most 3 times.
	if n := accepted.Load(); n > 3*TransportAttempts {
		t.Errorf("%d connections, want at most %d", n, 3*TransportAttempts)
	}
	if elapsed > time.Minute {
		t.Errorf("took %s", elapsed)
	}
}

// TestScanUnreachableEndpoint: a closed loopback port fails at once, naming
// the endpoint and the reason.
func TestScanUnreachableEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close() // nothing listens there any more
	isolate(t, url)
	start := time.Now()
	_, err = Run(context.Background(), Options{Backoff: noWait})
	t.Logf("failed after %s: %v", time.Since(start).Round(time.Millisecond), err)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the ") || !strings.Contains(err.Error(), url) ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want one naming %s and the refused connection", err, url)
	}
}

// TestScanOverallTimeout: the scan as a whole stops at Timeout even while
// every call is still within its attempt timeout.
func TestScanOverallTimeout(t *testing.T) {
	url, _ := silentEndpoint(t)
	isolate(t, url)
	_, err := Run(context.Background(), Options{AttemptTimeout: time.Minute, Timeout: 300 * time.Millisecond, Backoff: noWait})
	if err == nil || !strings.Contains(err.Error(), "did not finish within --timeout 300ms") {
		t.Fatalf("err = %v, want the overall timeout", err)
	}
}

// TestScanNoCredentials: without credentials the scan says so in one line,
// with the ways to provide them, and calls nothing.
func TestScanNoCredentials(t *testing.T) {
	fake := scantest.New(Account())
	srv := httptest.NewServer(fake)
	defer srv.Close()
	isolate(t, srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := Run(context.Background(), Options{Backoff: noWait})
	if !errors.Is(err, errNoCredentials) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want the one-line missing-credentials message", err)
	}
	for _, want := range []string{"--profile", "AWS_ACCESS_KEY_ID", "role"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not mention %s: %v", want, err)
		}
	}
	if c := fake.Calls(); len(c) != 0 {
		t.Errorf("calls made without credentials: %v", c)
	}
}

// TestScanProgressLines: without a terminal, a long scan writes a progress
// line every ProgressEvery. The fake holds the first key-policy call until
// two lines have been written.
func TestScanProgressLines(t *testing.T) {
	fake := scantest.New(Account())
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "TrentService.GetKeyPolicy" {
			held := false
			once.Do(func() { held = true })
			if held {
				<-release
			}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	isolate(t, srv.URL)
	pr, pw := io.Pipe()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Options{Regions: []string{"us-east-1"}, Backoff: noWait, Progress: pw, ProgressEvery: 20 * time.Millisecond})
		_ = pw.Close()
		done <- err
	}()
	var got []string
	for range 2 {
		got = append(got, <-lines)
	}
	close(release)
	for l := range lines {
		got = append(got, l)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, l := range got {
		if !strings.HasPrefix(l, "kmsguard: scanning: ") || !strings.Contains(l, " keys read so far, ") {
			t.Errorf("progress line %q", l)
		}
	}
	if len(got) < 2 {
		t.Errorf("progress lines: %q", got)
	}
}
