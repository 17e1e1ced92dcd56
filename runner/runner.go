// Package runner evaluates kmsguard's Rego in-process: it compiles the
// embedded bundle once, prepares the entry-point queries once, and answers
// decision questions with parsed (ast.Value) input.
package runner

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/result"
)

// Entry points of the bundle. The HTTP endpoint and stock OPA serve the same
// paths (/v1/data/kmsguard/authz/decision).
const (
	DecisionQuery = kbundle.DecisionQuery
	ExplainQuery  = "data.kmsguard.authz.explain"
)

// Runner holds prepared queries; it is safe for concurrent use. The Rego
// is compiled when New runs or, with WithLazyRego, the first time a
// question needs it (a fallback, an explanation the engine declines, lint,
// readiness); Stats counts it.
type Runner struct {
	regoOnce  func() (*regoState, error)
	regoLoads atomic.Int64 // 1 once the Rego is compiled

	native    *engine.Engine // nil: every question goes to the Rego (native.go)
	fallbacks atomic.Int64   // questions the native engine left to the Rego
}

// regoState is the compiled bundle's prepared queries.
type regoState struct {
	store               storage.Store                     // the bundle's data, the snapshot and prepared entries
	entrypoints         map[string]rego.PreparedEvalQuery // every entry point, prepared once (entrypoints.go)
	decision            rego.PreparedEvalQuery            // entrypoints[DecisionQuery]
	decisionWithEntries rego.PreparedEvalQuery            // the decision with memo entries (memo.go)
	memo                *docMemo                          // nil when the bundle cannot prepare documents
	lint                *lintState                        // lint queries and rule METADATA (lint.go)
	evals               atomic.Int64                      // evaluations (evalQuery)
}

// Option configures a Runner.
type Option func(*options)

type options struct {
	snapshot map[string]any
	bundle   *bundle.Bundle // nil: the embedded bundle
	prepare  bool
	lazy     bool
}

// WithLazyRego leaves compiling the Rego to the first question that needs
// it, so that a command the native engine answers whole (eval --batch,
// can) does not pay for it. It applies to the embedded bundle without a
// prepared snapshot; otherwise New compiles at once.
func WithLazyRego() Option {
	return func(o *options) { o.lazy = true }
}

// WithSnapshot puts a snapshot (docs/snapshot-format.md) in the store at
// data.kmsguard.snapshot, so questions may leave out what it holds.
func WithSnapshot(snapshot map[string]any) Option {
	return func(o *options) { o.snapshot = snapshot }
}

// WithPreparedSnapshot reads every policy document of the stored snapshot
// once, when the runner is made, and keeps the result at
// data.kmsguard.prepared (PrepareQuery): decisions answered from the
// snapshot then skip re-validating and re-normalising its documents. It
// costs memory and load time, so it suits a runner that answers many
// decisions (serve); who-can and diff read the snapshot their own way.
func WithPreparedSnapshot() Option {
	return func(o *options) { o.prepare = true }
}

// NewLazy is the evaluator of one command or request: New with
// WithLazyRego, so the Rego is compiled when a question first needs it and a
// command the native engine answers whole does not pay for it. Its error
// reads "loading the policy engine: …".
func NewLazy(ctx context.Context, opts ...Option) (*Runner, error) {
	r, err := New(ctx, append(opts, WithLazyRego())...)
	if err != nil {
		return nil, fmt.Errorf("loading the policy engine: %w", err)
	}
	return r, nil
}

