package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/runner"
)

func TestDecisionMatchesRunner(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	r, err := runner.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []map[string]any{
		full("kms:Decrypt"), full("kms:Encrypt"), {"id": "bad", "principal": 7},
		// (A policy string that is not JSON is refused with 400, as eval
		// words it: TestQuestionErrorsAsEval.)
	} {
		resp := do(t, ts.Client(), http.MethodPost, ts.URL+decisionPath, input(q))
		if resp.status != http.StatusOK {
			t.Fatalf("%v: status %d: %s", q, resp.status, resp.body)
		}
		v, err := ast.InterfaceToValue(q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(map[string]any{"result": r.Decide(context.Background(), v)})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(resp.body)); got != string(want) {
			t.Errorf("%v:\n got %s\nwant %s", q, got, want)
		}
	}
}

func TestSnapshotData(t *testing.T) {
	data := tempPath(t, "snap.json")
	writeJSONFile(t, data, testSnapshot())
	_, ts := newTestServer(t, Config{Source: Source{Data: data}})
	for action, want := range map[string]string{"kms:Decrypt": "Allowed", "kms:Encrypt": "ImplicitlyDenied"} {
		res := do(t, ts.Client(), http.MethodPost, ts.URL+decisionPath, input(short(action))).json(t)["result"].(map[string]any)
		if res["decision"] != want {
			t.Errorf("%s: got %v, want %s", action, res, want)
		}
	}
	// What the question gives wins over the snapshot.
	q := short("kms:Decrypt")
	q["key_policy"] = map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	res := do(t, ts.Client(), http.MethodPost, ts.URL+decisionPath, input(q)).json(t)["result"].(map[string]any)
	if res["decision"] != "ImplicitlyDenied" {
		t.Errorf("inline key policy: got %v, want ImplicitlyDenied", res)
	}
}

// TestQuestionErrorsAsEval: a malformed question gets the message eval
// gives the same question (cli/testdata/script/eval_batch.txtar, the
// "bad-policy-string" line, there after "line 6: "): one decoder and one
// wording for every entry point; serve adds the HTTP status. Positions in
// the question's own JSON are positions in what was sent (here the request
// body, in eval the batch file).
func TestQuestionErrorsAsEval(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	for _, tc := range []struct{ body, message string }{
		{`{"input": {"id": "bad-policy-string", "principal": "111122223333", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": "{\"Statement\": [}"}}`,
			`key_policy (line 1, column 16): policy is not valid JSON: invalid character '}' looking for beginning of value`},
		{`{"input": {"principal": "111122223333", "action": "kms:Decrypt", "key_policy": {"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}}}`,
			`line 1, column 114: key_policy.Statement[0].Effect: duplicate key "Effect" (first at column 96)`},
		{`{"input": {"principal": "111122223333", "key_policy": "{\"Statement\": [{\"Effect\": \"Deny\", \"Effect\": \"Allow\"}]}"}}`,
			`key_policy (line 1, column 35): Statement[0].Effect: duplicate key "Effect" (first at column 17)`},
	} {
		for _, path := range []string{decisionPath, "/v1/data/kmsguard/authz/explain"} {
			resp := do(t, ts.Client(), http.MethodPost, ts.URL+path, tc.body)
			if resp.status != http.StatusBadRequest {
				t.Fatalf("%s: status %d, want 400: %s", path, resp.status, resp.body)
			}
			if m := resp.json(t); m["code"] != "bad_request" || m["message"] != tc.message {
				t.Errorf("%s: got %s, want bad_request %q", path, resp.body, tc.message)
			}
		}
	}
}

