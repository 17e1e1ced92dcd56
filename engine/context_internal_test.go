package engine

import (
	"regexp"
	"slices"
	"testing"
)

// TestDecisionContext: a decision's context is read as the Rego builds
// authz._context: a key set again holds the values set last (the keys a
// question gives override those kmsguard derives), and the key policy's
// view (authz._key_policy_context) hides the keys KMS supports only in IAM
// policies, aws:ResourceTag/* and kms:ResourceAliases
// (https://docs.aws.amazon.com/kms/latest/developerguide/abac.html,
// docs/aws-rules.md#k-abac), whatever their values.
func TestDecisionContext(t *testing.T) {
	cat, err := embeddedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	full := decisionCtx{pairs: []ctxPair{
		{"aws:principalaccount", []string{"111122223333"}, true},
		{"aws:resourcetag/team", []string{"a"}, true},
		{"kms:resourcealiases", []string{"alias/x"}, true},
		{"aws:sourceip", []string{"192.0.2.1"}, false},
		{"aws:principalaccount", []string{"444455556666"}, false},
		{"aws:resourcetag/team", nil, false},
	}}
	keyPolicy := decisionCtx{pairs: full.pairs, hide: cat}
	for _, c := range []struct {
		ctx         *decisionCtx
		key         string
		want        []string
		wantPresent bool
	}{
		{&full, "aws:principalaccount", []string{"444455556666"}, true},
		{&full, "aws:sourceip", []string{"192.0.2.1"}, true},
		{&full, "aws:resourcetag/team", nil, true},
		{&full, "kms:resourcealiases", []string{"alias/x"}, true},
		{&full, "aws:username", nil, false},
		{&keyPolicy, "aws:principalaccount", []string{"444455556666"}, true},
		{&keyPolicy, "aws:resourcetag/team", nil, false},
		{&keyPolicy, "kms:resourcealiases", nil, false},
		{&keyPolicy, "aws:username", nil, false},
	} {
		got, present := c.ctx.values(c.key)
		if present != c.wantPresent || !slices.Equal(got, c.want) {
			t.Errorf("%s (hiding: %v): got %q, %v; want %q, %v", c.key, c.ctx.hide != nil, got, present, c.want, c.wantPresent)
		}
	}
}

// TestIsEpoch: isEpoch is the pattern condition.date_ns reads a date in
// seconds since the epoch with (`^-?[0-9]+(\.[0-9]+)?$`; the Date
// condition operators take such dates too,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date),
// on every string of up to five characters over the characters that
// matter.
func TestIsEpoch(t *testing.T) {
	pattern := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	const alphabet = "-.09a+\n"
	var walk func(s string)
	walk = func(s string) {
		if got, want := isEpoch(s), pattern.MatchString(s); got != want {
			t.Errorf("isEpoch(%q) = %v, the pattern says %v", s, got, want)
		}
		if len(s) == 5 {
			return
		}
		for i := range len(alphabet) {
			walk(s + alphabet[i:i+1])
		}
	}
	walk("")
	for _, s := range []string{"1768033800", "-1768033800", "1768033800.5", "2026-01-10T08:30:00Z", "12345678901234567890"} {
		if got, want := isEpoch(s), pattern.MatchString(s); got != want {
			t.Errorf("isEpoch(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
