package policyfile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// summary is what the tests compare of a document.
type summary struct {
	Where, Resource, Kind, KeyARN string
	Line                          int
	StatementLines                []int
	Policy                        string // compact JSON
}

func summarize(t *testing.T, docs []Document) []summary {
	t.Helper()
	out := make([]summary, len(docs))
	for i, d := range docs {
		b, err := json.Marshal(d.Policy)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = summary{Where: d.Where, Resource: d.Resource, Kind: d.Kind, KeyARN: d.KeyARN,
			Line: d.Line, StatementLines: d.StatementLines, Policy: string(b)}
	}
	return out
}

func TestBarePolicies(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []summary
	}{
		{name: "JSON statement lines", file: "p.json", data: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},

    {
      "Sid": "B", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"
    }
  ]
}`, want: []summary{{Line: 1, StatementLines: []int{4, 6},
			Policy: `{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"A"},{"Action":"kms:Decrypt","Effect":"Allow","Principal":"*","Resource":"*","Sid":"B"}],"Version":"2012-10-17"}`}}},
		{name: "single statement object", file: "p.json", data: "\n\n{\"Statement\":\n {\"Effect\": \"Deny\", \"Action\": \"kms:*\", \"Resource\": \"*\"}}",
			want: []summary{{Line: 3, StatementLines: []int{4},
				Policy: `{"Statement":{"Action":"kms:*","Effect":"Deny","Resource":"*"}}`}}},
		{name: "byte order mark, numbers kept", file: "p.json", data: "\xef\xbb\xbf{\"Statement\": [], \"N\": 1.50}",
			want: []summary{{Line: 1, StatementLines: []int{}, Policy: `{"N":1.50,"Statement":[]}`}}},
		{name: "YAML", file: "p.yaml", data: `Version: 2012-10-17
Statement:
  - Sid: A
    Effect: Allow
    Principal: {AWS: "111122223333"}
    Action: [kms:Encrypt]
    Resource: "*"
  - Sid: B
    Effect: Deny
    Principal: "*"
    Action: kms:*
    Resource: "*"
`, want: []summary{{Line: 1, StatementLines: []int{3, 8},
			Policy: `{"Statement":[{"Action":["kms:Encrypt"],"Effect":"Allow","Principal":{"AWS":"111122223333"},"Resource":"*","Sid":"A"},{"Action":"kms:*","Effect":"Deny","Principal":"*","Resource":"*","Sid":"B"}],"Version":"2012-10-17"}`}}},
		{name: "YAML anchors and merge keys", file: "p.yml", data: `base: &b {Effect: Allow, Resource: "*"}
Statement:
  - <<: *b
    Action: kms:Decrypt
  - *b
`, want: []summary{{Line: 1, StatementLines: []int{3, 1},
			Policy: `{"Statement":[{"Action":"kms:Decrypt","Effect":"Allow","Resource":"*"},{"Effect":"Allow","Resource":"*"}],"base":{"Effect":"Allow","Resource":"*"}}`}}},
		{name: "get-key-policy output", file: "out.json", data: `{
    "Policy": "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\"Effect\" : \"Allow\", \"Principal\" : {\"AWS\" : \"arn:aws:iam::111122223333:root\"}, \"Action\" : \"kms:*\", \"Resource\" : \"*\"} ]\n}",
    "PolicyName": "default"
}`, want: []summary{{Where: "Policy", Kind: KindKeyPolicy, Line: 2,
			Policy: `{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*"}],"Version":"2012-10-17"}`}}},
		{name: "get-key-policy with an object", file: "out.json", data: `{"Policy": {
  "Statement": [
    {"Effect": "Allow"}]}}`, want: []summary{{Where: "Policy", Kind: KindKeyPolicy, Line: 1, StatementLines: []int{3},
			Policy: `{"Statement":[{"Effect":"Allow"}]}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, docs, err := Documents(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := summarize(t, docs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		data string
		want Format
	}{
		{`{"Statement": []}`, FormatPolicy},
		{`{"Policy": "{}", "PolicyName": "default"}`, FormatGetKeyPolicy},
		{`{"AWSTemplateFormatVersion": "2010-09-09"}`, FormatCloudFormation},
		{`{"Resources": {"K": {"Type": "AWS::KMS::Key"}}}`, FormatCloudFormation},
		{`{"format_version": "1.2", "planned_values": {}}`, FormatTerraformPlan},
		{`{"resource_changes": []}`, FormatTerraformPlan},
		{`{"name": "package", "version": "1.0.0"}`, FormatUnknown},
		{`[{"Statement": []}]`, FormatUnknown},
		{`"text"`, FormatUnknown},
	}
	for _, tt := range tests {
		f, docs, err := Documents("x.json", []byte(tt.data))
		if err != nil {
			t.Errorf("%s: %v", tt.data, err)
			continue
		}
		if f != tt.want {
			t.Errorf("%s: format %q, want %q", tt.data, f, tt.want)
		}
		if f == FormatUnknown && len(docs) != 0 {
			t.Errorf("%s: documents from an unknown format", tt.data)
		}
	}
}

// bomb is a "billion laughs" CloudFormation template: 10^9 strings from
// aliases of aliases.
var bomb = func() string {
	var b strings.Builder
	b.WriteString("Resources:\n  a0: &a0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}()

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{"trailing comma", "bad.json", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}",
			"bad.json:3:24: invalid character '}' looking for beginning of object key string"},
		{"unterminated", "bad.json", `{"Statement": [`, "bad.json:1:16: unexpected end of JSON input"},
		{"trailing data", "bad.json", "{}\n{}", "bad.json:2:1: unexpected data after the JSON value"},
		{"YAML", "bad.yaml", "Statement:\n  - Effect: Allow\n Action: x\n", "bad.yaml:3: invalid YAML: did not find expected key"},
		{"unknown tag", "t.yaml", "Resources:\n  K:\n    Type: !Foo x\n", "t.yaml:3:11: invalid YAML: unknown tag !Foo"},
		{"bad policy string", "out.json", `{"Policy": "{\"Statement\": [}"}`,
			"out.json: Policy:1:16: policy string: invalid character '}' looking for beginning of value"},
		{"empty YAML", "e.yaml", "", "e.yaml: empty input: expected a document"},
		// docs/check.md, "Input limits".
		{"too large", "big.json", "{}" + strings.Repeat(" ", MaxFile-1), "big.json: larger than 64 MiB, the size limit of a file to check"},
		// IAM rejects a policy with a key twice (MalformedPolicyDocument;
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
		{"duplicate key", "dup.json", "{\"Statement\": [\n {\"Effect\": \"Deny\",\n  \"Effect\": \"Allow\"}]}",
			`dup.json:3:3: Statement[0].Effect: duplicate key "Effect" (first at line 2, column 3)`},
		{"duplicate key in YAML", "dup.yaml", "Statement:\n  - Effect: Deny\n    Effect: Allow\n",
			`dup.yaml:3:5: Statement[0].Effect: duplicate key "Effect" (first at line 2, column 5)`},
		{"duplicate key in a policy string", "out.json", `{"Policy": "{\"Statement\": {\"Sid\": \"a\", \"Sid\": \"b\"}}"}`,
			`out.json: Policy:1:28: policy string: Statement.Sid: duplicate key "Sid" (first at column 16)`},
		{"YAML alias bomb", "bomb.yaml", bomb, "bomb.yaml:8:17: invalid YAML: the document expands to more than 1000000 nodes (aliases expanded)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Documents(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
		})
	}
}
