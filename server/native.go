package server

import (
	"bytes"

	"github.com/kmsguard/kmsguard/runner"
)

// nativeInput returns the question of a data API request body,
// {"input": {...}}, as JSON bytes for the native engine; nil when the body
// is anything else (DecodeRequest then says what is wrong). It only finds
// the envelope, without reading the question: the engine checks every byte
// it answers from (the question must be one JSON object with nothing after
// it, so a second field or a repeated "input" makes it decline, and
// DecodeRequest answers).
func nativeInput(body []byte) []byte {
	const key = `"input"`
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil
	}
	i = skipSpace(body, i+1)
	if !bytes.HasPrefix(body[i:], []byte(key)) {
		return nil
	}
	i = skipSpace(body, i+len(key))
	if i >= len(body) || body[i] != ':' {
		return nil
	}
	i = skipSpace(body, i+1)
	end := len(body)
	for end > i && isSpace(body[end-1]) {
		end--
	}
	if end <= i || body[end-1] != '}' || body[i] != '{' {
		return nil
	}
	return bytes.TrimRight(body[i:end-1], " \t\r\n")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
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
