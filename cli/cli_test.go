package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	opaversion "github.com/open-policy-agent/opa/v1/version"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{denied, 1},
		{answered, 2},
		{inputErrorf("bad"), 2},
		{fmt.Errorf("wrapped: %w", denied), 1},
		{errors.New(`unknown flag: --bogus`), 2}, // cobra's usage errors
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestRunCanBadFormat(t *testing.T) {
	err := runCan(t.Context(), canParams{Format: "yaml"}, nil, io.Discard)
	if err == nil || err.Error() != `--format must be text or json, not "yaml"` || ExitCode(err) != 2 {
		t.Errorf("runCan error = %v (exit %d)", err, ExitCode(err))
	}
}

func TestCheckFormat(t *testing.T) {
	for _, tt := range []struct {
		format  string
		formats []string
		want    string // "" for no error
	}{
		{"json", []string{"text", "json"}, ""},
		{"yaml", []string{"text", "json"}, `--format must be text or json, not "yaml"`},
		{"svg", []string{"text", "json", "dot", "mermaid"}, `--format must be text, json, dot or mermaid, not "svg"`},
		{"text", []string{"json"}, `--format must be json, not "text"`},
	} {
		err := checkFormat(tt.format, tt.formats...)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("checkFormat(%q, %q) = %v, want nil", tt.format, tt.formats, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want || ExitCode(err) != exitcode.Input):
			t.Errorf("checkFormat(%q, %q) = %v (exit %d), want %q (exit 2)", tt.format, tt.formats, err, ExitCode(err), tt.want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"can", "--principal", "111122223333", "--action", "kms:Decrypt"},
			"kmsguard: required flag(s) \"key-policy\" not set\nRun 'kmsguard can --help' for usage.\n"},
		{[]string{"can", "--bogus"}, "kmsguard: unknown flag: --bogus\nRun 'kmsguard can --help' for usage.\n"},
		{[]string{"can", "--key-policy", "k", "--principal", "p", "--action", "a", "extra"},
			"kmsguard: unknown command \"extra\" for \"kmsguard can\"\nRun 'kmsguard can --help' for usage.\n"},
		{[]string{"frobnicate"}, "kmsguard: unknown command \"frobnicate\" for \"kmsguard\"\nRun 'kmsguard --help' for usage.\n"},
		{[]string{"eval"}, "kmsguard: required flag(s) \"batch\" not set\nRun 'kmsguard eval --help' for usage.\n"},
		{[]string{"eval", "--batch", "-", "--format", "text"}, "kmsguard: --format must be json for eval, not \"text\"\n"},
		{[]string{"version", "x"}, "kmsguard: unknown command \"x\" for \"kmsguard version\"\nRun 'kmsguard version --help' for usage.\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := Execute(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
		if ExitCode(err) != 2 {
			t.Errorf("%v: exit %d, want 2", tt.args, ExitCode(err))
		}
		if stderr.String() != tt.stderr {
			t.Errorf("%v: stderr = %q\nwant %q", tt.args, stderr.String(), tt.stderr)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: stdout = %q", tt.args, stdout.String())
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {}, {"can", "--help"}, {"eval", "--help"}, {"version", "--help"},
		{"bundle", "--help"}, {"snapshot", "--help"}} {
		var stdout, stderr bytes.Buffer
		err := Execute(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
		if err != nil || stderr.Len() != 0 {
			t.Errorf("%v: err %v, stderr %q", args, err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "Examples:\n  kmsguard ") && !strings.Contains(stdout.String(), "Examples:\n  # ") {
			t.Errorf("%v: help has no example:\n%s", args, stdout.String())
		}
	}
}

func TestVersion(t *testing.T) {
	var outputs []string
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout bytes.Buffer
		if err := Execute(t.Context(), args, nil, &stdout, io.Discard); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "kmsguard ") || len(lines[0]) == len("kmsguard ") ||
			!strings.HasPrefix(lines[1], "revision ") || lines[2] != "OPA "+opaversion.Version ||
			!strings.HasPrefix(lines[3], "go") {
			t.Errorf("%v output = %q", args, stdout.String())
		}
		outputs = append(outputs, stdout.String())
	}
	if outputs[0] != outputs[1] {
		t.Errorf("version and --version differ:\n%s\n%s", outputs[0], outputs[1])
	}
}
