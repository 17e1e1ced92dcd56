package opainput

import (
	"errors"
	"github.com/kmsguard/kmsguard/question"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string // the decoded value in Rego syntax, when err is nil
		id     string
		err    *question.Error
		errMsg string
	}{
		{
			name: "valid",
			in:   `{"id": "q1", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement": []}}`,
			want: `{"id": "q1", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement": []}}`,
			id:   "q1",
		},
		{
			name: "unknown fields and wrong types are left to Rego",
			in:   `{"id": 7, "nonsense": true, "principal": 1}`,
			want: `{"id": 7, "nonsense": true, "principal": 1}`,
		},
		{
			name: "numbers stay exact",
			in:   `{"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": 12345678901234567890123}}`,
			want: `{"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": 12345678901234567890123}}`,
		},
		{
			name: "policies given as strings are expanded",
			in: `{"id": "s", "key_policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}",
			      "identity_policies": [{"Statement": []}, "{\"Statement\": [{\"Effect\": \"Allow\"}]}"],
			      "permissions_boundary": "{}", "session_policy": "{\"a\": 1}", "vpc_endpoint_policy": "{\"b\": 2}",
			      "scps": [["{\"c\": 3}"], [{"d": 4}, "{\"e\": 5}"]], "rcps": [["{\"f\": 6}"]]}`,
			want: `{"id": "s", "key_policy": {"Version": "2012-10-17", "Statement": []},
			        "identity_policies": [{"Statement": []}, {"Statement": [{"Effect": "Allow"}]}],
			        "permissions_boundary": {}, "session_policy": {"a": 1}, "vpc_endpoint_policy": {"b": 2},
			        "scps": [[{"c": 3}], [{"d": 4}, {"e": 5}]], "rcps": [[{"f": 6}]]}`,
			id: "s",
		},
		{
			name: "strings outside policy fields are not expanded",
			in:   `{"principal": "{\"a\": 1}", "grants": ["{}"], "scps": ["{}"]}`,
			want: `{"principal": "{\"a\": 1}", "grants": ["{}"], "scps": ["{}"]}`,
		},
		{
			name:   "bad JSON",
			in:     "{\"id\": \"q\",\n \"action\": \"kms:Decrypt\"\n \"principal\": \"x\"}",
			err:    &question.Error{Line: 3, Column: 2, Msg: "invalid character '\"' after object key:value pair"},
			errMsg: `(line 3, column 2): invalid character '"' after object key:value pair`,
		},
		{
			name:   "truncated",
			in:     `{"id": "q", "key_policy": {`,
			err:    &question.Error{Line: 1, Column: 28, Msg: "unexpected end of JSON input"},
			errMsg: "(line 1, column 28): unexpected end of JSON input",
		},
		{
			name:   "bad policy string",
			in:     `{"id": "q", "key_policy": "{\n  \"Statement\": [,]\n}"}`,
			id:     "q",
			err:    &question.Error{Field: "key_policy", Line: 2, Column: 17, Msg: "policy is not valid JSON: invalid character ',' looking for beginning of value"},
			errMsg: "key_policy (line 2, column 17): policy is not valid JSON: invalid character ',' looking for beginning of value",
		},
		{
			name:   "bad policy string in a list",
			in:     `{"id": "q", "identity_policies": [{}, "{]"]}`,
			id:     "q",
			err:    &question.Error{Field: "identity_policies[1]", Line: 1, Column: 2, Msg: "policy is not valid JSON: invalid character ']' looking for beginning of object key string"},
			errMsg: "identity_policies[1] (line 1, column 2): policy is not valid JSON: invalid character ']' looking for beginning of object key string",
		},
		{
			name:   "bad policy string in an SCP level",
			in:     `{"scps": [[{}], [{}, "{\"Statement\": []} x"]]}`,
			err:    &question.Error{Field: "scps[1][1]", Line: 1, Column: 19, Msg: "policy is not valid JSON: unexpected data after the JSON value"},
			errMsg: "scps[1][1] (line 1, column 19): policy is not valid JSON: unexpected data after the JSON value",
		},
		{
			name:   "empty policy string",
			in:     `{"id": "e", "session_policy": ""}`,
			id:     "e",
			err:    &question.Error{Field: "session_policy", Msg: "policy is not valid JSON: empty input: expected a JSON value"},
			errMsg: "session_policy: policy is not valid JSON: empty input: expected a JSON value",
		},
		{
			name:   "trailing data",
			in:     `{"id": "q"} x`,
			err:    &question.Error{Line: 1, Column: 13, Msg: "unexpected data after the JSON value"},
			errMsg: "(line 1, column 13): unexpected data after the JSON value",
		},
		{
			name:   "trailing JSON value",
			in:     `{"id": "q"} {}`,
			err:    &question.Error{Line: 1, Column: 13, Msg: "unexpected data after the JSON value"},
			errMsg: "(line 1, column 13): unexpected data after the JSON value",
		},
		{
			name:   "trailing data on the next line",
			in:     "{\"id\": \"q\"}\n\n  ]",
			err:    &question.Error{Line: 3, Column: 3, Msg: "unexpected data after the JSON value"},
			errMsg: "(line 3, column 3): unexpected data after the JSON value",
		},
		{
			name:   "a list",
			in:     `[{"id": "q"}]`,
			err:    &question.Error{Msg: "a question must be a JSON object"},
			errMsg: "a question must be a JSON object",
		},
		{
			name:   "a string",
			in:     `"question"`,
			err:    &question.Error{Msg: "a question must be a JSON object"},
			errMsg: "a question must be a JSON object",
		},
		{
			name:   "null",
			in:     `null`,
			err:    &question.Error{Msg: "a question must be a JSON object"},
			errMsg: "a question must be a JSON object",
		},
		{
			// IAM rejects a policy with a key twice (MalformedPolicyDocument;
			// the grammar has each element once per block:
			// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html);
			// encoding/json would keep the Allow.
			name:   "duplicate key",
			in:     "{\"id\": \"d\", \"key_policy\": {\"Statement\": [{}, {\"Effect\": \"Deny\",\n \"Effect\": \"Allow\"}]}}",
			err:    &question.Error{Path: "key_policy.Statement[1].Effect", Line: 2, Column: 2, Msg: `duplicate key "Effect" (first at line 1, column 47)`},
			errMsg: `(line 2, column 2): key_policy.Statement[1].Effect: duplicate key "Effect" (first at line 1, column 47)`,
		},
		{
			name:   "duplicate key in a policy string",
			in:     `{"id": "d", "identity_policies": [{}, "{\"Statement\": {\"Effect\": \"Deny\", \"Effect\": \"Allow\"}}"]}`,
			id:     "d",
			err:    &question.Error{Field: "identity_policies[1]", Path: "Statement.Effect", Line: 1, Column: 34, Msg: `duplicate key "Effect" (first at column 16)`},
			errMsg: `identity_policies[1] (line 1, column 34): Statement.Effect: duplicate key "Effect" (first at column 16)`,
		},
		{
			name:   "duplicate question field",
			in:     `{"action": "kms:Decrypt", "action": "kms:Encrypt"}`,
			err:    &question.Error{Path: "action", Line: 1, Column: 27, Msg: `duplicate key "action" (first at column 2)`},
			errMsg: `(line 1, column 27): action: duplicate key "action" (first at column 2)`,
		},
		{
			name:   "empty",
			in:     "  \n",
			err:    &question.Error{Msg: "empty input: expected a JSON value"},
			errMsg: "empty input: expected a JSON value",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, id, err := Decode([]byte(tt.in))
			if id != tt.id {
				t.Errorf("id = %q, want %q", id, tt.id)
			}
			if tt.err != nil {
				if v != nil {
					t.Errorf("value = %v, want nil with an error", v)
				}
				var e *question.Error
				if !errors.As(err, &e) {
					t.Fatalf("error = %#v, want *question.Error", err)
				}
				if *e != *tt.err {
					t.Errorf("error = %#v\nwant    %#v", *e, *tt.err)
				}
				if err.Error() != tt.errMsg {
					t.Errorf("message = %q\nwant      %q", err.Error(), tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if _, ok := v.(ast.Object); !ok {
				t.Fatalf("value is %T, not an ast.Object", v)
			}
			want := ast.MustParseTerm(tt.want).Value
			if v.Compare(want) != 0 {
				t.Errorf("value = %v\nwant    %v", v, want)
			}
		})
	}
}
