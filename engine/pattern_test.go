package engine

import "testing"

// TestPatternMatch: IAM wildcards (`*` any run of characters, `?` one
// character, multi-byte characters whole) and, in a pattern made by
// expanding policy variables, `*` and `?` from a variable's value literal
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html,
// docs/aws-rules.md#i-var).
func TestPatternMatch(t *testing.T) {
	ctx := context{"aws:username": {"a*b?"}}
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
