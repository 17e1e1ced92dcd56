package access

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// regoOnly is an Evaluator without the native analysis.
type regoOnly struct{ r *runner.Runner }

func (e regoOnly) Eval(ctx context.Context, query string, input ast.Value) (any, bool, error) {
	return e.r.Eval(ctx, query, input)
}

// Both engines list a diff's changes by key, principal and action (the
// Rego iterates its [key, principal, action] ids in that order; the native
// analysis sorts them so), so Diff does not sort them again.
func TestDiffSortedByEitherEngine(t *testing.T) {
	ctx := context.Background()
	r, err := runner.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := synthetic.Snapshot(25, 6)
	changed := mutate(t, rand.New(rand.NewPCG(3, 29)), old, 6)
	byID := func(a, b result.Change) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Action, b.Action))
	}
	for name, ev := range map[string]Evaluator{"native": r, "rego": regoOnly{r}} {
		d, err := Diff(ctx, ev, old, changed, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, list := range [][]result.Change{d.Added, d.Removed, d.Changed} {
			n += len(list)
			if !slices.IsSortedFunc(list, byID) {
				t.Errorf("%s: changes not sorted by key, principal and action: %v", name, list)
			}
		}
		if n < 3 {
			t.Fatalf("%s: the mutation changed %d accesses; the test needs several", name, n)
		}
	}
}