func TestBadRequests(t *testing.T) {
	_, ts := newTestServer(t, Config{MaxBody: 64})
	c := ts.Client()
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, message      string
	}{
		{"bad JSON", "POST", decisionPath, `{"input": {`, 400, "bad_request", "request body is not valid JSON: line 1, column 12: unexpected end of JSON input"},
		{"trailing data", "POST", decisionPath, `{"input": {}} x`, 400, "bad_request", "unexpected data after the JSON value"},
		{"not an object", "POST", decisionPath, `[1]`, 400, "bad_request", `must be a JSON object {"input": {...}}, not a list`},
		{"no input", "POST", decisionPath, `{}`, 400, "bad_request", `has no "input"`},
		{"input not object", "POST", decisionPath, `{"input": "x"}`, 400, "bad_request", `"input" must be a JSON object (the question), not a string`},
		{"null input", "POST", decisionPath, `{"input": null}`, 400, "bad_request", "not null"},
		{"unknown field", "POST", decisionPath, `{"input": {}, "pretty": true}`, 400, "bad_request", `unknown field "pretty"`},
		{"empty body", "POST", decisionPath, ``, 400, "bad_request", "empty input"},
		{"oversize", "POST", decisionPath, `{"input": {"principal": "` + strings.Repeat("a", 100) + `"}}`, 413, "too_large", "larger than 64 bytes"},
		{"unknown path", "POST", "/v1/data/kmsguard/authz/allowed", `{"input": {}}`, 404, "not_found", "no kmsguard entry point at /v1/data/kmsguard/authz/allowed"},
		{"whole data", "POST", "/v1/data", `{"input": {}}`, 404, "not_found", "no kmsguard entry point"},
		{"unknown endpoint", "GET", "/v1/policies", nil, 404, "not_found", "no such endpoint"},
		{"GET data", "GET", decisionPath, nil, 405, "method_not_allowed", "use POST"},
		{"POST health", "POST", "/health", `{}`, 405, "method_not_allowed", "use GET or HEAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, c, tc.method, ts.URL+tc.path, tc.body)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			m := resp.json(t)
			if m["code"] != tc.code || !strings.Contains(m["message"].(string), tc.message) {
				t.Errorf("got %s, want code %s and message containing %q", resp.body, tc.code, tc.message)
			}
			if bytes.Contains(resp.body, []byte("goroutine")) || bytes.Contains(resp.body, []byte(".go:")) {
				t.Errorf("response shows internals: %s", resp.body)
			}
		})
	}
	// A chunked body without Content-Length is cut off at the limit too.
	req, err := http.NewRequest("POST", ts.URL+decisionPath, struct{ *strings.Reader }{strings.NewReader(`{"input": {"x": "` + strings.Repeat("b", 200) + `"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversize body: status %d, want 413", resp.StatusCode)
	}
}

func TestAuth(t *testing.T) {
	_, ts := newTestServer(t, Config{Token: []byte("s3cret")})
	c := ts.Client()
	body := input(full("kms:Decrypt"))
	for _, tc := range []struct {
		name   string
		header []string
		status int
	}{
		{"no token", nil, 401},
		{"wrong token", []string{"Authorization", "Bearer s3cres"}, 401},
		{"prefix of the token", []string{"Authorization", "Bearer s3c"}, 401},
		{"other scheme", []string{"Authorization", "Basic s3cret"}, 401},
		{"right token", []string{"Authorization", "Bearer s3cret"}, 200},
		{"scheme case", []string{"Authorization", "bearer s3cret"}, 200},
	} {
		resp := do(t, c, "POST", ts.URL+decisionPath, body, tc.header...)
		if resp.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.status, tc.status)
		}
		if tc.status == 401 && !strings.HasPrefix(resp.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: no WWW-Authenticate header", tc.name)
		}
	}
	if resp := do(t, c, "GET", ts.URL+"/metrics", nil); resp.status != 401 {
		t.Errorf("/metrics without token: status %d, want 401", resp.status)
	}
	if resp := do(t, c, "GET", ts.URL+"/metrics", nil, "Authorization", "Bearer s3cret"); resp.status != 200 {
		t.Errorf("/metrics with token: status %d, want 200", resp.status)
	}
	if resp := do(t, c, "GET", ts.URL+"/health", nil); resp.status != 200 {
		t.Errorf("/health: status %d, want 200 without a token", resp.status)
	}
}

// TestConcurrencyLimit holds every evaluation slot with requests blocked in
// the test hook; one more request gets 503 at once instead of queueing.
func TestConcurrencyLimit(t *testing.T) {
	s, err := New(context.Background(), Config{MaxConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	release := make(chan struct{})
	var blocking atomic.Bool
	blocking.Store(true)
	s.beforeEval = func() {
		if blocking.Load() {
			entered <- struct{}{}
			<-release
		}
	}
	ts := newHTTPTest(t, s)
	c := ts.Client()
	var wg sync.WaitGroup
	statuses := make(chan int, 2)
	for range 2 {
		wg.Go(func() {
			statuses <- do(t, c, "POST", ts.URL+decisionPath, input(full("kms:Decrypt"))).status
		})
	}
	<-entered
	<-entered
	resp := do(t, c, "POST", ts.URL+decisionPath, input(full("kms:Decrypt")))
	if resp.status != http.StatusServiceUnavailable || resp.header.Get("Retry-After") == "" {
		t.Errorf("over the limit: status %d (Retry-After %q), want 503 with Retry-After: %s",
			resp.status, resp.header.Get("Retry-After"), resp.body)
	}
	if m := resp.json(t); m["code"] != "overloaded" {
		t.Errorf("over the limit: %s", resp.body)
	}
	// Health is not limited.
	if h := do(t, c, "GET", ts.URL+"/health", nil); h.status != 200 {
		t.Errorf("/health while saturated: %d", h.status)
	}
	blocking.Store(false)
	close(release)
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != 200 {
			t.Errorf("blocked request finished with %d, want 200", st)
		}
	}
	if st := do(t, c, "POST", ts.URL+decisionPath, input(full("kms:Decrypt"))).status; st != 200 {
		t.Errorf("after the burst: status %d, want 200", st)
	}
}

// TestEvaluationErrorFailsClosed serves a policy whose decision and explain
// raise an evaluation error for one input: the answer is a 200 error
// result, never an allow.
func TestEvaluationErrorFailsClosed(t *testing.T) {
	path := tempPath(t, "conflict.tar.gz")
	writeCustomBundle(t, path, map[string]string{
		"kmsguard/authz/decision.rego": `package kmsguard.authz

decision := {"error": "principal: missing"} if not input.principal

decision := {"decision": "Allowed", "allowed": true, "reasons": []} if input.principal

decision := {"decision": "Allowed", "allowed": true, "reasons": [{"policy": "x"}]} if input.principal

# METADATA
# entrypoint: true
explain := {"a": 1} if input.principal

explain := {"a": 2} if input.principal
`,
		"kmsguard/lint/lint.rego": `package kmsguard.lint

# METADATA
# entrypoint: true
findings contains {"msg": "statement allows kms:* to *"} if input.Statement
`,
	})
	_, ts := newTestServer(t, Config{Source: Source{Bundle: path}})
	c := ts.Client()
	resp := do(t, c, "POST", ts.URL+decisionPath, input(map[string]any{"id": "x", "principal": testAlice}))
	res := resp.json(t)["result"].(map[string]any)
	if resp.status != 200 || res["allowed"] != nil || !strings.HasPrefix(res["error"].(string), "evaluation failed") || res["id"] != "x" {
		t.Errorf("decision on an evaluation error: %d %s", resp.status, resp.body)
	}
	resp = do(t, c, "POST", ts.URL+"/v1/data/kmsguard/authz/explain", input(map[string]any{"principal": testAlice}))
	res = resp.json(t)["result"].(map[string]any)
	if resp.status != 200 || !strings.HasPrefix(res["error"].(string), "evaluation failed") {
		t.Errorf("explain on an evaluation error: %d %s", resp.status, resp.body)
	}
	// The lint entry point is served when the policy defines it.
	resp = do(t, c, "POST", ts.URL+"/v1/data/kmsguard/lint/findings", input(map[string]any{"Statement": []any{}}))
	if resp.status != 200 || !strings.Contains(string(resp.body), `"result":[{"msg":"statement allows kms:* to *"}]`) {
		t.Errorf("lint findings: %d %s", resp.status, resp.body)
	}
	// Undefined: an empty response, as stock OPA gives.
	resp = do(t, c, "POST", ts.URL+"/v1/data/kmsguard/authz/explain", input(map[string]any{}))
	if resp.status != 200 || strings.TrimSpace(string(resp.body)) != "{}" {
		t.Errorf("undefined explain: %d %s", resp.status, resp.body)
	}
}

// TestAnnotatedEntrypointServed: a rule the policy marks `# entrypoint:
// true` in its METADATA is served and listed by /health, with no change to
// the server; the same rule unmarked is not.
func TestAnnotatedEntrypointServed(t *testing.T) {
	const echo = "/v1/data/kmsguard/extra/echo"
	for _, marked := range []bool{true, false} {
		mark := ""
		if marked {
			mark = "# METADATA\n# entrypoint: true\n"
		}
		path := tempPath(t, "extra.tar.gz")
		writeCustomBundle(t, path, map[string]string{
			"kmsguard/authz/decision.rego": "package kmsguard.authz\n\ndecision := {\"error\": \"no\"}\n",
			"kmsguard/extra/extra.rego":    "package kmsguard.extra\n\n" + mark + "echo := {\"got\": input.x}\n",
		})
		_, ts := newTestServer(t, Config{Source: Source{Bundle: path}})
		resp := do(t, ts.Client(), "POST", ts.URL+echo, input(map[string]any{"x": 7}))
		h := string(do(t, ts.Client(), "GET", ts.URL+"/health", nil).body)
		served := resp.status == 200 && strings.Contains(string(resp.body), `"result":{"got":7}`)
		if served != marked || strings.Contains(h, echo) != marked {
			t.Errorf("marked %v: POST %s gave %d %s; /health %s", marked, echo, resp.status, resp.body, h)
		}
	}
}

// TestLintAbsent serves a policy without lint rules: the lint path is 404.
func TestLintAbsent(t *testing.T) {
	path := tempPath(t, "nolint.tar.gz")
	writeCustomBundle(t, path, map[string]string{
		"kmsguard/authz/decision.rego": "package kmsguard.authz\n\ndecision := {\"error\": \"no\"}\n",
	})
	_, ts := newTestServer(t, Config{Source: Source{Bundle: path}})
	resp := do(t, ts.Client(), "POST", ts.URL+"/v1/data/kmsguard/lint/findings", `{"input": {}}`)
	if resp.status != 404 || !strings.Contains(string(resp.body), "no kmsguard entry point at /v1/data/kmsguard/lint/findings") {
		t.Errorf("lint without lint rules: %d %s", resp.status, resp.body)
	}
	h := string(do(t, ts.Client(), "GET", ts.URL+"/health", nil).body)
	if strings.Contains(h, "lint") || !strings.Contains(h, `"revision":"custom"`) {
		t.Errorf("health: %s", h)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	h := do(t, ts.Client(), "GET", ts.URL+"/health", nil).json(t)
	if h["status"] != "ok" || h["revision"] != s.Revision() || !strings.HasPrefix(s.Revision(), "sha256:") {
		t.Errorf("health: %v (revision %s)", h, s.Revision())
	}
	do(t, ts.Client(), "POST", ts.URL+decisionPath, input(full("kms:Decrypt")))
	do(t, ts.Client(), "POST", ts.URL+decisionPath, input(full("kms:Encrypt")))
	do(t, ts.Client(), "POST", ts.URL+decisionPath, `{`)
	m := string(do(t, ts.Client(), "GET", ts.URL+"/metrics", nil).body)
	for _, want := range []string{
		`kmsguard_decisions_total{result="Allowed"} 1`,
		`kmsguard_decisions_total{result="ImplicitlyDenied"} 1`,
		`kmsguard_errors_total{reason="bad_request"} 1`,
		`kmsguard_data_revision_info{revision="` + s.Revision() + `"} 1`,
		`kmsguard_in_flight_requests 0`,
		`kmsguard_http_request_duration_seconds_count{handler="kmsguard/authz/decision"} 3`,
		`kmsguard_http_requests_total{code="400",handler="kmsguard/authz/decision"} 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestDecisionLog(t *testing.T) {
	var buf syncBuffer
	_, ts := newTestServer(t, Config{DecisionLog: &buf, MaskContext: []string{"kms:EncryptionContext:*", "aws:SourceIp"}})
	q := full("kms:Decrypt")
	q["context"] = map[string]any{"kms:encryptioncontext:app": "billing", "aws:sourceip": "10.0.0.1", "aws:SecureTransport": true}
	q["grants"] = []any{map[string]any{"grantee_principal": testAlice, "operations": []any{"Decrypt"},
		"constraints": map[string]any{"encryption_context_subset": map[string]any{"app": "payroll"}, "encryption_context_equals": map[string]any{"Tenant": "t-1"}}}}
	resp := do(t, ts.Client(), "POST", ts.URL+decisionPath, input(q))
	var e map[string]any
	if err := json.Unmarshal(buf.Bytes(), &e); err != nil {
		t.Fatalf("decision log %q: %v", buf.Bytes(), err)
	}
	ctx := e["input"].(map[string]any)["context"].(map[string]any)
	if ctx["kms:encryptioncontext:app"] != "***" || ctx["aws:sourceip"] != "***" || ctx["aws:SecureTransport"] != true {
		t.Errorf("masked context: %v", ctx)
	}
	if e["path"] != "kmsguard/authz/decision" || e["result"].(map[string]any)["decision"] != "Allowed" ||
		e["revision"] == "" || e["time"] == nil || e["duration"] == nil {
		t.Errorf("decision log entry: %v", e)
	}
	// Grant constraints hold encryption-context values too: a pattern
	// matching kms:EncryptionContext:KEY masks them.
	cons := e["input"].(map[string]any)["grants"].([]any)[0].(map[string]any)["constraints"].(map[string]any)
	if fmt.Sprint(cons) != "map[encryption_context_equals:map[Tenant:***] encryption_context_subset:map[app:***]]" {
		t.Errorf("masked grant constraints: %v", cons)
	}
	if strings.Contains(string(buf.Bytes()), "payroll") || strings.Contains(string(buf.Bytes()), "t-1") {
		t.Errorf("the decision log shows a grant's encryption context: %s", buf.Bytes())
	}
	if e["decision_id"] != resp.header.Get("X-Request-Id") || resp.json(t)["decision_id"] != e["decision_id"] {
		t.Errorf("decision id %v: header %q, answer %s", e["decision_id"], resp.header.Get("X-Request-Id"), resp.body)
	}
	if q["context"].(map[string]any)["kms:encryptioncontext:app"] != "billing" {
		t.Error("masking changed the question")
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"kms:encryptioncontext:*", "kms:encryptioncontext:app", true},
		{"kms:encryptioncontext:*", "kms:encryptioncontextkeys", false},
		{"*", "anything", true},
		{"aws:sourceip", "aws:sourceip", true},
		{"aws:sourceip", "aws:sourceipx", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*tag/*", "aws:requesttag/team", true},
		{"ab*ba", "aba", false},
	} {
		if got := globMatch(tc.pattern, tc.name); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestBadConfig(t *testing.T) {
	if _, err := New(context.Background(), Config{TLSCert: "x.pem"}); err == nil {
		t.Error("TLS cert without key accepted")
	}
	bad := tempPath(t, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format": "kmsguard-snapshot", "version": 2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Config{Source: Source{Data: bad}})
	if err == nil || !strings.Contains(err.Error(), "version must be 1, not 2") {
		t.Errorf("snapshot version 2: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
