package check

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

// conftestArgs is how stock conftest runs kmsguard's rules (docs/check.md):
// the bundle is both the policy and the data directory, and only the rule
// packages are tested (other packages hold helpers whose names conftest
// would take for rules).
var conftestArgs = []string{"test", "--policy", "rego", "--data", "rego", "--namespace", "kmsguard.rules*"}

// conftestBinary finds conftest on PATH or at .bin/conftest (make
// conftest). Without it the test is skipped, unless KMSGUARD_CONFTEST=1.
func conftestBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("conftest"); err == nil {
		return p
	}
	p := filepath.Join(packageDir, "..", ".bin", "conftest")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if os.Getenv("KMSGUARD_CONFTEST") == "1" {
		t.Fatal("conftest is neither on PATH nor at .bin/conftest (make conftest installs it)")
	}
	t.Skip("conftest not installed (make conftest; KMSGUARD_CONFTEST=1 makes this a failure)")
	return ""
}

// conftestFiles are the files both tools check: the rule engineer's seeds,
// kmsguard's own examples (bare policies and a JSON CloudFormation
// template), the golden inputs (YAML CloudFormation templates with
// short-form tags, a Terraform plan) and the valid files of the real-world
// corpus when it is there. Paths are relative to the repository.
func conftestFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"testdata/lint/seeds/*.json", "testdata/check/conftest/*.json",
		"testdata/check/inputs/stack.yaml", "testdata/check/inputs/precision.yaml", "testdata/check/inputs/plan.json"} {
		m, err := filepath.Glob(filepath.Join("..", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".findings.json") {
				files = append(files, strings.TrimPrefix(f, "../"))
			}
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		invalid := corpusInvalid(t)
		m, err := filepath.Glob(filepath.Join(corpusDir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !invalid[filepath.Base(f)] {
				files = append(files, strings.TrimPrefix(f, "../"))
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no policy files")
	}
	sort.Strings(files)
	return files
}

// outcome is one finding as both tools can report it: conftest's failure
// (deny) or warning (warn), the rule id from the metadata, the message.
type outcome struct {
	Kind, ID, Msg string
}

// TestConftestCompatibility runs stock conftest and kmsguard check on the
// same files and requires the same findings: same rule ids, same messages,
// deny for critical/high/medium and warn for low/info. For templates and
// plans, conftest runs the rules on the policies the Rego extraction finds
// (data.kmsguard.rules_templates), never on the file itself.
func TestConftestCompatibility(t *testing.T) {
	bin := conftestBinary(t)
	r := newRealRunner(t)
	files := conftestFiles(t)
	t.Chdir("..") // the repository root: the files' paths are relative to it

	args := append(append([]string{}, conftestArgs...), "--no-color", "--no-fail", "--output", "json")
	cmd := exec.Command(bin, append(args, files...)...)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("conftest: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var results []struct {
		Filename string `json:"filename"`
		Failures []struct {
			Msg      string         `json:"msg"`
			Metadata map[string]any `json:"metadata"`
		} `json:"failures"`
		Warnings []struct {
			Msg      string         `json:"msg"`
			Metadata map[string]any `json:"metadata"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("conftest output: %v\n%s", err, out)
	}
	conftest := map[string][]outcome{}
	for _, res := range results {
		for _, f := range res.Failures {
			id, _ := f.Metadata["id"].(string)
			conftest[res.Filename] = append(conftest[res.Filename], outcome{"deny", id, f.Msg})
		}
		for _, f := range res.Warnings {
			id, _ := f.Metadata["id"].(string)
			conftest[res.Filename] = append(conftest[res.Filename], outcome{"warn", id, f.Msg})
		}
	}

	res, err := Run(context.Background(), r, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("kmsguard check: %s", e.Error())
	}
	kmsguard := map[string][]outcome{}
	for _, f := range res.Findings {
		kind := "warn"
		if result.AtLeast(f.Severity, "medium") {
			kind = "deny"
		}
		kmsguard[f.File] = append(kmsguard[f.File], outcome{kind, f.ID, f.Msg})
	}
	total := 0
	for _, file := range files {
		got, want := sorted(conftest[file]), sorted(kmsguard[file])
		total += len(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nconftest %v\nkmsguard %v", file, got, want)
		}
	}
	t.Logf("%d files, %d findings, the same from both tools", len(files), total)
}

func sorted(o []outcome) []outcome {
	out := append([]outcome{}, o...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Msg != b.Msg {
			return a.Msg < b.Msg
		}
		return a.Kind < b.Kind
	})
	return out
}
