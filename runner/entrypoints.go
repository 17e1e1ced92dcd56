package runner

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
)

// lintFindingsQuery is the lint entry point. It is prepared only when the
// compiled bundle defines it.
const lintFindingsQuery = "data.kmsguard.lint.findings"

// evalQueries is the allowlist of entry points Eval answers besides the
// decision (which goes through Decide). Each one the bundle defines is
// prepared once in New.
var evalQueries = []string{ExplainQuery, lintFindingsQuery}

// ErrUnknownEntrypoint is returned by Eval for a query that is not an entry
// point of the loaded bundle.
var ErrUnknownEntrypoint = errors.New("not an entry point of the loaded policy")

// WithBundle makes New evaluate b (an OPA bundle read from a file or a URL)
// instead of the embedded Rego tree.
func WithBundle(b *bundle.Bundle) Option {
	return func(o *options) { o.bundle = b }
}

// prepareEntrypoints prepares every allowlisted query the compiled policy
// defines.
func prepareEntrypoints(compiler *ast.Compiler, prep func(string) (rego.PreparedEvalQuery, error)) (map[string]rego.PreparedEvalQuery, error) {
	out := make(map[string]rego.PreparedEvalQuery, len(evalQueries))
	for _, q := range evalQueries {
		ref, err := ast.ParseRef(q)
		if err != nil {
			return nil, fmt.Errorf("entry point %s: %w", q, err)
		}
		if len(compiler.GetRules(ref)) == 0 {
			continue
		}
		pq, err := prep(q)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", q, err)
		}
		out[q] = pq
	}
	return out, nil
}

// HasEntrypoint reports whether Eval answers query (for example
// "data.kmsguard.authz.explain").
func (r *Runner) HasEntrypoint(query string) bool {
	st, err := r.rego()
	if err != nil {
		return false
	}
	_, ok := st.entrypoints[query]
	return ok
}

// Eval evaluates one allowlisted entry point (see HasEntrypoint) with a parsed
// input and returns its value as plain JSON data. defined is false when the
// policy gives the query no value for this input. A query that is not an
// entry point of the loaded policy gives ErrUnknownEntrypoint.
func (r *Runner) Eval(ctx context.Context, query string, input ast.Value) (value any, defined bool, err error) {
	st, err := r.rego()
	if err != nil {
		return nil, false, err
	}
	pq, ok := st.entrypoints[query]
	if !ok {
		return nil, false, fmt.Errorf("%s: %w", query, ErrUnknownEntrypoint)
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, false, fmt.Errorf("evaluation failed: %w", err)
	}
	if len(rs) == 0 {
		return nil, false, nil
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, false, errors.New("evaluation failed: the policy returned more than one value")
	}
	return rs[0].Expressions[0].Value, true, nil
}

// Entrypoints lists, sorted, the queries Eval answers for the loaded policy.
func (r *Runner) Entrypoints() []string {
	st, err := r.rego()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(st.entrypoints))
	for q := range st.entrypoints {
		out = append(out, q)
	}
	sort.Strings(out)
	return out
}
