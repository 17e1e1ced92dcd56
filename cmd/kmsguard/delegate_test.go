//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kmsguard/kmsguard/internal/loadgen"
	"github.com/kmsguard/kmsguard/internal/servetest"
)

// buildBinaries builds kmsguard and kmsguard-full into a new directory.
func buildBinaries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), ".", "../kmsguard-full").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// run runs the binary with args and env added to the test's environment;
// it returns the exit status and what it wrote.
func run(t *testing.T, bin string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runWith(t, bin, env, nil, args...)
}

// runInput is run with input as the standard input.
func runInput(t *testing.T, bin string, input []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runWith(t, bin, nil, input, args...)
}

func runWith(t *testing.T, bin string, env []string, input []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	if input != nil {
		cmd.Stdin = bytes.NewReader(input)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return code, out.String(), errOut.String()
}

// TestDelegatedCommands: kmsguard runs kmsguard-full, found beside it (or
// on PATH), for every command but eval --batch — their flags, help, exit
// statuses and signals are kmsguard-full's — and says what is wrong when
// kmsguard-full is missing, is another version, or is a kmsguard under that
// name.
func TestDelegatedCommands(t *testing.T) {
	dir := buildBinaries(t)
	kmsguard, full := filepath.Join(dir, "kmsguard"), filepath.Join(dir, "kmsguard-full")
	noPath := []string{"PATH=" + t.TempDir()}

	code, stdout, _ := run(t, kmsguard, noPath, "serve", "--help")
	if code != 0 || !strings.Contains(stdout, "--shutdown-grace-period") {
		t.Errorf("kmsguard serve --help: exit %d, want 0 and serve's flags:\n%s", code, stdout)
	}
	code, _, stderr := run(t, kmsguard, noPath, "scan", "--bogus")
	if code != 2 || !strings.Contains(stderr, "unknown flag: --bogus") {
		t.Errorf("kmsguard scan --bogus: exit %d, want 2 and scan's usage error: %s", code, stderr)
	}
	code, stdout, _ = run(t, kmsguard, noPath, "--help")
	if code != 0 || !strings.Contains(stdout, "serve       Serve decisions over HTTP") || !strings.Contains(stdout, "scan        Read an AWS account's keys") {
		t.Errorf("kmsguard --help: exit %d, want serve and scan listed:\n%s", code, stdout)
	}

	// kmsguard alone, and kmsguard-full not on PATH.
	alone := t.TempDir()
	copyFile(t, kmsguard, filepath.Join(alone, "kmsguard"))
	code, _, stderr = run(t, filepath.Join(alone, "kmsguard"), noPath, "serve")
	if code != 2 || !strings.Contains(stderr, "kmsguard-full is installed neither beside kmsguard nor on PATH") {
		t.Errorf("without kmsguard-full: exit %d, want 2 and a message naming it: %s", code, stderr)
	}
	// ... but on PATH.
	code, stdout, _ = run(t, filepath.Join(alone, "kmsguard"), []string{"PATH=" + dir}, "scan", "--help")
	if code != 0 || !strings.Contains(stdout, "--account-concurrency") {
		t.Errorf("kmsguard-full on PATH: exit %d, want 0 and scan's flags:\n%s", code, stdout)
	}
	// A kmsguard installed as kmsguard-full does not run itself again.
	copyFile(t, kmsguard, filepath.Join(alone, "kmsguard-full"))
	code, _, stderr = run(t, filepath.Join(alone, "kmsguard"), noPath, "serve")
	if code != 2 || !strings.Contains(stderr, "cannot run serve itself") {
		t.Errorf("kmsguard as kmsguard-full: exit %d, want 2: %s", code, stderr)
	}
	// kmsguard-full refuses to run for another version.
	code, _, stderr = run(t, full, []string{"KMSGUARD_DELEGATED_BY=kmsguard v0.0.1\n"}, "version")
	if code != 2 || !strings.Contains(stderr, "different versions") {
		t.Errorf("kmsguard-full run by another version: exit %d, want 2: %s", code, stderr)
	}
	t.Run("serve gets signals", func(t *testing.T) { testServeGetsSignals(t, kmsguard) })
}

// testServeGetsSignals: kmsguard serve is kmsguard-full in the same
// process, so a SIGTERM sent to the process kmsguard started as reaches the
// server, which shuts down cleanly (exit 0).
func testServeGetsSignals(t *testing.T, kmsguard string) {
	addr, err := loadgen.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p := servetest.Start(t, exec.Command(kmsguard, "serve", "--addr", addr, "--shutdown-grace-period", "5s"), addr)
	p.Signal(t, syscall.SIGTERM)
	if err := p.Wait(t); err != nil {
		t.Errorf("after SIGTERM: %v, want exit 0: %s", err, p.Stderr())
	}
	if !strings.Contains(p.Stderr(), `"signal":"terminated"`) {
		t.Errorf("no log line for the signal: %s", p.Stderr())
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
