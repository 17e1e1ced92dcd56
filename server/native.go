package server

import (
	"bytes"
	"encoding/json"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/internal/strictjson"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
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

// isAccessQuery reports whether query is an entry point of the access
// analysis that nativeAccess answers.
func isAccessQuery(query string) bool {
	return query == runner.WhoCanQuery || query == runner.CanUseQuery || query == runner.DiffQuery
}

// accessQuestion is the input of the who_can and can_use entry points as
// the native analysis takes it. Anything else in the input (another field,
// another type, an empty action or principal list, which the Rego words as
// errors) makes nativeAccess decline, and the Rego answers.
type accessQuestion struct {
	Key        *string   `json:"key"`
	Principal  *string   `json:"principal"`
	Action     *string   `json:"action"`
	Principals *[]string `json:"principals"`
}

// nativeAccess answers the who_can, can_use or diff entry point with the
// native access analysis (engine/access.go and access_diff.go,
// byte-identical to rego/kmsguard/access); ok is false when it declines or
// for any other query. It runs after an evaluation slot is taken: an
// analysis can be long.
func nativeAccess(r *runner.Runner, query string, body []byte) (result any, ok bool) {
	if !isAccessQuery(query) {
		return nil, false
	}
	eng := r.Native()
	in := nativeInput(body)
	if eng == nil || in == nil || strictjson.Check(in) != nil {
		return nil, false
	}
	if query == runner.DiffQuery {
		return nativeDiff(in)
	}
	var q accessQuestion
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil || dec.More() {
		return nil, false
	}
	action := ""
	if q.Action != nil {
		if *q.Action == "" {
			return nil, false
		}
		action = *q.Action
	}
	if query == runner.WhoCanQuery {
		if q.Key == nil || q.Principal != nil {
			return nil, false
		}
		var extra []string
		if q.Principals != nil {
			if len(*q.Principals) == 0 {
				return nil, false
			}
			extra = *q.Principals
		}
		return eng.WhoCan(*q.Key, action, extra)
	}
	if q.Principal == nil || q.Key != nil || q.Principals != nil {
		return nil, false
	}
	return eng.CanUse(*q.Principal, action)
}

// nativeDiff answers the diff entry point, {"old": SNAPSHOT, "new":
// SNAPSHOT, "principals"?: [ARN, ...]}, with access.NativeDiff on the
// input's two snapshots (the Rego reads them from the input too, not
// from the server's data). It answers only snapshots the snapshot reader
// accepts (docs/snapshot-format.md: format, version, the shape of every
// part), as the CLI's diff reads them; any other input (another field, a
// snapshot the reader refuses, a principal that is not a string) makes it
// decline, and the Rego answers.
func nativeDiff(in []byte) (any, bool) {
	var q struct {
		Old        json.RawMessage `json:"old"`
		New        json.RawMessage `json:"new"`
		Principals json.RawMessage `json:"principals"`
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil || dec.More() || q.Old == nil || q.New == nil {
		return nil, false
	}
	older, err := snapshot.Parse(q.Old)
	if err != nil {
		return nil, false
	}
	newer, err := snapshot.Parse(q.New)
	if err != nil {
		return nil, false
	}
	var extra []string
	if q.Principals != nil {
		// A list of strings; null, as anything else, is the Rego's to answer.
		if err := json.Unmarshal(q.Principals, &extra); err != nil || extra == nil {
			return nil, false
		}
	}
	out, _, ok, err := access.NativeDiff(older, newer, extra)
	return out, ok && err == nil
}
