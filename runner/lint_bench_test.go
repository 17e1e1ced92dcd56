package runner_test

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/runner"
)

// BenchmarkLintKeyPolicy: the rule pack on one key policy of the synthetic
// account of `make scale` (three Allow statements and a cross-account one,
// the report's cost per key).
func BenchmarkLintKeyPolicy(b *testing.B) {
	ctx := context.Background()
	r, err := runner.New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	snap := synthetic.Snapshot(100, 5)
	const arn = "arn:aws:kms:us-east-1:" + synthetic.Account + ":key/k-00-00000"
	rec := snap["keys"].(map[string]any)[arn].(map[string]any)
	in, err := ast.InterfaceToValue(map[string]any{"policy": rec["key_policy"], "kind": "key_policy", "key_arn": arn})
	if err != nil {
		b.Fatal(err)
	}
	fs, err := r.Lint(ctx, in)
	if err != nil || len(fs) == 0 {
		b.Fatalf("%d findings, %v", len(fs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Lint(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
