// Package runner evaluates kmsguard's Rego in-process: it compiles the
// embedded bundle once, prepares the entry-point queries once, and answers
// decision questions with parsed (ast.Value) input.
package runner

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/engine"
)

// Entry points of the bundle. The HTTP endpoint and stock OPA serve the same
// paths (/v1/data/kmsguard/authz/decision).
const (
	DecisionQuery = "data.kmsguard.authz.decision"
	ExplainQuery  = "data.kmsguard.authz.explain"
)

// Runner holds prepared queries; it is safe for concurrent use.
type Runner struct {
	decision            rego.PreparedEvalQuery
	decisionWithEntries rego.PreparedEvalQuery // the decision with memo entries (memo.go)
	memo                *docMemo               // nil when the bundle cannot prepare documents
	explain             rego.PreparedEvalQuery
	entrypoints         map[string]rego.PreparedEvalQuery // Eval's allowlist (entrypoints.go)
	lint                *lintState                        // lint queries and rule METADATA (lint.go)

	native    *engine.Engine // nil: every question goes to the Rego (native.go)
	fallbacks atomic.Int64   // questions the native engine left to the Rego
}

// Option configures a Runner.
type Option func(*options)

type options struct {
	snapshot map[string]any
	bundle   *bundle.Bundle // nil: the embedded bundle
	prepare  bool
}

// WithSnapshot puts a snapshot (docs/snapshot-format.md) in the store at
// data.kmsguard.snapshot, so questions may leave out what it holds.
func WithSnapshot(snapshot map[string]any) Option {
	return func(o *options) { o.snapshot = snapshot }
}

// WithPreparedSnapshot reads every policy document of the stored snapshot
// once, when the runner is made, and keeps the result at
// data.kmsguard.prepared (bundle.Prepared): decisions answered from the
// snapshot then skip re-validating and re-normalising its documents. It
// costs memory and load time, so it suits a runner that answers many
// decisions (serve); who-can and diff read the snapshot their own way.
func WithPreparedSnapshot() Option {
	return func(o *options) { o.prepare = true }
}

// New compiles the embedded bundle and prepares the entry-point queries.
func New(ctx context.Context, opts ...Option) (*Runner, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var err error
	b := o.bundle
	if b == nil {
		if b, err = kbundle.Load(); err != nil {
			return nil, err
		}
	}
	compiler, err := kbundle.Compile(b)
	if err != nil {
		return nil, err
	}
	store := inmemStore(kbundle.WithSnapshot(b.Data, o.snapshot))
	if o.prepare {
		if err := prepareSnapshot(ctx, compiler, store); err != nil {
			return nil, err
		}
	}
	prep := func(query string) (rego.PreparedEvalQuery, error) {
		return rego.New(
			rego.Query(query),
			rego.Compiler(compiler),
			rego.Store(store),
		).PrepareForEval(ctx)
	}
	r := &Runner{lint: newLintState(compiler, store)}
	if r.decision, err = prep(DecisionQuery); err != nil {
		return nil, fmt.Errorf("prepare %s: %w", DecisionQuery, err)
	}
	if len(compiler.GetRules(ast.MustParseRef(PrepareQuestionQuery))) > 0 {
		prepare, err := prep(PrepareQuestionQuery)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", PrepareQuestionQuery, err)
		}
		if r.decisionWithEntries, err = prep(decisionWithEntriesQuery); err != nil {
			return nil, fmt.Errorf("prepare %s: %w", decisionWithEntriesQuery, err)
		}
		r.memo = newDocMemo(prepare)
	}
	if r.explain, err = prep(ExplainQuery); err != nil {
		return nil, fmt.Errorf("prepare %s: %w", ExplainQuery, err)
	}
	if r.entrypoints, err = prepareEntrypoints(compiler, prep); err != nil {
		return nil, err
	}
	if native, snap := nativeFor(b, o); native {
		if r.native, err = engine.New(engine.WithSnapshot(snap)); err != nil {
			return nil, err
		}
		if o.prepare {
			r.native.Prepare()
		}
	}
	return r, nil
}

// Reason is one policy statement or grant that decided an answer.
type Reason = engine.Reason

// Answer is the answer to one question (docs/decision-format.md).
type Answer = engine.Answer

// ErrorAnswer is the answer to a question that could not be evaluated.
func ErrorAnswer(id string, err error) *Answer { return engine.ErrorAnswer(id, err) }

// Decide answers one question. An evaluation failure comes back as an answer
// with Error set (never an allow), so batch callers can go on.
func (r *Runner) Decide(ctx context.Context, input ast.Value) *Answer {
	pq, in := r.decision, input
	if r.memo != nil {
		if entries := r.memo.questionEntries(ctx, input); entries != nil {
			pq = r.decisionWithEntries
			in = ast.NewObject(
				ast.Item(ast.InternedTerm("question"), ast.NewTerm(input)),
				ast.Item(ast.InternedTerm("prepared"), ast.NewTerm(entries)),
			)
		}
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return ErrorAnswer(idOf(input), fmt.Errorf("evaluation failed: %w", err))
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return ErrorAnswer(idOf(input), errors.New("evaluation failed: the policy returned no decision"))
	}
	obj, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return ErrorAnswer(idOf(input), errors.New("evaluation failed: the decision is not an object"))
	}
	return answerFrom(obj)
}

// Explain returns, for every statement and grant, why it did or did not
// apply, next to the decision itself. The value is plain JSON data.
func (r *Runner) Explain(ctx context.Context, input ast.Value) (map[string]any, error) {
	rs, err := r.explain.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluation failed: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, errors.New("evaluation failed: the policy returned no explanation")
	}
	obj, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, errors.New("evaluation failed: the explanation is not an object")
	}
	return obj, nil
}

func idOf(input ast.Value) string {
	obj, ok := input.(ast.Object)
	if !ok {
		return ""
	}
	if t := obj.Get(ast.InternedTerm("id")); t != nil {
		if s, ok := t.Value.(ast.String); ok {
			return string(s)
		}
	}
	return ""
}
