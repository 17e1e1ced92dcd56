package runner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	kmsrego "github.com/kmsguard/kmsguard/rego"
	"github.com/kmsguard/kmsguard/runner"
)

// catalogKeyTypes reads the condition-key types of the catalogue.
func catalogKeyTypes(t *testing.T) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(kmsrego.FS, "kmsguard/catalog/data.json")
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		ConditionKeys struct {
			Types map[string]string `json:"types"`
		} `json:"condition_keys"`
	}
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	return cat.ConditionKeys.Types
}

// exactQuestion builds a question whose key policy allows alice every KMS
// action and denies it when any of the given context keys matches with a
// negated operator (a malformed value used to make the negation true).
func exactQuestion(t *testing.T, action string, ctx map[string]any) ast.Value {
	t.Helper()
	q := map[string]any{
		"principal": "arn:aws:iam::111122223333:user/alice",
		"action":    action,
		"resource":  "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"key_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "kms:*", "Resource": "*"},
		}},
		"context": ctx,
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.ValueFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// malformed returns a value that is not of type typ.
func malformed(r *rand.Rand, typ string) any {
	junk := []string{"", " ", "x", "true ", "1e3", "0x10", "--1", "1.5.2", "\u200b1", "1\x00", "NaN", "∞", "10.0.0.1/8", "2026-13-45", "arn", "arn:aws"}
	switch typ {
	case "Bool":
		return []any{"yes", "1", 1, "tru", junk[r.IntN(len(junk))]}[r.IntN(5)]
	case "Numeric":
		return []any{-1 - r.IntN(100), 1.5, "1.5", "7 days", true, junk[r.IntN(len(junk))]}[r.IntN(6)]
	case "Date":
		return []any{"yesterday", "2026-02-30T00:00:00Z", "12/01/2026", true, junk[r.IntN(len(junk))]}[r.IntN(5)]
	case "IP":
		return []any{"203.0.113.7 ", "203.0.113.0/24", "256.1.1.1", "::g", 7, junk[r.IntN(len(junk))]}[r.IntN(6)]
	case "ARN":
		return []any{"bucket", "arn:aws:s3", "arn::s3:::b", true, junk[r.IntN(len(junk))]}[r.IntN(5)]
	}
	return nil
}

// TestContextTypeProperty: for every typed global condition key of the
// catalogue, any value that does not fit its documented type gets an error
// answer naming the key (IAM, "AWS global condition context keys":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
func TestContextTypeProperty(t *testing.T) {
	r, err := runner.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	types := catalogKeyTypes(t)
	var keys []string
	for k, typ := range types {
		if strings.HasPrefix(k, "aws:") && malformed(rand.New(rand.NewPCG(1, 1)), typ) != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) < 10 {
		t.Fatalf("only %d typed keys in the catalogue", len(keys))
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 120; i++ {
		k := keys[rng.IntN(len(keys))]
		v := malformed(rng, types[k])
		a := r.Decide(context.Background(), exactQuestion(t, "kms:Decrypt", map[string]any{k: v}))
		if a.Error == "" || a.IsAllowed() {
			t.Fatalf("%s = %#v (%s): want an error, got %+v", k, v, types[k], a)
		}
		if want := fmt.Sprintf("context[%q]", k); !strings.Contains(a.Error, want) {
			t.Fatalf("%s = %#v: error %q does not name %s", k, v, a.Error, want)
		}
	}
}

// TestPrincipalNameProperty: a character IAM does not allow in a name
// (control, whitespace, zero-width or other non-ASCII), inserted anywhere in
// the user, role, session or federated-user name of a valid caller, makes the
// question an error on the principal field (IAM and STS name rules:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
func TestPrincipalNameProperty(t *testing.T) {
	r, err := runner.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	callers := []struct{ prefix, name string }{
		{"arn:aws:iam::111122223333:user/", "alice"},
		{"arn:aws:iam::111122223333:role/", "Admin"},
		{"arn:aws:sts::111122223333:assumed-role/Admin/", "session-1"},
		{"arn:aws:sts::111122223333:federated-user/", "bob"},
	}
	bad := []rune{0, '\t', '\n', '\r', ' ', 0x7f, 0x85, 0xa0, 0x200b, 0x200d, 0xfeff, 'é', 'ß', 0x4e2d, 0x1f600, '*', '?', ':', '"'}
	if a := r.Decide(context.Background(), exactQuestion(t, "kms:Decrypt", map[string]any{})); a.Error != "" {
		t.Fatalf("the valid question is an error: %+v", a)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for i := 0; i < 100; i++ {
		c := callers[rng.IntN(len(callers))]
		name := []rune(c.name)
		at := rng.IntN(len(name) + 1)
		name = append(name[:at], append([]rune{bad[rng.IntN(len(bad))]}, name[at:]...)...)
		p := c.prefix + string(name)
		q := exactQuestion(t, "kms:Decrypt", map[string]any{})
		q.(ast.Object).Insert(ast.StringTerm("principal"), ast.StringTerm(p))
		if a := r.Decide(context.Background(), q); !strings.HasPrefix(a.Error, "principal: ") {
			t.Fatalf("principal %q: want an error on principal, got %+v", p, a)
		}
	}
}
