//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/gen"
)

// TestEvalAsFull: kmsguard answers eval --batch itself, with the native
// engine and kmsguard-full for the questions the engine declines, and
// writes what kmsguard-full writes for the same command line, byte for
// byte, with the same exit status; command lines it does not answer itself
// (help, flag errors, a file that cannot be read) are kmsguard-full's.
func TestEvalAsFull(t *testing.T) {
	dir := buildBinaries(t)
	kmsguard, full := filepath.Join(dir, "kmsguard"), filepath.Join(dir, "kmsguard-full")
	noPath := []string{"PATH=" + t.TempDir()}

	// Generated questions with lines the engine declines (syntax errors,
	// duplicate keys, invalid questions: the Rego's error answers), blank
	// lines and CRLF endings mixed in.
	bad := []string{
		`{"id": "syntax", "action": }`,
		`{"id": "dup", "id": "dup"}`,
		`not json`,
		`{"id": "broken", "principal": "alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-east-1:111122223333:key/x", "key_policy": {}}`,
		``,
	}
	var in bytes.Buffer
	for i, q := range gen.Generate(300, 7) {
		if i%37 == 0 {
			in.WriteString(bad[(i/37)%len(bad)] + "\n")
		}
		data, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(data)
		if i%11 == 0 {
			in.WriteString("\r")
		}
		in.WriteString("\n")
	}
	file := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(file, in.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	allowed := filepath.Join(t.TempDir(), "allowed.jsonl")
	if err := os.WriteFile(allowed, []byte(`{"id":"a","principal":"111122223333","action":"kms:Decrypt","resource":"arn:aws:kms:us-west-2:111122223333:key/k","key_policy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"eval", "--batch", file},
		{"eval", "--batch=" + file, "--stats"},
		{"eval", "--stats=true", "--format", "json", "--batch", file},
		{"eval", "--batch", allowed, "--stats=false"},
		{"eval", "--batch", allowed, "--stats"},
		{"eval", "--batch", filepath.Join(dir, "missing.jsonl")},
		{"eval", "--batch", file, "--format", "yaml"},
		{"eval", "--batch", file, "--bogus"},
		{"eval", "--batch"},
		{"eval", "--batch", file, "--stats", "--stats"},
		{"eval"},
		{"eval", "--help"},
		{"version"},
	} {
		code, stdout, stderr := run(t, kmsguard, noPath, args...)
		wantCode, wantStdout, wantStderr := run(t, full, nil, args...)
		if code != wantCode || stdout != wantStdout || stderr != wantStderr {
			t.Errorf("kmsguard %q: exit %d, %d bytes out, stderr %q\nkmsguard-full: exit %d, %d bytes out, stderr %q",
				args, code, len(stdout), stderr, wantCode, len(wantStdout), wantStderr)
		}
	}

	// Standard input.
	cmd := func(bin string) (string, int) {
		code, stdout, _ := runInput(t, bin, in.Bytes(), "eval", "--batch", "-")
		return stdout, code
	}
	got, code := cmd(kmsguard)
	want, wantCode := cmd(full)
	if got != want || code != wantCode || code != 2 {
		t.Errorf("eval --batch - from standard input: exit %d, want kmsguard-full's %d and the same answers", code, wantCode)
	}

	// Without kmsguard-full, what the engine declines gets an error answer
	// saying why, and the batch exits 2; the rest is answered.
	alone := t.TempDir()
	copyFile(t, kmsguard, filepath.Join(alone, "kmsguard"))
	code, stdout, _ := run(t, filepath.Join(alone, "kmsguard"), noPath, "eval", "--batch", file)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	wantLines := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	if code != 2 || len(lines) != len(wantLines) {
		t.Fatalf("without kmsguard-full: exit %d, %d answers; want 2 and %d answers", code, len(lines), len(wantLines))
	}
	declined := 0
	for i, l := range lines {
		if strings.Contains(l, `"error"`) {
			declined++
			if !strings.Contains(l, "kmsguard-full is installed neither beside kmsguard nor on PATH") {
				t.Errorf("answer %d: %s", i+1, l)
			}
		} else if l != wantLines[i] {
			t.Errorf("answer %d: %s\nwant %s", i+1, l, wantLines[i])
		}
	}
	if declined == 0 {
		t.Error("no question was declined")
	}
}

// TestLinksNoOPA: kmsguard links neither OPA nor the AWS SDK, whose
// initialisation would come back into every command's start-up
// (internal/delegate).
func TestLinksNoOPA(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/open-policy-agent/") || strings.HasPrefix(pkg, "github.com/aws/") {
			t.Errorf("kmsguard links %s", pkg)
		}
	}
}
