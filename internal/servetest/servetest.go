// Package servetest runs `kmsguard serve` as a child process, for the
// tests of what it does on a signal (only tests import it).
package servetest

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// wait bounds each wait of a test: for the server to be healthy, and for
// it to exit.
const wait = 30 * time.Second

// Process is a running `kmsguard serve`.
type Process struct {
	cmd    *exec.Cmd
	url    string
	client *http.Client
	stderr lockedBuffer
	exited chan error
}

// Start starts cmd, which must run `kmsguard serve` listening on addr, and
// waits until its /health answers 200. The process is killed at the end
// of the test if it is still running.
func Start(t *testing.T, cmd *exec.Cmd, addr string) *Process {
	t.Helper()
	p := &Process{cmd: cmd, url: "http://" + addr, client: &http.Client{Timeout: 10 * time.Second}, exited: make(chan error, 1)}
	cmd.Stderr = &p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if exited, _ := p.Exited(); !exited {
			_ = cmd.Process.Kill() // it may exit just now
			if err := <-p.exited; err != nil {
				t.Logf("serve was killed: %v", err)
			}
		}
	})
	for deadline := time.Now().Add(wait); p.Health() != http.StatusOK; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-p.exited:
			p.exited <- err
			t.Fatalf("serve exited (%v) before it was healthy: %s", err, p.Stderr())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become healthy: %s", p.Stderr())
		}
	}
	return p
}

// URL is the server's base URL.
func (p *Process) URL() string { return p.url }

// Client is an HTTP client for the server, with a timeout.
func (p *Process) Client() *http.Client { return p.client }

// Health is the status of /health, 0 when the server does not answer.
func (p *Process) Health() int {
	resp, err := p.client.Get(p.url + "/health")
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// Signal sends sig to the process.
func (p *Process) Signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// Exited reports, without waiting, whether the process has exited, and how.
func (p *Process) Exited() (exited bool, err error) {
	select {
	case err := <-p.exited:
		p.exited <- err
		return true, err
	default:
		return false, nil
	}
}

// Wait waits for the process to exit and returns how it exited (nil: exit
// status 0); the test fails if it has not exited within 30 s.
func (p *Process) Wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.exited:
		p.exited <- err
		return err
	case <-time.After(wait):
		t.Fatalf("serve did not exit: %s", p.Stderr())
		return nil
	}
}

// Stderr is what the process has written to its standard error so far.
func (p *Process) Stderr() string { return p.stderr.String() }

// lockedBuffer is a bytes.Buffer the child's output is copied into while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(d []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(d)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
