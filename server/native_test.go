package server

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/runner"
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

// TestAccessNativeSameAsRego: serve answers who_can and can_use with the
// native analysis, and its answers are the Rego's, byte for byte (as
// canonical JSON); inputs the native analysis declines (unknown fields,
// empty values, wrong types, an unknown key) get the Rego's answer.
func TestAccessNativeSameAsRego(t *testing.T) {
	snap := tempPath(t, "snap.json")
	writeJSONFile(t, snap, testSnapshot())
	srv, ts := newTestServer(t, Config{Source: Source{Data: snap}, AccessAnalysis: true})
	e := srv.engine.Load()
	who, can := "/v1/data/kmsguard/access/who_can", "/v1/data/kmsguard/access/can_use"
	for _, tc := range []struct {
		path   string
		query  string
		in     map[string]any
		native bool
	}{
		{who, runner.WhoCanQuery, map[string]any{"key": testKey}, true},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey, "action": "kms:Decrypt"}, true},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey, "principals": []any{"arn:aws:iam::444455556666:role/Other"}}, true},
		{can, runner.CanUseQuery, map[string]any{"principal": testAlice}, true},
		{can, runner.CanUseQuery, map[string]any{"principal": testAlice, "action": "kms:Encrypt"}, true},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey, "action": ""}, false},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey, "principals": []any{}}, false},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey, "extra": true}, false},
		{who, runner.WhoCanQuery, map[string]any{"key": 7}, false},
		{who, runner.WhoCanQuery, map[string]any{"key": testKey + "-unknown"}, false},
		{can, runner.CanUseQuery, map[string]any{"principal": testAlice, "key": testKey}, false},
	} {
		body, err := json.Marshal(map[string]any{"input": tc.in})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := nativeAccess(e.runner, tc.query, body); ok != tc.native {
			t.Errorf("%s %v: answered natively %v, want %v", tc.path, tc.in, ok, tc.native)
		}
		resp := do(t, ts.Client(), "POST", ts.URL+tc.path, input(tc.in))
		if resp.status != 200 {
			t.Fatalf("%s %v: status %d: %s", tc.path, tc.in, resp.status, resp.body)
		}
		got := resp.json(t)["result"]
		iv, err := ast.InterfaceToValue(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		want, defined, err := e.runner.Eval(context.Background(), tc.query, iv)
		if err != nil || !defined {
			t.Fatalf("%s %v: the Rego: defined %v, %v", tc.path, tc.in, defined, err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if !bytes.Equal(g, w) {
			t.Errorf("%s %v:\nserve %s\nRego  %s", tc.path, tc.in, g, w)
		}
	}
}

// TestDiffNativeSameAsRego: serve answers the diff entry point with the
// native engine.Diff, and its answers are the Rego's, byte for byte (as
// canonical JSON): access added (a partner account, a conditional grant),
// removed (alice's identity policy), changed (a condition on the key
// policy), a key added, and the extra principals; inputs the native
// analysis declines (another field, a snapshot the snapshot reader refuses,
// a principal list that is not one of strings) get the Rego's answer.
func TestDiffNativeSameAsRego(t *testing.T) {
	_, ts := newTestServer(t, Config{AccessAnalysis: true})
	srv, _ := newTestServer(t, Config{AccessAnalysis: true})
	e := srv.engine.Load()
	old := testSnapshot()
	partner := map[string]any{
		"Sid": "Partner", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::444455556666:root"},
		"Action":    []any{"kms:Decrypt", "kms:DescribeKey"}, "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-west-2.amazonaws.com"}},
	}
	keyPolicy := func(stmts ...any) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": append([]any{defaultKeyPolicy["Statement"].([]any)[0]}, stmts...)}
	}
	newer := func(edit func(s map[string]any)) map[string]any {
		s := testSnapshot()
		edit(s)
		return s
	}
	shared := newer(func(s map[string]any) {
		s["keys"].(map[string]any)[testKey] = map[string]any{"key_policy": keyPolicy(partner), "grants": []any{map[string]any{
			"grant_id": "g1", "grantee_principal": "arn:aws:iam::111122223333:role/Batch",
			"operations": []any{"Decrypt"}, "constraints": map[string]any{"encryption_context_subset": map[string]any{"app": "batch"}},
		}}}
	})
	partnerEverywhere := func(s map[string]any) {
		p := maps.Clone(partner)
		delete(p, "Condition")
		s["keys"].(map[string]any)[testKey] = map[string]any{"key_policy": keyPolicy(p)}
	}
	for _, tc := range []struct {
		name   string
		in     map[string]any
		native bool
	}{
		{"same", map[string]any{"old": old, "new": testSnapshot()}, true},
		{"partner and grant added", map[string]any{"old": old, "new": shared}, true},
		{"partner and grant removed", map[string]any{"old": shared, "new": old}, true},
		{"condition changed", map[string]any{"old": shared, "new": newer(partnerEverywhere)}, true},
		{"alice's policy removed", map[string]any{"old": old, "new": newer(func(s map[string]any) { delete(s, "principals") })}, true},
		{"key added", map[string]any{"old": map[string]any{"format": "kmsguard-snapshot", "version": 1}, "new": shared}, true},
		{"extra principals", map[string]any{"old": old, "new": shared, "principals": []any{"arn:aws:iam::444455556666:role/Other", "*"}}, true},
		{"no principals", map[string]any{"old": old, "new": shared, "principals": []any{}}, true},
		{"another field", map[string]any{"old": old, "new": shared, "extra": true}, false},
		{"old not an object", map[string]any{"old": []any{}, "new": shared}, false},
		{"principal not a string", map[string]any{"old": old, "new": shared, "principals": []any{7}}, false},
		{"principals null", map[string]any{"old": old, "new": shared, "principals": nil}, false},
		{"old not a snapshot (no format)", map[string]any{"old": map[string]any{}, "new": shared}, false},
		{"new with an unknown part", map[string]any{"old": old, "new": newer(func(s map[string]any) { s["extra"] = map[string]any{} })}, false},
		{"old missing", map[string]any{"new": shared}, false},
	} {
		body, err := json.Marshal(map[string]any{"input": tc.in})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := nativeAccess(e.runner, runner.DiffQuery, body); ok != tc.native {
			t.Errorf("%s: answered natively %v, want %v", tc.name, ok, tc.native)
		}
		resp := do(t, ts.Client(), "POST", ts.URL+"/v1/data/kmsguard/access/diff", input(tc.in))
		if resp.status != 200 {
			t.Fatalf("%s: status %d: %s", tc.name, resp.status, resp.body)
		}
		got := resp.json(t)["result"]
		iv, err := ast.InterfaceToValue(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		want, defined, err := e.runner.Eval(context.Background(), runner.DiffQuery, iv)
		if err != nil {
			t.Fatalf("%s: the Rego: %v", tc.name, err)
		}
		if !defined {
			if got != nil {
				t.Errorf("%s: the Rego's diff is undefined, serve answered %v", tc.name, got)
			}
			continue
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if !bytes.Equal(g, w) {
			t.Errorf("%s:\nserve %s\nRego  %s", tc.name, g, w)
		}
		if tc.native && bytes.Equal(w, []byte(`{"added":[],"changed":[],"removed":[]}`)) && tc.name != "same" {
			t.Errorf("%s: the diff is empty; the case tests nothing", tc.name)
		}
	}
}
