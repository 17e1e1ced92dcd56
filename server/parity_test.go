package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/internal/loadgen"
	"github.com/kmsguard/kmsguard/server"
)

// parityGenerated is the number of generated questions besides the cases.
const parityGenerated = 2000

// TestParityWithStockOPA serves the same questions from kmsguard serve (in
// process) and from stock `opa run --server` serving the bundle that
// `kmsguard bundle build` writes, and requires identical results: first
// with the questions as they are, then with a snapshot in both (and
// questions that leave out what it holds).
func TestParityWithStockOPA(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs stock OPA")
	}
	ctx := context.Background()
	dir := t.TempDir()
	opa, err := loadgen.Build(ctx, loadgen.OPAPackage, dir, "opa")
	if err != nil {
		t.Fatal(err)
	}
	questions, err := loadgen.Questions("../testdata/decisions", parityGenerated, loadgen.Seed)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("inline", func(t *testing.T) {
		bundle := filepath.Join(dir, "kmsguard.tar.gz")
		build(t, bundle, nil)
		n := compare(t, opa, bundle, server.Source{}, questions)
		if n < parityGenerated+100 {
			t.Errorf("only %d questions compared", n)
		}
	})

	t.Run("snapshot", func(t *testing.T) {
		snap, stripped := loadgen.Snapshot(questions)
		data := filepath.Join(dir, "snapshot.json")
		raw, err := json.Marshal(snap)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(data, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		bundle := filepath.Join(dir, "kmsguard-data.tar.gz")
		build(t, bundle, snap)
		// Questions that rely on the snapshot, and the first 500 as they
		// are (inline data wins over the snapshot).
		qs := append(slices.Clone(stripped), questions[:500]...)
		answers := compareAnswers(t, opa, bundle, server.Source{Data: data}, qs)
		allowed, errs := 0, 0
		for _, a := range answers[:len(stripped)] {
			switch {
			case a["allowed"] == true:
				allowed++
			case a["error"] != nil:
				errs++
			}
		}
		t.Logf("%d questions answered from the snapshot: %d allowed, %d errors", len(stripped), allowed, errs)
		if allowed < 50 || errs > len(stripped)/2 {
			t.Errorf("the snapshot questions test too little: %d allowed, %d errors of %d", allowed, errs, len(stripped))
		}
	})
}

func build(t *testing.T, path string, snap map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := kbundle.Build(&buf, kbundle.BuildOptions{Revision: "parity", Snapshot: snap}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func compare(t *testing.T, opa, bundle string, src server.Source, qs []map[string]any) int {
	t.Helper()
	return len(compareAnswers(t, opa, bundle, src, qs))
}

// compareAnswers asks both servers every question and fails on any
// difference; it returns kmsguard's results.
func compareAnswers(t *testing.T, opaBin, bundle string, src server.Source, qs []map[string]any) []map[string]any {
	t.Helper()
	ctx := context.Background()
	addr, err := loadgen.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	var opaLog bytes.Buffer
	opa, err := loadgen.Start(ctx, "opa", opaBin, loadgen.OPAArgs(addr, bundle), addr, &lockedWriter{w: &opaLog})
	if err != nil {
		t.Fatalf("%v\n%s", err, opaLog.String())
	}
	defer func() {
		if err := opa.Stop(); err != nil {
			t.Errorf("stopping opa: %v", err)
		}
	}()
	s, err := server.New(ctx, server.Config{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	kg := httptest.NewServer(s.Handler())
	defer kg.Close()

	bodies, err := loadgen.Bodies(qs)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]map[string]any, len(qs))
	var (
		mu    sync.Mutex
		diffs []string
		wg    sync.WaitGroup
	)
	jobs := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				want, err := result(opa.URL, loadgen.DecisionPath, bodies[i])
				if err == nil {
					var got map[string]any
					if got, err = result(kg.URL, loadgen.DecisionPath, bodies[i]); err == nil {
						results[i] = got
						err = sameResult(got, want)
					}
				}
				// The explanation too, for every fourth question.
				if err == nil && i%4 == 0 {
					var got map[string]any
					if want, err = result(opa.URL, explainPath, bodies[i]); err == nil {
						if got, err = result(kg.URL, explainPath, bodies[i]); err == nil {
							err = sameResult(got, want)
						}
					}
				}
				if err != nil {
					mu.Lock()
					diffs = append(diffs, fmt.Sprintf("question %d (%v): %v", i, qs[i]["id"], err))
					mu.Unlock()
				}
			}
		})
	}
	for i := range qs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(diffs) > 0 {
		t.Errorf("%d of %d questions answered differently; first ones:\n%s", len(diffs), len(qs), strings.Join(diffs[:min(5, len(diffs))], "\n"))
	}
	t.Logf("%d questions: identical results from kmsguard serve and stock OPA", len(qs)-len(diffs))
	return results
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}

// explainPath is the explanation's endpoint, beside loadgen.DecisionPath.
const explainPath = "/v1/data/kmsguard/authz/explain"

func result(base, path string, body []byte) (map[string]any, error) {
	resp, err := client.Post(base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: status %d: %s", base, resp.StatusCode, data)
	}
	var r struct {
		Result map[string]any `json:"result"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil || r.Result == nil {
		return nil, fmt.Errorf("%s: no result object in %s", base, data)
	}
	return r.Result, nil
}

// sameResult compares whole result objects, with no allowance: the Rego
// leaves empty lists out of an answer, as the runner does.
func sameResult(got, want map[string]any) error {
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		return fmt.Errorf("kmsguard %s\n  stock OPA %s", g, w)
	}
	return nil
}

// lockedWriter serializes writes of a process's stdout and stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
