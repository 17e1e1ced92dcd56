package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

func TestDecisionText(t *testing.T) {
	q := map[string]any{
		"principal": "arn:aws:iam::111122223333:user/alice",
		"action":    "kms:Decrypt",
		"resource":  "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000",
	}
	stmt := 0
	explain := map[string]any{
		"statements": []any{
			map[string]any{"policy": "key_policy", "statement": float64(0), "effect": "Allow", "applies": false,
				"action": true, "principal": false, "resource": true},
		},
		"grants": []any{},
		"extra":  []any{"x"},
	}
	tests := []struct {
		name string
		a    *result.Answer
		opt  DecisionOptions
		want string
	}{
		{"allowed", &result.Answer{Decision: "Allowed", Reasons: []result.Reason{{Policy: "key_policy", Statement: &stmt, Sid: "S", Effect: "Allow"}}},
			DecisionOptions{},
			`Allowed: arn:aws:iam::111122223333:user/alice may call kms:Decrypt on arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000
  because:
    key policy Statement[0] "S" (Allow)
`},
		{"implicit, defaulted, wrapped, explained", &result.Answer{Decision: "ImplicitlyDenied"},
			DecisionOptions{Defaulted: true, Width: 80, Explain: explain},
			`Resource:
    arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000
    (no --resource: a key in the principal's account)
Implicitly denied: arn:aws:iam::111122223333:user/alice may not call kms:Decrypt
    on
    arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000
  no statement or grant allows it

Statements:
  STATEMENT                SID  EFFECT  APPLIES  NOT MATCHED
  key policy Statement[0]  -    Allow   no       principal, conditions?

extra: ["x"]
`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := DecisionText(&b, q, tt.a, tt.opt); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, b.String(), tt.want)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if tt.opt.Width > 0 && len(line) > tt.opt.Width {
				t.Errorf("%s: %q is wider than %d", tt.name, line, tt.opt.Width)
			}
		}
	}
}
