package runner

import (
	"encoding/json"
	"strings"
	"testing"
)

// answerFrom must never turn an unexpected policy result into an allow.
func TestAnswerFromFailsClosed(t *testing.T) {
	tests := []struct {
		name    string
		in      map[string]any
		allowed bool
		err     string
	}{
		{"allowed", map[string]any{"decision": "Allowed", "allowed": true}, true, ""},
		{"implicit deny", map[string]any{"decision": "ImplicitlyDenied", "allowed": false}, false, ""},
		{"error", map[string]any{"id": "q", "error": "principal: missing"}, false, "principal: missing"},
		{"error wins over a decision", map[string]any{"decision": "Allowed", "allowed": true, "error": "x"}, false, "x"},
		{"unknown decision", map[string]any{"decision": "Maybe", "allowed": true}, false, `evaluation failed: unknown decision "Maybe"`},
		{"allowed without allowed=true", map[string]any{"decision": "Allowed", "allowed": false}, false, "evaluation failed: decision and allowed disagree"},
		{"allowed=true on a deny", map[string]any{"decision": "ExplicitlyDenied", "allowed": true}, false, "evaluation failed: decision and allowed disagree"},
		{"no decision", map[string]any{}, false, `evaluation failed: unknown decision ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answerFrom(tt.in)
			if a.IsAllowed() != tt.allowed || a.Error != tt.err {
				got, _ := json.Marshal(a)
				t.Errorf("answerFrom(%v) = %s; want allowed=%v error=%q", tt.in, got, tt.allowed, tt.err)
			}
		})
	}
}

func TestAnswerReasons(t *testing.T) {
	a := answerFrom(map[string]any{
		"decision": "Allowed", "allowed": true,
		"reasons": []any{
			map[string]any{"policy": "scp", "level": json.Number("1"), "index": json.Number("0"), "statement": json.Number("2"), "sid": "S", "effect": "Deny"},
			map[string]any{"policy": "grant", "index": json.Number("3"), "effect": "Allow", "grant_id": "g"},
		},
	})
	got, _ := json.Marshal(a.Reasons)
	want := `[{"policy":"scp","level":1,"index":0,"statement":2,"sid":"S","effect":"Deny"},{"policy":"grant","index":3,"effect":"Allow","grant_id":"g"}]`
	if string(got) != want {
		t.Errorf("reasons = %s\nwant %s", got, want)
	}
}

// A decision whose fields have the wrong types is an error answer, never
// a guess.
func TestAnswerFromMistyped(t *testing.T) {
	for _, in := range []map[string]any{
		{"id": "q", "decision": "Allowed", "allowed": "true"},
		{"id": "q", "decision": "Allowed", "allowed": true, "reasons": []any{"key_policy"}},
		{"id": "q", "decision": "ImplicitlyDenied", "allowed": false, "missing": "kms:Decrypt"},
	} {
		a := answerFrom(in)
		if a.IsAllowed() || a.ID != "q" || !strings.HasPrefix(a.Error, "evaluation failed: the decision is not an answer: ") {
			got, _ := json.Marshal(a)
			t.Errorf("answerFrom(%v) = %s", in, got)
		}
	}
}
