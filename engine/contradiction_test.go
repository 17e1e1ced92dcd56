package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/gen"
	"github.com/kmsguard/kmsguard/question/opainput"
)

// TestContradictingContextIsAnError is a property test of the
// fail-closed rule for context that contradicts the principal, the key or
// every KMS request (docs/decision-format.md): for any generated question,
// replacing a derived key's value by one that contradicts it gives an
// error answer (naming both values) from the Rego, and the engine never
// answers it with a decision.
func TestContradictingContextIsAnError(t *testing.T) {
	d := newDiffer(t)
	ctx := context.Background()
	contradictions := []struct {
		key, value string
		iamOnly    bool // only callers that are not service principals have it
	}{
		{"aws:PrincipalAccount", "999999999999", true},
		{"kms:CallerAccount", "999999999999", true},
		{"aws:PrincipalArn", "arn:aws:iam::999999999999:user/mallory", true},
		{"aws:PrincipalType", "FederatedUser", true},
		{"aws:ResourceAccount", "999999999999", false},
		{"aws:RequestedRegion", "ap-south-2", false},
		{"aws:SecureTransport", "false", false},
	}
	qs := gen.Generate(100, 11)
	checked := 0
	for _, q := range qs {
		p, _ := q["principal"].(string)
		service := strings.HasSuffix(p, ".amazonaws.com")
		p0 := strings.Split(p, ":")
		federated := len(p0) == 6 && strings.HasPrefix(p0[5], "federated-user/")
		for _, c := range contradictions {
			if c.iamOnly && service || c.key == "aws:PrincipalType" && federated {
				continue
			}
			cq := map[string]any{}
			for k, v := range q {
				cq[k] = v
			}
			cctx := map[string]any{}
			if old, ok := q["context"].(map[string]any); ok {
				for k, v := range old {
					if !strings.EqualFold(k, c.key) {
						cctx[k] = v
					}
				}
			}
			cctx[c.key] = c.value
			cq["context"] = cctx
			data, err := json.Marshal(cq)
			if err != nil {
				t.Fatal(err)
			}
			if ans, ok := d.e.Decide(data); ok && ans.Error == "" {
				t.Errorf("%s with %s=%s: the engine answered %s", q["id"], c.key, c.value, ans.Decision)
			}
			input, _, err := opainput.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			want, err := d.r.RegoDecision(ctx, input)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := want["error"].(string)
			if !strings.Contains(msg, `context["`+c.key+`"]: "`+c.value+`" contradicts`) {
				t.Errorf("%s with %s=%s: got %v, want an error naming both values", q["id"], c.key, c.value, want)
			}
			checked++
		}
	}
	if checked < 500 {
		t.Errorf("only %d contradicting questions checked", checked)
	}
	t.Logf("%d contradicting questions: every one an error", checked)
}
