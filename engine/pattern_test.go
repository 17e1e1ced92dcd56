package engine

import "testing"

// TestPatternMatch: IAM wildcards (`*` any run of characters, `?` one
// character, multi-byte characters whole) and, in a pattern made by
// expanding policy variables, `*` and `?` from a variable's value literal
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html,
// docs/aws-rules.md#i-var).
func TestPatternMatch(t *testing.T) {
	ctx := ctxMap{"aws:username": {"a*b?"}}
	for _, c := range []struct {
		pattern string
		vars    bool
		v       string
		want    bool
	}{
		{"kms:*", false, "kms:decrypt", true},
		{"kms:generatedatakey*", false, "kms:generatedatakeypair", true},
		{"kms:?ncrypt", false, "kms:encrypt", true},
		{"kms:?ncrypt", false, "kms:ncrypt", false},
		{"a*b*c", false, "aXbYbZc", true},
		{"a*b*c", false, "aXbYbZ", false},
		{"é?", false, "éü", true},
		{"?", false, "ü", true},
		{"??", false, "ü", false},
		{"*ü", false, "xüü", true},
		{"", false, "", true},
		{"*", false, "", true},
		{"x${aws:username}", true, "xa*b?", true},
		{"x${aws:username}", true, "xaZZbQ", false},
		{"x${aws:username}*", true, "xa*b?tail", true},
		{"${*}${?}", true, "*?", true},
		{"${*}${?}", true, "ab", false},
	} {
		p := likePattern(c.pattern)
		if c.vars {
			s, ok := expandLike("", varParts(c.pattern), ctx)
			if !ok {
				t.Fatalf("%q: not expanded", c.pattern)
			}
			p = escapedPattern(s)
		}
		if got := p.match(c.v); got != c.want {
			t.Errorf("%q matching %q = %v, want %v", c.pattern, c.v, got, c.want)
		}
	}
}

// TestPatternPrefix: a pattern whose only wildcard is a star at its end
// (kms:*, kms:Get*) is matched as a prefix, with the same answers as the
// wildcard match; any other pattern is not.
func TestPatternPrefix(t *testing.T) {
	values := []string{"", "k", "kms:", "kms:get", "kms:getkeypolicy", "kms:re", "kms:reencryptfrom", "arn:aws:kms:us-east-1:111122223333:key/x", "kmS:get", "ü", "a*b"}
	for _, c := range []struct {
		pattern string
		prefix  bool
	}{
		{"*", true}, {"kms:*", true}, {"kms:get*", true}, {"kms:re*", true}, {"arn:aws:kms:*", true}, {"a*b*", false},
		{"kms:?et*", false}, {"kms:get", false}, {"*kms", false}, {"kms:**", false}, {"", false},
	} {
		p := likePattern(c.pattern)
		if p.prefix != c.prefix {
			t.Errorf("%q: prefix %v, want %v", c.pattern, p.prefix, c.prefix)
		}
		for _, v := range values {
			if got, want := p.match(v), wildMatch(p.text, v, '*', '?'); got != want {
				t.Errorf("%q matching %q = %v, the wildcard match %v", c.pattern, v, got, want)
			}
		}
	}
	// Escaped: a star from a variable's value is literal, the last one
	// (written in the policy) a wildcard.
	e := escapedPattern("x*" + string(rune(0)) + "\xff")
	if !e.prefix || !e.match("x*\x00tail") || e.match("xy\x00") {
		t.Errorf("escaped prefix pattern: prefix %v", e.prefix)
	}
}
