package policyfile

import (
	"strings"
	"testing"
)

func TestSplitPath(t *testing.T) {
	for _, p := range []string{"key_policy", "Statement[0].Principal.AWS", `Condition.StringEquals["kms:Via Service"]`, "scps[1][2].Statement", `a["x.y"][3]`} {
		segs, ok := SplitPath(p)
		if !ok {
			t.Errorf("SplitPath(%q) failed", p)
			continue
		}
		if got := JoinPath(segs); got != p {
			t.Errorf("JoinPath(SplitPath(%q)) = %q", p, got)
		}
	}
	for _, p := range []string{"a[", "a[x]", "a..b", `a["x]`} {
		if _, ok := SplitPath(p); ok {
			t.Errorf("SplitPath(%q) accepted", p)
		}
	}
}

// Errors about a policy name the place in its file, as check does:
// FILE:LINE:COLUMN: PATH: message.
func TestPlaceAll(t *testing.T) {
	json := "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"alice\"}}\n  ]\n}"
	yaml := "Statement:\n  - Effect: Allow\n    Foo: 1\n"
	getKeyPolicy := `{"Policy": "{\"Statement\": [{\"Foo\": 1}]}"}`
	origins := map[string]Origin{
		"key_policy":           {File: "k.json", Data: []byte(json)},
		"identity_policies[0]": {File: "i.yaml", Data: []byte(yaml)},
		"scps[0][1]":           {File: "scps.json", Data: []byte(`[{}, {"Statement": []}]`), Where: []Segment{{Index: 1, IsIndex: true}}},
		"session_policy":       {File: "g.json", Data: []byte(getKeyPolicy), Where: []Segment{{Key: "Policy"}}},
	}
	got := PlaceAll(`action: "x" is not a KMS action; identity_policies[0].Statement[0]: unknown statement element "Foo"; `+
		`key_policy.Statement[1].Principal.AWS: "alice" is not a valid AWS principal; key_policy.Statement[7]: gone; `+
		`scps[0][1].Statement: empty; session_policy.Statement[0]: unknown statement element "Foo"`, origins)
	want := []string{
		`action: "x" is not a KMS action`,
		`i.yaml:2:5: Statement[0]: unknown statement element "Foo"`,
		`k.json:4:46: Statement[1].Principal.AWS: "alice" is not a valid AWS principal`,
		`k.json:2:16: Statement[7]: gone`,
		`scps.json:1:20: [1].Statement: empty`,
		`g.json:1:12: Policy.Statement[0]: unknown statement element "Foo"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("PlaceAll =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
