package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/internal/atomicfile"
	"github.com/kmsguard/kmsguard/internal/loadgen"
	"github.com/kmsguard/kmsguard/internal/servetest"
)

// TestServeSIGHUP runs the serve command in process, replaces its bundle,
// sends the process SIGHUP and waits for the new revision; then stops it
// through its context.
func TestServeSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kmsguard.tar.gz")
	write := func(rev string) {
		var buf bytes.Buffer
		if err := kbundle.Build(&buf, kbundle.BuildOptions{Revision: rev}); err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.Write(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("h1")
	addr, err := loadgen.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p := serveParams{
		Addr: addr, Bundle: path, MaxBody: 1 << 20, GCPercent: 100,
		ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: time.Second, ShutdownGrace: time.Second, BodyReadTimeout: time.Second, AnalysisTimeout: time.Second,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, p, io.Discard) }()

	revision := func() string {
		resp, err := http.Get("http://" + addr + "/health")
		if err != nil {
			return ""
		}
		defer func() { _ = resp.Body.Close() }()
		var h struct{ Revision string }
		_ = json.NewDecoder(resp.Body).Decode(&h) // an empty revision retries
		return h.Revision
	}
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); revision() != want; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("revision %q, want %q", revision(), want)
			}
		}
	}
	waitFor("h1")
	write("h2")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("h2")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeSIGTERM runs "kmsguard serve" as a child process (the test
// binary stands in for it, as in the scripts), sends it a real SIGTERM, and
// checks the lame-duck sequence: /health turns 503 at once, a decision is
// still answered with "Connection: close" during --shutdown-wait-period, and
// the process then exits 0.
func TestServeSIGTERM(t *testing.T) {
	addr, err := loadgen.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--shutdown-wait-period", "5s", "--shutdown-grace-period", "5s")
	cmd.Args[0] = "kmsguard" // testscript.Main runs the command of that name
	p := servetest.Start(t, cmd, addr)
	p.Signal(t, syscall.SIGTERM)
	// The signal arrives asynchronously: wait for /health to say so (it
	// must, well within the wait period).
	for p.Health() != http.StatusServiceUnavailable {
		if exited, err := p.Exited(); exited {
			t.Fatalf("serve exited (%v) before /health turned 503: %s", err, p.Stderr())
		}
	}
	q := `{"input": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`
	resp, err := p.Client().Post(p.URL()+"/v1/data/kmsguard/authz/decision", "application/json", strings.NewReader(q))
	if err != nil {
		t.Fatalf("decision during the wait period: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || !resp.Close {
		t.Errorf("decision during the wait period: %s, Connection: close %v", resp.Status, resp.Close)
	}
	if err := p.Wait(t); err != nil {
		t.Errorf("serve exited with %v: %s", err, p.Stderr())
	}
	if !strings.Contains(p.Stderr(), `"signal":"terminated"`) {
		t.Errorf("no log line for the signal: %s", p.Stderr())
	}
}
