package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	kbundle "github.com/kmsguard/kmsguard/bundle"
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
		if err := writeFileAtomic(path, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	write("h1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	p := serveParams{
		Addr: addr, Bundle: path, MaxBody: 1 << 20, GCPercent: 100,
		ReadTimeout: time.Second, WriteTimeout: time.Second, IdleTimeout: time.Second, ShutdownTimeout: time.Second,
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
