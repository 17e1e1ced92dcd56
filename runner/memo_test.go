package runner

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/internal/loadgen"
)

// The document memo only saves work: every decision case and 2,000
// generated questions, each asked twice (the second time with entries for
// all its documents), get the same answer as from a runner without it.
func TestMemoSameAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("answers 500 questions three times")
	}
	ctx := context.Background()
	questions, err := loadgen.Questions(decisionsDir, 500, loadgen.Seed)
	if err != nil {
		t.Fatal(err)
	}
	memo, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stateOf(plain).memo = nil
	inputs := make([]ast.Value, len(questions))
	for i, q := range questions {
		if inputs[i], err = ast.InterfaceToValue(q); err != nil {
			t.Fatal(err)
		}
	}
	withEntries := 0
	for round := range 2 {
		for i, input := range inputs {
			if round == 1 && stateOf(memo).memo.questionEntries(ctx, input) != nil {
				withEntries++
			}
			got, want := memo.Decide(ctx, input), plain.Decide(ctx, input)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("round %d, question %d: with the memo %s, without %s", round, i, g, w)
			}
		}
	}
	t.Logf("%d questions, %d answered with entries in the second round", len(inputs), withEntries)
	if withEntries < len(inputs)*9/10 {
		t.Errorf("only %d of %d questions used entries the second time", withEntries, len(inputs))
	}
}

// A document is prepared on its second sighting, and only the same
// document finds its entry.
func TestMemoLookup(t *testing.T) {
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := ast.MustParseTerm(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}`).Value
	other := ast.MustParseTerm(`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}`).Value
	if e := stateOf(r).memo.lookup(ctx, "key_policy", doc, 0); e != nil {
		t.Fatalf("entry on the first sighting: %v", e)
	}
	e := stateOf(r).memo.lookup(ctx, "key_policy", doc, 0)
	if e == nil {
		t.Fatal("no entry on the second sighting")
	}
	if d := e.Get(ast.StringTerm("document")); d == nil || d.Value.Compare(doc) != 0 {
		t.Errorf("entry made from %v", d)
	}
	if st, ok := e.Get(ast.StringTerm("statements")).Value.(*ast.Array); !ok || st.Len() != 1 {
		t.Errorf("entry statements %v", e.Get(ast.StringTerm("statements")))
	}
	if e := stateOf(r).memo.lookup(ctx, "key_policy", other, 0); e != nil {
		t.Errorf("another document found an entry: %v", e)
	}
	if e := stateOf(r).memo.lookup(ctx, "identity_policies", doc, 1); e != nil {
		t.Errorf("the same document in another field found an entry: %v", e)
	}
}

// The memo stays within memoMaxTerms however many documents recur.
func TestMemoBounded(t *testing.T) {
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cleared := false
	for i := 0; i < 250; i++ {
		doc, err := ast.InterfaceToValue(distinctDocuments(largeQuestion(), i)["key_policy"])
		if err != nil {
			t.Fatal(err)
		}
		before := stateOf(r).memo.terms
		stateOf(r).memo.lookup(ctx, "key_policy", doc, 0)
		if stateOf(r).memo.lookup(ctx, "key_policy", doc, 0) == nil {
			t.Fatalf("document %d: no entry on the second sighting", i)
		}
		if stateOf(r).memo.terms > memoMaxTerms {
			t.Fatalf("document %d: %d terms kept, more than %d", i, stateOf(r).memo.terms, memoMaxTerms)
		}
		cleared = cleared || stateOf(r).memo.terms < before
	}
	if !cleared {
		t.Errorf("250 large documents never reached the bound (%d terms)", stateOf(r).memo.terms)
	}
}
