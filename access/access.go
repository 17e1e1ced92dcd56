// Package access is the Go side of kmsguard's access analysis: who can use
// a key (who-can), what a principal can use (who-can --principal), and the
// access two key policies or snapshots differ in (diff). The analysis is
// specified in Rego (rego/kmsguard/access, entry points who_can, can_use
// and diff) and answered by the native engine (engine/access.go) with the
// same bytes; what the engine declines, or an evaluator without it, the
// Rego answers. This package builds the inputs and decodes the answers
// into result's types; report renders them.
package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// Evaluator evaluates an entry point of the bundle (*runner.Runner).
type Evaluator interface {
	Eval(ctx context.Context, query string, input ast.Value) (value any, defined bool, err error)
}

// InputError is a question the analysis rejects (unknown key, action or
// principal).
type InputError struct{ Msgs []string }

func (e *InputError) Error() string { return strings.Join(e.Msgs, "; ") }

// WhoCan lists every principal that can use key (for action, or for every
// key action when action is ""). extra names further principals to analyse.
func WhoCan(ctx context.Context, ev Evaluator, key, action string, extra []string) (*result.KeyReport, error) {
	in := map[string]any{"key": key}
	if action != "" {
		in["action"] = action
	}
	addPrincipals(in, extra)
	var out result.KeyReport
	if eng := native(ev); eng != nil {
		if v, ok := eng.WhoCan(key, action, extra); ok {
			return newReader().keyReport(v), nil
		}
	}
	if err := eval(ctx, ev, runner.WhoCanQuery, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CanUse lists every key of the snapshot principal can use (for action, or
// for every key action when action is "").
func CanUse(ctx context.Context, ev Evaluator, principal, action string) (*result.PrincipalReport, error) {
	in := map[string]any{"principal": principal}
	if action != "" {
		in["action"] = action
	}
	var out result.PrincipalReport
	if eng := native(ev); eng != nil {
		if v, ok := eng.CanUse(principal, action); ok {
			return newReader().principalReport(v), nil
		}
	}
	if err := eval(ctx, ev, runner.CanUseQuery, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// native is the native engine of an evaluator that has one
// (*runner.Runner with the embedded policy), or nil. The engine answers
// who-can, --principal and diff with the Rego's bytes
// (engine/access.go); what it declines the Rego answers (counted by the
// engine's AccessStats).
func native(ev Evaluator) *engine.Engine {
	if n, ok := ev.(interface{ Native() *engine.Engine }); ok {
		return n.Native()
	}
	return nil
}

func eval(ctx context.Context, ev Evaluator, query string, in map[string]any, out any) error {
	input, err := ast.InterfaceToValue(in)
	if err != nil {
		return err
	}
	v, defined, err := ev.Eval(ctx, query, input)
	if err != nil {
		return err
	}
	if !defined {
		return fmt.Errorf("%s: the policy gave no answer", query)
	}
	return decode(query, v, out)
}

// decode reads an answer of the Rego or of the native analysis (a JSON
// value) into out; an answer with errors is an InputError.
func decode(query string, v any, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var e struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return err
	}
	if len(e.Errors) > 0 {
		return &InputError{Msgs: e.Errors}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: unexpected answer: %w", query, err)
	}
	return nil
}

// IsInputError reports whether err is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
