package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

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
	for _, query := range []string{DecisionQuery, "data.kmsguard", "data.kmsguard.authz._errors", "data.other"} {
		if _, _, err := r.Eval(ctx, query, q); !errors.Is(err, ErrUnknownEntrypoint) {
			t.Errorf("Eval(%s): %v, want ErrUnknownEntrypoint", query, err)
		}
	}
}

// extraBundle is the embedded bundle with one more module: a rule marked
// `# entrypoint: true` when marked is set. Its Rego differs from the
// embedded policy, so a runner made with it answers with the Rego alone.
func extraBundle(t *testing.T, marked bool) *bundle.Bundle {
	t.Helper()
	b, err := kbundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	mark := ""
	if marked {
		mark = "# METADATA\n# entrypoint: true\n"
	}
	text := "package kmsguard.extra\n\n" + mark + "echo := {\"got\": input.x}\n"
	m, err := ast.ParseModuleWithOpts("extra.rego", text, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		t.Fatal(err)
	}
	out := *b
	out.Modules = append(slices.Clone(b.Modules), bundle.ModuleFile{Path: "extra.rego", Raw: []byte(text), Parsed: m})
	return &out
}

// An entry point added with the annotation is answered by Eval with no Go
// change; the same rule unmarked is not an entry point.
func TestAnnotatedEntrypoint(t *testing.T) {
	ctx := context.Background()
	const echo = "data.kmsguard.extra.echo"
	for _, marked := range []bool{true, false} {
		r, err := New(ctx, WithBundle(extraBundle(t, marked)))
		if err != nil {
			t.Fatal(err)
		}
		if r.HasEntrypoint(echo) != marked || slices.Contains(r.Entrypoints(), echo) != marked {
			t.Errorf("marked %v: HasEntrypoint %v, Entrypoints %v", marked, r.HasEntrypoint(echo), r.Entrypoints())
		}
		v, defined, err := r.Eval(ctx, echo, ast.MustParseTerm(`{"x": 7}`).Value)
		if marked && (err != nil || !defined || fmt.Sprint(v) != "map[got:7]") {
			t.Errorf("Eval(%s) = %v %v %v", echo, v, defined, err)
		}
		if !marked && !errors.Is(err, ErrUnknownEntrypoint) {
			t.Errorf("unmarked: Eval(%s) = %v, want ErrUnknownEntrypoint", echo, err)
		}
	}
}

// Ask with explain makes one evaluation, on either engine, and its answer
// is the one Decide gives.
func TestAskExplainEvaluatesOnce(t *testing.T) {
	ctx := context.Background()
	native, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regoOnly, err := New(ctx, WithBundle(extraBundle(t, false)))
	if err != nil {
		t.Fatal(err)
	}
	if regoOnly.Native() != nil {
		t.Fatal("a runner of another bundle answers natively")
	}
	questions := []string{
		`{"principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt",
			"resource": "arn:aws:kms:us-west-2:111122223333:key/k",
			"key_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]},
			"identity_policies": [{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}]}`,
		`{"principal": "arn:aws:iam::111122223333:user/bob", "action": "kms:Decrypt",
			"resource": "arn:aws:kms:us-west-2:111122223333:key/k",
			"key_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "kms:Decrypt", "Resource": "*"}]}}`,
	}
	for _, tc := range []struct {
		name   string
		r      *Runner
		native int64 // native evaluations per question
		rego   int64 // Rego evaluations per question
	}{{"native", native, 1, 0}, {"rego", regoOnly, 0, 1}} {
		for i, q := range questions {
			input := ast.MustParseTerm(q).Value
			nativeBefore, regoBefore := tc.r.Stats().Native, RegoEvaluations(tc.r)
			ans, explain, err := tc.r.Ask(ctx, []byte(q), input, true)
			if err != nil {
				t.Fatalf("%s question %d: %v", tc.name, i, err)
			}
			if n, e := tc.r.Stats().Native-nativeBefore, RegoEvaluations(tc.r)-regoBefore; n != tc.native || e != tc.rego {
				t.Errorf("%s question %d: %d native and %d Rego evaluations, want %d and %d", tc.name, i, n, e, tc.native, tc.rego)
			}
			want, err := tc.r.DecideJSON(ctx, []byte(q))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(ans)
			wantJSON, _ := json.Marshal(want)
			if string(got) != string(wantJSON) || explain["statements"] == nil {
				t.Errorf("%s question %d: Ask gave %s (statements %v), Decide %s", tc.name, i, got, explain["statements"] != nil, wantJSON)
			}
		}
	}
}
