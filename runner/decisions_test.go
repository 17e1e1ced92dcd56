package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// decisionsDir holds the data-driven decision tests: every *.json file is
// {"cases": [...]} with one question per case and the answer AWS's rules give.
const decisionsDir = "../testdata/decisions"

// decisionCase is one test case of testdata/decisions/*.json.
type decisionCase struct {
	Name        string          `json:"name"`
	Rule        string          `json:"rule"`
	Source      string          `json:"source"`
	Note        string          `json:"note,omitempty"`
	Question    json.RawMessage `json:"question"`
	Want        string          `json:"want,omitempty"`
	WantReasons []Reason        `json:"want_reasons,omitempty"`
	WantError   string          `json:"want_error,omitempty"`

	file string
}

// loadDecisionCases reads every case file, rejecting unknown fields and
// incomplete cases so that a typo cannot silently weaken a test.
func loadDecisionCases(t *testing.T) []decisionCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(decisionsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no case files in %s", decisionsDir)
	}
	var all []decisionCase
	seen := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []decisionCase `json:"cases"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(doc.Cases) == 0 {
			t.Fatalf("%s: no cases", f)
		}
		for i, c := range doc.Cases {
			c.file = filepath.Base(f)
			where := fmt.Sprintf("%s: case %d (%q)", c.file, i, c.Name)
			switch {
			case c.Name == "" || c.Rule == "" || c.Source == "":
				t.Errorf("%s: name, rule and source are required", where)
			case !strings.Contains(c.Source, "https://docs.aws.amazon.com/"):
				t.Errorf("%s: source must cite AWS documentation", where)
			case len(c.Question) == 0:
				t.Errorf("%s: question is required", where)
			case c.WantError == "" && !slices.Contains([]string{"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"}, c.Want):
				t.Errorf("%s: want must be Allowed, ExplicitlyDenied or ImplicitlyDenied, got %q", where, c.Want)
			case c.WantError != "" && (c.Want != "" || c.WantReasons != nil):
				t.Errorf("%s: want_error excludes want and want_reasons", where)
			}
			if prev, dup := seen[c.Name]; dup {
				t.Errorf("%s: duplicate case name (also in %s)", where, prev)
			}
			seen[c.Name] = c.file
			all = append(all, c)
		}
	}
	return all
}

// questionValue decodes a question the way the CLI and server do: numbers
// stay json.Number so that OPA sees exact numeric values.
func questionValue(raw json.RawMessage) (ast.Value, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return ast.InterfaceToValue(v)
}

// reasonKey is a canonical form of a reason, for set comparison.
func reasonKey(r Reason) string {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Sprintf("%#v", r)
	}
	return string(b)
}

func reasonSet(rs []Reason) []string {
	keys := make([]string, 0, len(rs))
	for _, r := range rs {
		keys = append(keys, reasonKey(r))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func TestDecisions(t *testing.T) {
	cases := loadDecisionCases(t)
	if t.Failed() {
		t.FailNow()
	}
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatalf("runner.New: %v", err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			input, err := questionValue(c.Question)
			if err != nil {
				t.Fatalf("%s: question does not decode: %v", c.file, err)
			}
			got := r.Decide(ctx, input)
			gotJSON, _ := json.Marshal(got)
			fail := func(format string, args ...any) {
				t.Helper()
				want := c.Want
				if c.WantError != "" {
					want = "error containing " + quote(c.WantError)
				}
				if c.WantReasons != nil {
					wr, _ := json.Marshal(c.WantReasons)
					want += " with reasons " + string(wr)
				}
				t.Errorf("%s\n  case:   %s (%s)\n  rule:   %s\n  source: %s\n  want:   %s\n  got:    %s",
					fmt.Sprintf(format, args...), c.Name, c.file, c.Rule, c.Source, want, gotJSON)
			}
			if c.WantError != "" {
				if got.Error == "" || !strings.Contains(got.Error, c.WantError) {
					fail("wrong answer to a malformed question")
				}
				if got.IsAllowed() {
					fail("a malformed question was allowed")
				}
				return
			}
			if got.Error != "" {
				fail("unexpected error")
				return
			}
			if got.Decision != c.Want {
				fail("wrong decision")
				return
			}
			if got.IsAllowed() != (c.Want == "Allowed") {
				fail("allowed flag disagrees with the decision")
			}
			if c.WantReasons != nil && !slices.Equal(reasonSet(got.Reasons), reasonSet(c.WantReasons)) {
				fail("wrong reasons")
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
