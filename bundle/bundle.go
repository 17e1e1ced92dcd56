// Package bundle loads kmsguard's embedded Rego tree as a standard OPA bundle.
//
// The tree under rego/ is a valid bundle root for stock OPA; this package reads
// the same files through OPA's own bundle reader, so what the runner evaluates
// and what `opa run --bundle rego/` serves are one and the same.
package bundle

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	kmsrego "github.com/kmsguard/kmsguard/rego"
)

// Load reads the embedded bundle. Test modules (`*_test.rego`) are left out:
// they belong to `opa test`, not to a running policy.
func Load() (*bundle.Bundle, error) {
	return Read(kmsrego.FS, false)
}

// Read reads a bundle from fsys; withTests keeps `*_test.rego` modules.
func Read(fsys fs.FS, withTests bool) (*bundle.Bundle, error) {
	loader, err := bundle.NewFSLoader(fsys)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	loader = loader.WithFilter(func(path string, info fs.FileInfo, _ int) bool {
		if info.IsDir() {
			return false
		}
		if strings.HasSuffix(path, ".go") {
			return true
		}
		return !withTests && strings.HasSuffix(path, "_test.rego")
	})
	b, err := bundle.NewCustomReader(loader).
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotations(true).
		WithSkipBundleVerification(true).
		Read()
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return &b, nil
}

// Compile compiles a bundle's modules.
func Compile(b *bundle.Bundle) (*ast.Compiler, error) {
	compiler := ast.NewCompiler().WithEnablePrintStatements(false)
	modules := make(map[string]*ast.Module, len(b.Modules))
	for _, m := range b.Modules {
		modules[m.Path] = m.Parsed
	}
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("bundle: compile policy: %w", compiler.Errors)
	}
	return compiler, nil
}
