package check

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestSeeds runs kmsguard check over the rule seeds
// (testdata/lint/seeds/NAME.json) and compares with the expectations the
// rules were written against (NAME.findings.json, beside them): either a
// list of rule ids, or a list of finding objects, each of whose fields must
// equal the finding's (so an expectation may leave out the long texts).
func TestSeeds(t *testing.T) {
	expectations, err := filepath.Glob("../testdata/lint/seeds/*.findings.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(expectations) == 0 {
		t.Skip("no testdata/lint/seeds/*.findings.json")
	}
	r := newRealRunner(t)
	for _, exp := range expectations {
		policy := strings.TrimSuffix(exp, ".findings.json") + ".json"
		t.Run(filepath.Base(policy), func(t *testing.T) {
			data, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			var want []any
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", exp, err)
			}
			res, err := Run(context.Background(), r, []string{policy}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Errors {
				t.Fatalf("%s", e.Error())
			}
			var got []map[string]any
			var ids []string
			for _, f := range res.Findings {
				b, err := json.Marshal(f.Finding)
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal(b, &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, m)
				ids = append(ids, f.ID)
			}
			sort.Strings(ids)
			if len(want) > 0 {
				if _, byID := want[0].(string); byID {
					var wantIDs []string
					for _, w := range want {
						s, _ := w.(string)
						wantIDs = append(wantIDs, s)
					}
					sort.Strings(wantIDs)
					if !reflect.DeepEqual(ids, wantIDs) {
						t.Errorf("rule ids %v, want %v", ids, wantIDs)
					}
					return
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d findings (%v), want %d", len(got), ids, len(want))
			}
			used := make([]bool, len(got))
		expected:
			for _, w := range want {
				wm, _ := w.(map[string]any)
				for i, g := range got {
					if !used[i] && subset(wm, g) {
						used[i] = true
						continue expected
					}
				}
				t.Errorf("no finding matches %v", wm)
			}
		})
	}
}

// subset reports whether every field of want has the same value in got.
func subset(want, got map[string]any) bool {
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			return false
		}
	}
	return true
}
