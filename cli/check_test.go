package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
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
			p := checkParams{Paths: []string{"."}, Format: format, Severity: "info", FailOn: "medium", NoColor: true}
			err := runCheck(context.Background(), p, nil, &stdout, &stderr)
			if code := ExitCode(err); code != ExitInput {
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
