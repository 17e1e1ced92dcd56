package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

func TestDecodeRequestNumbers(t *testing.T) {
	v, err := DecodeRequest([]byte(`{"input": {"context": {"n": 12345678901234567890, "f": 0.1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := ast.MustParseTerm(`{"context": {"n": 12345678901234567890, "f": 0.1}}`).Value
	if v.Compare(want) != 0 {
		t.Errorf("got %v, want %v (numbers must stay exact)", v, want)
	}
}

// A body with a key twice, anywhere, is refused: encoding/json (and OPA's
// json.unmarshal for a policy given as a string) would keep the last value,
// turning a Deny into an Allow.
func TestDecodeRequestDuplicateKeys(t *testing.T) {
	for body, want := range map[string]string{
		`{"input": {}, "input": {"principal": "x"}}`:                                                    `input: duplicate key "input"`,
		`{"input": {"key_policy": {"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}}}`:             `line 1, column 60: key_policy.Statement[0].Effect: duplicate key "Effect"`,
		`{"input": {"key_policy": "{\"Statement\": [{\"Effect\": \"Deny\", \"Effect\": \"Allow\"}]}"}}`: `key_policy (line 1, column 35): Statement[0].Effect: duplicate key "Effect"`,
	} {
		_, err := DecodeRequest([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeRequest(%s) = %v, want an error containing %q", body, err, want)
		}
	}
}

// FuzzDecodeRequest: the decoder never panics, accepts exactly the bodies
// that are one JSON object with an object "input" and no other field and no
// key twice, and then returns that input (policies given as strings parsed).
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"input": {}}`,
		`{"input": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "context": {"n": 1e400}}}`,
		`{"input": []}`, `{"input": null}`, `{}`, `[]`, `"x"`, ``, `{"input": {}} {}`,
		`{"input": {"a": "\u0000\ud800"}}`, `{"input": {}, "input": 3}`, `{"input": {"key_policy": "{\"Statement\": []}"}}`,
		"\xef\xbb\xbf{\"input\": {}}", `{"input": {"x": 1}, "other": 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := DecodeRequest(body)
		var raw map[string]json.RawMessage
		rawErr := json.Unmarshal(body, &raw)
		if err != nil {
			if v != nil {
				t.Fatalf("error %v with a value", err)
			}
			if err.Error() == "" || strings.Contains(err.Error(), "panic") {
				t.Fatalf("bad error message %q", err)
			}
			return
		}
		if rawErr != nil {
			t.Fatalf("accepted %q, which encoding/json rejects: %v", body, rawErr)
		}
		if strictjson.Check(body) != nil {
			t.Fatalf("accepted %q, which has a key twice", body)
		}
		if len(raw) != 1 || raw["input"] == nil {
			t.Fatalf("accepted %q: fields other than input", body)
		}
		obj, ok := v.(ast.Object)
		if !ok {
			t.Fatalf("accepted %q: input %T is not an object", body, v)
		}
		native, err := ast.JSON(obj)
		if err != nil {
			t.Fatal(err)
		}
		text, err := json.Marshal(map[string]any{"input": native})
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeRequest(text)
		if err != nil || again.Compare(v) != 0 {
			t.Fatalf("input %v does not round-trip: %v %v", v, again, err)
		}
	})
}
