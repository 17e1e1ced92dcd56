package runner

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

func TestEval(t *testing.T) {
	ctx := context.Background()
	b, err := kbundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(ctx, WithBundle(b))
	if err != nil {
		t.Fatal(err)
	}
	if !r.HasEntrypoint(ExplainQuery) || !slices.Contains(r.Entrypoints(), ExplainQuery) {
		t.Fatalf("explain is not an entry point: %v", r.Entrypoints())
	}
	q := ast.MustParseTerm(`{"principal": "111122223333", "action": "kms:Decrypt",
		"resource": "arn:aws:kms:us-west-2:111122223333:key/k",
		"key_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}}`).Value
	v, defined, err := r.Eval(ctx, ExplainQuery, q)
	if err != nil || !defined {
		t.Fatalf("explain: %v %v", defined, err)
	}
	want, err := r.Explain(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := ast.InterfaceToValue(v)
	wantV, _ := ast.InterfaceToValue(want)
	if got.Compare(wantV) != 0 {
		t.Errorf("Eval(explain) = %v, Explain = %v", got, wantV)
	}
	for _, query := range []string{DecisionQuery, "data.kmsguard", "data.kmsguard.authz.errors", "data.other"} {
		if _, _, err := r.Eval(ctx, query, q); !errors.Is(err, ErrUnknownEntrypoint) {
			t.Errorf("Eval(%s): %v, want ErrUnknownEntrypoint", query, err)
		}
	}
}
