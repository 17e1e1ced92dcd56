package check

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kmsguard/kmsguard/runner"
)

var update = flag.Bool("update", false, "rewrite testdata/check/corpus-expected.json from the rules")

const (
	// corpusDir holds real-world policies next to the repository
	// (../shared/corpus beside the repository); the test skips when it is absent.
	corpusDir = "../../shared/corpus"
	// corpusExpected maps each valid corpus file to the sorted rule ids it
	// gets; reviewed by hand (see the report of the change adding it).
	corpusExpected = "../testdata/check/corpus-expected.json"
)

var (
	realRunner     *runner.Runner
	realRunnerErr  error
	realRunnerOnce sync.Once
)

// newRealRunner is one runner with the embedded rules for every test.
func newRealRunner(t *testing.T) *runner.Runner {
	t.Helper()
	realRunnerOnce.Do(func() { realRunner, realRunnerErr = runner.New(context.Background()) })
	if realRunnerErr != nil {
		t.Fatal(realRunnerErr)
	}
	if !realRunner.HasEntrypoint(runner.LintQuery) {
		t.Fatal(runner.ErrNoLintRules)
	}
	return realRunner
}

// corpusInvalid lists the corpus files INDEX.tsv says are not valid JSON.
func corpusInvalid(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) >= 5 && strings.Contains(cols[4], "INVALID JSON") {
			out[cols[0]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus runs every real-world policy of the corpus through check: no
// crash, a positioned error for each file INDEX.tsv marks invalid and for
// no other, and the reviewed rule ids for the others.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("no corpus at %s", corpusDir)
	}
	r := newRealRunner(t)
	invalid := corpusInvalid(t)
	t.Chdir(corpusDir)
	res, err := Run(context.Background(), r, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, e := range res.Errors {
		failed[e.File] = true
		if !invalid[e.File] {
			t.Errorf("%s: unexpected error: %s", e.File, e.Error())
		}
		if e.Line == 0 || e.Column == 0 {
			t.Errorf("%s: error without a position: %s", e.File, e.Error())
		}
	}
	for f := range invalid {
		if !failed[f] {
			t.Errorf("%s: INDEX.tsv says it is invalid JSON, but check read it", f)
		}
	}

	got := map[string][]string{}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !invalid[e.Name()] {
			got[e.Name()] = []string{}
		}
	}
	for _, f := range res.Findings {
		ids := got[f.File]
		if i := sort.SearchStrings(ids, f.ID); i == len(ids) || ids[i] != f.ID {
			ids = append(ids, f.ID)
			sort.Strings(ids)
		}
		got[f.File] = ids
	}
	compareExpected(t, corpusExpected, got)
}

// packageDir is the directory of the package, where relative test paths
// start (tests may change the working directory).
var packageDir = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd
}()

// compareExpected compares file -> rule ids with a reviewed file, or
// rewrites it with -update.
func compareExpected(t *testing.T, path string, got map[string][]string) {
	t.Helper()
	path = filepath.Join(packageDir, path)
	if *update {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./check/ -run %s -update writes it; review it)", err, t.Name())
	}
	var want map[string][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for f, ids := range got {
		if w, ok := want[f]; !ok {
			t.Errorf("%s: not in %s (got %v)", f, path, ids)
		} else if !reflect.DeepEqual(ids, w) {
			t.Errorf("%s: rule ids %v, reviewed %v", f, ids, w)
		}
	}
	for f := range want {
		if _, ok := got[f]; !ok {
			t.Errorf("%s: in %s but not checked", f, path)
		}
	}
}
