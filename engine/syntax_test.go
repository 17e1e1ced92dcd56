package engine

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions of the Rego (principal.rego, policy.rego,
// authz.rego) that syntax.go writes out: each check must agree with its
// expression on every input.
var syntaxChecks = []struct {
	re    *regexp.Regexp
	check func(string) bool
}{
	{regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`), isServicePrincipal},
	{regexp.MustCompile(`^[\w+=,.@-]{1,64}$`), func(s string) bool { return isIAMName(s, 1, 64) }},
	{regexp.MustCompile(`^[\w+=,.@-]{2,64}$`), func(s string) bool { return isIAMName(s, 2, 64) }},
	{regexp.MustCompile(`^[\w+=,.@-]{2,32}$`), func(s string) bool { return isIAMName(s, 2, 32) }},
	{regexp.MustCompile(`^(user|role)/([!-.0-~]+/)*[\w+=,.@-]{1,64}$`), isPathName},
	{regexp.MustCompile(`^(?i)kms:[a-z]+$`), isActionSyntax},
	{regexp.MustCompile(`^key/[A-Za-z0-9-]+$`), isKeyResource},
	{regexp.MustCompile(`^A[A-Z0-9]{15,127}$`), isUniqueID},
	{regexp.MustCompile(`^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s]+$`), isARNValue},
}

var syntaxCases = []string{
	"", "a", "s3.amazonaws.com", "logs.us-east-1.amazonaws.com", "x.amazonaws.com.cn", ".amazonaws.com", "-x.amazonaws.com", "a..b.amazonaws.com",
	"S3.amazonaws.com", "s3.amazonaws.co", "s3_x.amazonaws.com", "amazonaws.com", "a.amazonaws.com.cn.amazonaws.com",
	"Alice", "a", "ab", "a b", "a_b+=,.@-9", strings.Repeat("n", 32), strings.Repeat("n", 33), strings.Repeat("n", 64), strings.Repeat("n", 65), "é",
	"user/a", "role/a", "role/path/a", "role/path//a", "role//a", "role/a/", "role/aws-service-role/x.amazonaws.com/AWSServiceRole", "role/p~!/a", "role/p q/a",
	"user/", "users/a", "role/" + strings.Repeat("n", 65), "role/p\x7f/a",
	"kms:Decrypt", "KMS:decrypt", "kms:", "kms:Decrypt2", "kms:De*", "\u212ams:Decrypt", "kms:Decrypt\u212a", "km:Decrypt", "kms:[", "kms:@", "kms:`", "kms:{",
	"key/1234abcd-12ab", "key/", "key/a_b", "alias/x", "key/é",
	"AROAEXAMPLEEXAMPLEEX", "AROA", "aROAEXAMPLEEXAMPLEEX", "A" + strings.Repeat("B", 127), "A" + strings.Repeat("B", 128), "AROAEXAMPLE_EXAMPLE",
	"arn:aws:iam::111122223333:role/x", "arn:aws:s3:::bucket/*", "arn::s3:::b", "arn:aws::::b", "arn:aws:s3:::", "arn:aws:s3:::a b", "arn:aws:s3:us-east-1:12a:x",
	"arn:aws:s3:US:1:x", "arn:aws:s3:::b:c:d", "arn:aws:s3:::é", "arn:aws:s3:::\u00a0", "arn:aws:s3:::a\u2028", "arn:aws:s3:::a\tb", "arn:aws:s3:::a\vb", "arn:aws:s3::",
}

func checkSyntax(t *testing.T, s string) {
	for i, c := range syntaxChecks {
		if got, want := c.check(s), c.re.MatchString(s); got != want {
			t.Errorf("check %d (%s) of %q = %v, the expression says %v", i, c.re, s, got, want)
		}
	}
}

func TestSyntaxChecks(t *testing.T) {
	for _, s := range syntaxCases {
		checkSyntax(t, s)
	}
}

func FuzzSyntaxChecks(f *testing.F) {
	for _, s := range syntaxCases {
		f.Add(s)
	}
	f.Fuzz(checkSyntax)
}

// TestLower: lower is strings.ToLower, whether or not it keeps the form
// or finds it among the catalog's names.
func TestLower(t *testing.T) {
	if _, err := embeddedCatalog(); err != nil || interned.Load() == nil {
		t.Fatalf("the catalog's names are not interned (%v)", err)
	}
	for _, l := range []string{"decrypt", "kms:decrypt", "kms:generatedatakey", "aws:sourceip", "forallvalues:stringequalsifexists"} {
		if _, ok := (*interned.Load())[l]; !ok {
			t.Errorf("%q is not interned", l)
		}
	}
	for _, s := range append(syntaxCases, "kms:GenerateDataKey*", "StringEquals", "ÉTÉ", "aÉ", "Aé", "İ", "K", strings.Repeat("AB", 40),
		"kms:Decrypt", "KMS:DECRYPT", "ForAnyValue:StringLikeIfExists", "aws:SourceIp", "kms:EncryptionContext:Tenant") {
		for range 2 {
			if got, want := lower(s), strings.ToLower(s); got != want {
				t.Errorf("lower(%q) = %q, want %q", s, got, want)
			}
		}
	}
}
