package server

import (
	"bytes"
	"encoding/json"

	"github.com/kmsguard/kmsguard/internal/strictjson"
	"github.com/kmsguard/kmsguard/runner"
)

// nativeInput returns the question of a data API request body,
// {"input": {...}}, as JSON bytes for the native engine; nil when the body
// is anything else (DecodeRequest then says what is wrong).
func nativeInput(body []byte) []byte {
	if strictjson.Check(body) != nil {
		return nil
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil || len(env) != 1 {
		return nil
	}
	in := bytes.TrimSpace(env["input"])
	if len(in) == 0 || in[0] != '{' {
		return nil
	}
	return in
}

// nativeResult answers the decision or explain query with the native
// engine; nil when it declines (the Rego answers, and the runner counts
// the fallback) or for any other query.
func nativeResult(r *runner.Runner, query string, body []byte) any {
	if query != runner.DecisionQuery && query != runner.ExplainQuery {
		return nil
	}
	in := nativeInput(body)
	if in == nil {
		return nil
	}
	if query == runner.DecisionQuery {
		if a, ok := r.DecideNative(in); ok {
			return a
		}
		return nil
	}
	if v, ok := r.ExplainNative(in); ok {
		return v
	}
	return nil
}
