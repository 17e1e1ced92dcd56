package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

// ErrUnknownEntrypoint is returned by Eval for a query that is not an entry
// point of the loaded bundle.
var ErrUnknownEntrypoint = errors.New("not an entry point of the loaded policy")

// WithBundle makes New evaluate b (an OPA bundle read from a file or a URL)
// instead of the embedded Rego tree.
func WithBundle(b *bundle.Bundle) Option {
	return func(o *options) { o.bundle = b }
}

// prepareEntrypoints prepares, once each, the entry points of the compiled
// policy: the rules its METADATA marks `entrypoint: true`
// (kbundle.Entrypoints), and the decision, which every bundle must define
// whether it marks it or not.
func prepareEntrypoints(compiler *ast.Compiler, prep func(string) (rego.PreparedEvalQuery, error)) (map[string]rego.PreparedEvalQuery, error) {
	queries := kbundle.Entrypoints(compiler)
	if !slices.Contains(queries, DecisionQuery) {
		queries = append(queries, DecisionQuery)
	}
	out := make(map[string]rego.PreparedEvalQuery, len(queries))
	for _, q := range queries {
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
	_, ok := st.served(query)
	return ok
}

// served is the prepared entry point Eval answers for query: every entry
// point but the decision, which Decide answers.
func (st *regoState) served(query string) (rego.PreparedEvalQuery, bool) {
	pq, ok := st.entrypoints[query]
	return pq, ok && query != DecisionQuery
}

// Eval evaluates one entry point (see HasEntrypoint) with a parsed input
// and returns its value as plain JSON data. defined is false when the
// policy gives the query no value for this input. A query that is not an
// entry point of the loaded policy gives ErrUnknownEntrypoint.
func (r *Runner) Eval(ctx context.Context, query string, input ast.Value) (value any, defined bool, err error) {
	st, err := r.rego()
	if err != nil {
		return nil, false, err
	}
	pq, ok := st.served(query)
	if !ok {
		return nil, false, fmt.Errorf("%s: %w", query, ErrUnknownEntrypoint)
	}
	return st.evalQuery(ctx, pq, input)
}

// Entrypoints lists, sorted, the queries Eval answers for the loaded policy.
func (r *Runner) Entrypoints() []string {
	st, err := r.rego()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(st.entrypoints))
	for q := range st.entrypoints {
		if _, ok := st.served(q); ok {
			out = append(out, q)
		}
	}
	sort.Strings(out)
	return out
}

// evalQuery evaluates a prepared query, with input when it is not nil, and
// returns its one value; defined is false when it has none. Decisions,
// explanations and Eval's entry points go through here, counted (the tests
// read the count).
func (st *regoState) evalQuery(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value) (value any, defined bool, err error) {
	st.evals.Add(1)
	var opts []rego.EvalOption
	if input != nil {
		opts = append(opts, rego.EvalParsedInput(input))
	}
	rs, err := pq.Eval(ctx, opts...)
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

// evalObject is evalQuery for a query whose value is an object; what names
// the value in errors ("decision", "explanation").
func (st *regoState) evalObject(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value, what string) (map[string]any, error) {
	v, defined, err := st.evalQuery(ctx, pq, input)
	if err != nil {
		return nil, err
	}
	if !defined {
		return nil, fmt.Errorf("evaluation failed: the policy returned no %s", what)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("evaluation failed: the %s is not an object", what)
	}
	return obj, nil
}
