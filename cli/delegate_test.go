//go:build unix

package cli

import (
	"github.com/kmsguard/kmsguard/internal/delegate"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDelegateChild: with streams that are not the process's own (here, in
// process), kmsguard runs kmsguard-full as a child with them: the same
// arguments after the command name, its version in the environment, and
// kmsguard-full's exit status as its own. A stand-in kmsguard-full on PATH
// shows what it was given.
func TestDelegateChild(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\"\nprintf '%s' \"$" + delegate.Env + "\" >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(dir, delegate.FullBinary), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	var stdout, stderr bytes.Buffer
	err := Execute(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--help"}, strings.NewReader(""), &stdout, &stderr)
	if got := ExitCode(err); got != 3 {
		t.Errorf("exit %d, want kmsguard-full's 3 (%v)", got, err)
	}
	if got, want := stdout.String(), "serve\n--addr\n127.0.0.1:0\n--help\n"; got != want {
		t.Errorf("kmsguard-full's arguments:\n%s\nwant:\n%s", got, want)
	}
	if got := stderr.String(); got != delegate.Stamp() {
		t.Errorf("%s = %q, want kmsguard's stamp %q", delegate.Env, got, delegate.Stamp())
	}

	t.Setenv("PATH", t.TempDir())
	stderr.Reset()
	err = Execute(t.Context(), []string{"scan", "-o", "x.json"}, nil, &stdout, &stderr)
	if ExitCode(err) != ExitInput || !strings.Contains(stderr.String(), "kmsguard-full is installed neither beside kmsguard nor on PATH") {
		t.Errorf("without kmsguard-full: exit %d: %s", ExitCode(err), stderr.String())
	}
}
