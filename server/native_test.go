package server

import (
	"net/http"
	"testing"
)

// TestNativeInputEnvelope: nativeInput finds the question of a body in the
// one shape the data API accepts; a body of any other shape is left to
// DecodeRequest (nil), or given to the engine only with bytes the engine
// refuses as a question (a second field, a repeated "input").
func TestNativeInputEnvelope(t *testing.T) {
	for body, want := range map[string]string{
		`{"input": {"a": 1}}`:            `{"a": 1}`,
		" \n{ \"input\" :\t{} \n} \n":    `{}`,
		`{"input": {"a": 1}, "x": 2}`:    `{"a": 1}, "x": 2`,
		`{"input": {}, "input": {}}`:     `{}, "input": {}`,
		`{"input": []}`:                  "",
		`{"input": "x"}`:                 "",
		`{"inputs": {}}`:                 "",
		`{"in\u0070ut": {}}`:             "",
		`{"input" {}}`:                   "",
		`{"input": {}`:                   `{`, // the engine refuses it
		`{"input": {}} x`:                "",
		`[{"input": {}}]`:                "",
		``:                               "",
		`{"pretty": true, "input": {}}`:  "",
		`{"input": {"key_policy": "}"}}`: `{"key_policy": "}"}`,
	} {
		got := nativeInput([]byte(body))
		if (got == nil) != (want == "") || string(got) != want {
			t.Errorf("nativeInput(%q) = %q, want %q", body, got, want)
		}
	}
}

// A body the engine could answer, but whose envelope is wrong, is refused
// as DecodeRequest refuses it.
func TestNativeEnvelopeRefused(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	q := `{"principal": "111122223333", "action": "kms:Encrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}}`
	for body, message := range map[string]string{
		`{"input": ` + q + `, "pretty": true}`:     `request body has an unknown field "pretty": only "input" is accepted`,
		`{"input": ` + q + `, "input": ` + q + `}`: "",
	} {
		resp := do(t, ts.Client(), http.MethodPost, ts.URL+decisionPath, body)
		if resp.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400: %s", resp.status, resp.body)
		}
		if m := resp.json(t); message != "" && m["message"] != message {
			t.Errorf("message %v, want %q", m["message"], message)
		}
	}
	resp := do(t, ts.Client(), http.MethodPost, ts.URL+decisionPath, `{"input": `+q+`}`)
	if res := resp.json(t)["result"].(map[string]any); res["decision"] != "Allowed" {
		t.Errorf("the well-formed body: %s", resp.body)
	}
}
