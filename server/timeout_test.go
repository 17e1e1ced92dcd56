package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const diffPath = "/v1/data/kmsguard/access/diff"

// TestAnalysisTimeout: a native diff that runs past --analysis-timeout is
// answered with an error (never an answer it did not finish) soon after
// the timeout, and the analysis, which goes on, keeps its evaluation slot
// until it ends: with --max-concurrency 1 a decision gets 503 meanwhile,
// and 200 once the analysis has ended. The server listens on loopback
// only, and the test stops it.
func TestAnalysisTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	s, err := New(context.Background(), Config{AccessAnalysis: true, MaxConcurrency: 1, AnalysisTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 1)
	hold := make(chan struct{})
	var release sync.Once
	s.beforeAnalysis = func() {
		started <- struct{}{}
		<-hold // the analysis runs until the test lets it go on
	}
	addr := serveOnLoopback(t, s)
	t.Cleanup(func() { release.Do(func() { close(hold) }) }) // before the server stops
	client := &http.Client{Timeout: 30 * time.Second}

	begin := time.Now()
	resp := do(t, client, http.MethodPost, "http://"+addr+diffPath, input(map[string]any{"old": testSnapshot(), "new": testSnapshot()}))
	took := time.Since(begin)
	<-started
	if resp.status != http.StatusOK {
		t.Fatalf("diff past the timeout: status %d, body %s", resp.status, resp.body)
	}
	result, _ := resp.json(t)["result"].(map[string]any)
	if msg, _ := result["error"].(string); !strings.Contains(msg, "longer than 300ms (--analysis-timeout)") || len(result) != 1 {
		t.Errorf("diff past the timeout answered %s, want only an error naming --analysis-timeout", resp.body)
	}
	if took < timeout || took > timeout+10*time.Second {
		t.Errorf("diff past the timeout answered after %s, want about %s", took, timeout)
	}

	// The analysis still holds the one slot.
	if r := do(t, client, http.MethodPost, "http://"+addr+decisionPath, input(full("kms:Decrypt"))); r.status != http.StatusServiceUnavailable {
		t.Errorf("decision while the abandoned analysis runs: status %d, want 503; body %s", r.status, r.body)
	}

	release.Do(func() { close(hold) })
	for deadline := time.Now().Add(10 * time.Second); len(s.slots) > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned analysis did not give its slot back within 10s of ending")
		}
	}
	r := do(t, client, http.MethodPost, "http://"+addr+decisionPath, input(full("kms:Decrypt")))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"decision":"Allowed"`) {
		t.Errorf("decision after the analysis ended: status %d, body %s", r.status, r.body)
	}
	m := do(t, client, http.MethodGet, "http://"+addr+"/metrics", nil)
	if !strings.Contains(string(m.body), `kmsguard_errors_total{reason="timeout"} 1`) {
		t.Errorf("metrics do not count one timeout:\n%s", m.body)
	}
}

// TestAnalysisTimeoutRego: what the native engines decline, the Rego
// evaluates under the same timeout: a diff the native analysis declines
// (principals null), another entry point, and a decision question the
// native engine leaves to the Rego each get the timeout's error answer.
func TestAnalysisTimeoutRego(t *testing.T) {
	_, ts := newTestServer(t, Config{AccessAnalysis: true, AnalysisTimeout: time.Nanosecond})
	for _, tc := range []struct {
		name, path string
		in         map[string]any
	}{
		{"diff the native analysis declines", diffPath, map[string]any{"old": testSnapshot(), "new": testSnapshot(), "principals": nil}},
		{"who_can", "/v1/data/kmsguard/access/who_can", map[string]any{"key": testKey}},
		{"decision left to the Rego", decisionPath, map[string]any{"principal": testAlice, "resource": testKey, "key_policy": defaultKeyPolicy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts.Client(), http.MethodPost, ts.URL+tc.path, input(tc.in))
			result, _ := r.json(t)["result"].(map[string]any)
			if msg, _ := result["error"].(string); r.status != http.StatusOK || !strings.Contains(msg, "(--analysis-timeout)") {
				t.Errorf("status %d, body %s; want an error answer naming --analysis-timeout", r.status, r.body)
			}
		})
	}
}

// TestStoppedWording: only a deadline is a timeout; a request that ended
// (its client went away) is not counted as one.
func TestStoppedWording(t *testing.T) {
	s, ts := newTestServer(t, Config{AnalysisTimeout: time.Second})
	timeouts := func() string {
		m := do(t, ts.Client(), http.MethodGet, ts.URL+"/metrics", nil)
		for line := range strings.SplitSeq(string(m.body), "\n") {
			if strings.HasPrefix(line, `kmsguard_errors_total{reason="timeout"}`) {
				return line
			}
		}
		return "none"
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if got, want := s.stopped(cancelled), "no answer: the request ended before the evaluation did"; got != want {
		t.Errorf("cancelled: %q, want %q", got, want)
	}
	if got := timeouts(); got != "none" {
		t.Errorf("a cancelled request counted as a timeout: %s", got)
	}
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	if got, want := s.stopped(expired), "no answer: the evaluation took longer than 1s (--analysis-timeout)"; got != want {
		t.Errorf("deadline: %q, want %q", got, want)
	}
	if got := timeouts(); got != `kmsguard_errors_total{reason="timeout"} 1` {
		t.Errorf("timeouts counted: %s, want 1", got)
	}
}
