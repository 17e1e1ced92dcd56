package runner

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/question/opainput"
)

// The native engine (package engine) answers decision and explain questions
// of the embedded policy from their JSON bytes; what it declines, and every
// question of a runner made with another bundle or a snapshot, the Rego
// answers. Both give the same bytes (engine's differential tests).

// nativeFor tells whether the native engine may answer for bundle b: only
// when b holds the embedded policy itself (the same Rego modules and
// catalog) — a bundle of another version is answered by its own Rego. It
// returns the snapshot the decisions read (given, or in the bundle's data).
func nativeFor(b *bundle.Bundle, o options) (bool, map[string]any) {
	snap := o.snapshot
	if snap == nil {
		if root, ok := b.Data[kbundle.Root].(map[string]any); ok {
			snap, _ = root["snapshot"].(map[string]any)
		}
	}
	if o.bundle == nil {
		return true, snap
	}
	embedded, err := embeddedBundle()
	if err != nil {
		return false, nil
	}
	return samePolicy(b, embedded), snap
}

var embeddedBundle = sync.OnceValues(kbundle.Load)

// samePolicy: a and b have the same Rego modules and the same catalog.
func samePolicy(a, b *bundle.Bundle) bool {
	texts := func(x *bundle.Bundle) []string {
		out := make([]string, 0, len(x.Modules))
		for _, m := range x.Modules {
			out = append(out, string(m.Raw))
		}
		slices.Sort(out)
		return out
	}
	catalog := func(x *bundle.Bundle) any {
		root, _ := x.Data[kbundle.Root].(map[string]any)
		return root["catalog"]
	}
	return slices.Equal(texts(a), texts(b)) && catalog(a) != nil && reflect.DeepEqual(catalog(a), catalog(b))
}

// Stats counts how decisions were answered.
type Stats struct {
	// Native is the number of questions the native engine answered.
	Native int64 `json:"native"`
	// Fallbacks is the number of questions the Rego answered because the
	// native engine declined them (or was not in use).
	Fallbacks int64 `json:"fallbacks"`
	// RegoCompiled is 1 once the Rego bundle has been compiled (at New, or
	// with WithLazyRego at the first question that needed it), else 0.
	RegoCompiled int64 `json:"rego_compiled"`
}

// Stats returns the counts so far.
func (r *Runner) Stats() Stats {
	s := Stats{Fallbacks: r.fallbacks.Load(), RegoCompiled: r.regoLoads.Load()}
	if r.native != nil {
		s.Native = r.native.Stats().Native
	}
	return s
}

// DecideNative answers the question in data (one JSON object) with the
// native engine. ok is false when it does not (the question has an error,
// or holds what only the Rego handles); the caller then decodes the
// question and asks Decide, and the fallback is counted.
func (r *Runner) DecideNative(data []byte) (*Answer, bool) {
	if r.native != nil {
		if a, ok := r.native.Decide(data); ok {
			return a, true
		}
	}
	r.fallbacks.Add(1)
	return nil, false
}

// AppendNative is DecideNative for a caller that only writes the answer:
// it appends the answer's JSON line (its AppendJSON) to dst, and reports
// whether it allows, without making an answer of its own. When ok is
// false, dst comes back as it was.
func (r *Runner) AppendNative(dst, data []byte) (out []byte, allowed, ok bool) {
	if r.native != nil {
		if out, allowed, ok := r.native.AppendDecision(dst, data); ok {
			return out, allowed, true
		}
	}
	r.fallbacks.Add(1)
	return dst, false, false
}

// ExplainNative is DecideNative for the explanation.
func (r *Runner) ExplainNative(data []byte) (map[string]any, bool) {
	if r.native != nil {
		if v, ok := r.native.Explain(data); ok {
			return v, true
		}
	}
	r.fallbacks.Add(1)
	return nil, false
}

// DecideJSON answers the question in data: natively when it can, else by
// the Rego. A question that cannot be decoded gives the decoder's error.
func (r *Runner) DecideJSON(ctx context.Context, data []byte) (*Answer, error) {
	if a, ok := r.DecideNative(data); ok {
		return a, nil
	}
	input, _, err := opainput.Decode(data)
	if err != nil {
		return nil, err
	}
	return r.Decide(ctx, input), nil
}

// ExplainJSON is DecideJSON for the explanation.
func (r *Runner) ExplainJSON(ctx context.Context, data []byte) (map[string]any, error) {
	if v, ok := r.ExplainNative(data); ok {
		return v, nil
	}
	input, _, err := opainput.Decode(data)
	if err != nil {
		return nil, err
	}
	return r.Explain(ctx, input)
}

// Ask answers the question in data (input is data decoded), natively when
// it can, else by the Rego; with explain, it explains the answer too, from
// the same one evaluation: the answer is the explanation's decision
// (`kmsguard can --explain`). Without explain, the error is always nil (an
// evaluation failure is an error answer).
func (r *Runner) Ask(ctx context.Context, data []byte, input ast.Value, explain bool) (*Answer, map[string]any, error) {
	if !explain {
		if a, ok := r.DecideNative(data); ok {
			return a, nil, nil
		}
		return r.Decide(ctx, input), nil, nil
	}
	explanation, ok := r.ExplainNative(data)
	if !ok {
		var err error
		if explanation, err = r.Explain(ctx, input); err != nil {
			return nil, nil, err
		}
	}
	decision, ok := explanation["decision"].(map[string]any)
	if !ok {
		return nil, nil, errors.New("evaluation failed: the explanation holds no decision object")
	}
	return answerFrom(decision), explanation, nil
}

// RegoDecision evaluates data.kmsguard.authz.decision with the Rego alone
// and returns the decision object as the Rego made it (for the
// differential tests, which compare it whole with the native answer).
func (r *Runner) RegoDecision(ctx context.Context, input ast.Value) (map[string]any, error) {
	st, err := r.rego()
	if err != nil {
		return nil, err
	}
	return st.evalObject(ctx, st.decision, input, "decision")
}
