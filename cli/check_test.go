package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/exitcode"
)

// TestCheckGolden runs kmsguard check with the real rules over
// testdata/check/inputs (a bare key policy, get-key-policy output, a
// CloudFormation template, a Terraform plan, a broken file and the
// directory's .kmsguard.yaml) in every output format and compares the
// output with testdata/check/golden/e2e.*; -update rewrites them.
func TestCheckGolden(t *testing.T) {
	golden, err := filepath.Abs("../testdata/check/golden")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../testdata/check/inputs")
	exts := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "github.txt"}
	for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			p := checkParams{Paths: []string{"."}, Formats: []string{format}, Severity: "info", FailOn: "medium", NoColor: true}
			err := runCheck(context.Background(), p, nil, &stdout, &stderr)
			if code := ExitCode(err); code != exitcode.Input {
				t.Errorf("exit %d (%v), want 2: broken.json cannot be parsed", code, err)
			}
			if want := "kmsguard: broken.json:3:24: invalid character '}' looking for beginning of object key string\n"; stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			path := filepath.Join(golden, "e2e."+exts[format])
			if *update {
				if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("output differs from %s (go test ./cli/ -run TestCheckGolden -update rewrites it):\n%s", path, stdout.String())
			}
		})
	}
}

// TestCheckProgress: on a terminal (Progress set), a run of more than 20
// files counts them on one stderr line and clears it at the end; fewer
// files print nothing.
func TestCheckProgress(t *testing.T) {
	dir := t.TempDir()
	policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}`
	for i := range progressMin + 1 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("k%02d.json", i)), []byte(policy), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(paths ...string) string {
		var stdout, stderr bytes.Buffer
		p := checkParams{Paths: paths, Formats: []string{"json"}, Severity: "info", FailOn: "none", Progress: true}
		if err := runCheck(context.Background(), p, nil, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		return stderr.String()
	}
	got := run(dir)
	for i := 1; i < progressMin+1; i++ {
		if want := fmt.Sprintf("\rkmsguard: checked %d/%d files", i, progressMin+1); !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q: %q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("the progress line is not cleared: %q", got)
	}
	if got := run(filepath.Join(dir, "k00.json")); got != "" {
		t.Errorf("progress for one file: %q", got)
	}
}