// New compiles the embedded bundle (or the one of WithBundle) and prepares
// the entry-point queries, now or, with WithLazyRego, on first need.
func New(ctx context.Context, opts ...Option) (*Runner, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	lazy := o.lazy && o.bundle == nil && !o.prepare
	r := &Runner{}
	r.regoOnce = sync.OnceValues(func() (*regoState, error) {
		cctx := ctx
		if lazy {
			// Compiled once for the runner's life: not cut short when
			// New's context ends.
			cctx = context.WithoutCancel(ctx)
		}
		st, err := compileRego(cctx, o)
		if err == nil {
			r.regoLoads.Add(1)
		}
		return st, err
	})
	// The embedded bundle holds no snapshot: without WithBundle the native
	// engine answers, with the snapshot given (nativeFor).
	native, snap := true, o.snapshot
	if o.bundle != nil {
		native, snap = nativeFor(o.bundle, o)
	}
	if native {
		var err error
		if r.native, err = engine.New(engine.WithSnapshot(snap)); err != nil {
			return nil, err
		}
		if o.prepare {
			r.native.Prepare()
		}
	}
	if !lazy || !native {
		if _, err := r.regoOnce(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// rego returns the compiled Rego, compiling it on first use.
func (r *Runner) rego() (*regoState, error) {
	st, err := r.regoOnce()
	if err != nil {
		return nil, fmt.Errorf("loading the policy: %w", err)
	}
	return st, nil
}

func compileRego(ctx context.Context, o options) (*regoState, error) {
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
	prep := func(query string) (rego.PreparedEvalQuery, error) {
		return rego.New(
			rego.Query(query),
			rego.Compiler(compiler),
			rego.Store(store),
		).PrepareForEval(ctx)
	}
	st := &regoState{store: store}
	if st.entrypoints, err = prepareEntrypoints(compiler, prep); err != nil {
		return nil, err
	}
	st.decision = st.entrypoints[DecisionQuery]
	st.lint = newLintState(compiler, store, st.entrypoints)
	if o.prepare {
		if err := st.prepareSnapshot(ctx); err != nil {
			return nil, err
		}
	}
	if prepare, ok := st.entrypoints[PrepareQuestionQuery]; ok {
		if st.decisionWithEntries, err = prep(decisionWithEntriesQuery); err != nil {
			return nil, fmt.Errorf("prepare %s: %w", decisionWithEntriesQuery, err)
		}
		st.memo = newDocMemo(prepare)
	}
	return st, nil
}

// The data the runner's evaluations produce (package result).
type (
	Reason         = result.Reason
	Answer         = result.Answer
	Finding        = result.Finding
	Rule           = result.Rule
	Readiness      = result.Readiness
	ReadinessCheck = result.ReadinessCheck
)

// ErrorAnswer is the answer to a question that could not be evaluated.
func ErrorAnswer(id string, err error) *Answer { return result.ErrorAnswer(id, err) }

// Decide answers one question. An evaluation failure comes back as an answer
// with Error set (never an allow), so batch callers can go on.
func (r *Runner) Decide(ctx context.Context, input ast.Value) *Answer {
	st, err := r.rego()
	if err != nil {
		return ErrorAnswer(idOf(input), err)
	}
	pq, in := st.decision, input
	if st.memo != nil {
		if entries := st.memo.questionEntries(ctx, input); entries != nil {
			pq = st.decisionWithEntries
			in = ast.NewObject(
				ast.Item(ast.InternedTerm("question"), ast.NewTerm(input)),
				ast.Item(ast.InternedTerm("prepared"), ast.NewTerm(entries)),
			)
		}
	}
	obj, err := st.evalObject(ctx, pq, in, "decision")
	if err != nil {
		return ErrorAnswer(idOf(input), err)
	}
	return answerFrom(obj)
}

// Explain returns, for every statement and grant, why it did or did not
// apply, next to the decision itself. The value is plain JSON data.
func (r *Runner) Explain(ctx context.Context, input ast.Value) (map[string]any, error) {
	st, err := r.rego()
	if err != nil {
		return nil, err
	}
	pq, ok := st.entrypoints[ExplainQuery]
	if !ok {
		return nil, fmt.Errorf("%s: %w", ExplainQuery, ErrUnknownEntrypoint)
	}
	return st.evalObject(ctx, pq, input, "explanation")
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
