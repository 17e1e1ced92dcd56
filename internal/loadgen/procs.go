package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// OPAPackage is the stock OPA command, pinned by the tool directive in
// go.mod.
const OPAPackage = "github.com/open-policy-agent/opa"

// Build compiles a main package of the module (or a tool it pins) to
// dir/name with the go command and returns the binary's path. The build
// cache makes repeated builds cheap.
func Build(ctx context.Context, pkg, dir, name string) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building %s: %w", pkg, err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return out, nil
}

// FreeAddr returns a loopback address with a port free right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// Proc is a server process started by Start.
type Proc struct {
	Name string
	URL  string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	done chan error

	stopOnce sync.Once
	stopErr  error
}

// Start runs bin with args (which must make it listen on addr) and waits,
// polling /health for at most 60s, until it answers 200. Its output goes to
// logw (nil: discarded). The process gets SIGTERM if this one dies.
func Start(ctx context.Context, name, bin string, args []string, addr string, logw io.Writer) (*Proc, error) {
	cmd := exec.Command(bin, args...)
	tail := &tailBuffer{max: 4 << 10}
	var out io.Writer = tail
	if logw != nil {
		out = io.MultiWriter(logw, tail)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &Proc{Name: name, URL: "http://" + addr, cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	if err := p.waitHealthy(ctx, 60*time.Second); err != nil {
		_ = p.Stop() // already failing: the health error is the one to report
		return nil, fmt.Errorf("%w; its output ends:\n%s", err, tail.String())
	}
	return p, nil
}

// PID is the server's process id.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

func (p *Proc) waitHealthy(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/health", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("%s exited before it was healthy: %w", p.Name, err)
		case <-ctx.Done():
			return fmt.Errorf("%s not healthy at %s/health within %s", p.Name, p.URL, limit)
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM and waits up to 15s for the process to exit, then
// kills it. Later calls return the first one's result.
func (p *Proc) Stop() error {
	p.stopOnce.Do(func() { p.stopErr = p.stop() })
	return p.stopErr
}

func (p *Proc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // it may be gone already
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return nil // stopped by the signal (stock OPA may exit this way)
			}
		}
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill() // it may have exited just now
		err := <-p.done
		return fmt.Errorf("%s did not stop within 15s of SIGTERM; killed (%w)", p.Name, err)
	}
}

// RSS is the resident set size of process pid in bytes (VmRSS in
// /proc/PID/status).
func RSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected VmRSS line %q", sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		return kb << 10, err
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS for process %d", pid)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat (100
// on Linux for every architecture Go supports).
const clockTicks = 100

// CPUTime is the user plus system CPU time process pid has used
// (/proc/PID/stat fields utime and stime).
func CPUTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
