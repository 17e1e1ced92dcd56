package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
)

// NewLazy leaves the Rego for the first question that needs it, and an
// evaluator it cannot build is an error that says so.
func TestNewLazy(t *testing.T) {
	ctx := context.Background()
	r, err := NewLazy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Stats().RegoCompiled; n != 0 {
		t.Errorf("NewLazy compiled the Rego (%d times) before any question", n)
	}
	const text = "package kmsguard.bad\n\nx := y\n" // y is unsafe: the bundle does not compile
	m, err := ast.ParseModuleWithOpts("bad.rego", text, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	b := &bundle.Bundle{Modules: []bundle.ModuleFile{{Path: "bad.rego", Raw: []byte(text), Parsed: m}}}
	_, err = NewLazy(ctx, WithBundle(b))
	if err == nil || !strings.HasPrefix(err.Error(), "loading the policy engine: ") {
		t.Fatalf("a bundle that does not compile: err = %v, want one that begins \"loading the policy engine: \"", err)
	}
}
