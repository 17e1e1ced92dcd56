package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestParseContext(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		file  map[string]any
		want  map[string]any
		err   string
	}{
		{name: "none", want: map[string]any{}},
		{name: "string", flags: []string{"kms:EncryptionContext:app=billing"},
			want: map[string]any{"kms:EncryptionContext:app": "billing"}},
		{name: "value with =", flags: []string{"kms:EncryptionContext:q=a=b"},
			want: map[string]any{"kms:EncryptionContext:q": "a=b"}},
		{name: "empty value", flags: []string{"kms:EncryptionContext:app="},
			want: map[string]any{"kms:EncryptionContext:app": ""}},
		{name: "booleans", flags: []string{"aws:SecureTransport=true", "kms:GrantIsForAWSResource=false"},
			want: map[string]any{"aws:SecureTransport": true, "kms:GrantIsForAWSResource": false}},
		{name: "only lower-case true is a boolean", flags: []string{"aws:SecureTransport=True"},
			want: map[string]any{"aws:SecureTransport": "True"}},
		{name: "number stays a string", flags: []string{"kms:ScheduleKeyDeletionPendingWindowInDays=7"},
			want: map[string]any{"kms:ScheduleKeyDeletionPendingWindowInDays": "7"}},
		{name: "JSON list", flags: []string{`aws:SourceVpce=["vpce-1","vpce-2"]`},
			want: map[string]any{"aws:SourceVpce": []any{"vpce-1", "vpce-2"}}},
		{name: "empty JSON list", flags: []string{`kms:EncryptionContextKeys=[]`},
			want: map[string]any{"kms:EncryptionContextKeys": []any{}}},
		{name: "multivalued key accumulates", flags: []string{"aws:CalledVia=athena.amazonaws.com", "aws:calledvia=glue.amazonaws.com"},
			want: map[string]any{"aws:CalledVia": []any{"athena.amazonaws.com", "glue.amazonaws.com"}}},
		{name: "multivalued key once is a list", flags: []string{"kms:GrantOperations=Decrypt"},
			want: map[string]any{"kms:GrantOperations": []any{"Decrypt"}}},
		{name: "multivalued key with lists and values", flags: []string{`aws:TagKeys=["a","b"]`, "aws:TagKeys=c", "aws:TagKeys=true"},
			want: map[string]any{"aws:TagKeys": []any{"a", "b", "c", "true"}}},
		{name: "every documented multivalued key", flags: []string{
			"kms:EncryptionContextKeys=a", "kms:EncryptionContextKeys=b",
			"aws:PrincipalOrgPaths=o-1/r-1/", "aws:PrincipalOrgPaths=o-1/r-2/",
			"kms:ResourceAliases=alias/a", "kms:ResourceAliases=alias/b"},
			want: map[string]any{
				"kms:EncryptionContextKeys": []any{"a", "b"},
				"aws:PrincipalOrgPaths":     []any{"o-1/r-1/", "o-1/r-2/"},
				"kms:ResourceAliases":       []any{"alias/a", "alias/b"},
			}},
		{name: "file merged", file: map[string]any{"aws:SourceIp": "10.0.0.1", "aws:SecureTransport": true},
			flags: []string{"kms:ViaService=s3.us-east-1.amazonaws.com"},
			want:  map[string]any{"aws:SourceIp": "10.0.0.1", "aws:SecureTransport": true, "kms:ViaService": "s3.us-east-1.amazonaws.com"}},
		{name: "flags win over the file, case-insensitively", file: map[string]any{"AWS:SecureTransport": true, "aws:calledvia": []any{"x"}},
			flags: []string{"aws:SecureTransport=false", "aws:CalledVia=y"},
			want:  map[string]any{"aws:SecureTransport": false, "aws:CalledVia": []any{"y"}}},
		{name: "no =", flags: []string{"aws:SecureTransport"}, err: `--context "aws:SecureTransport": expected key=value`},
		{name: "empty key", flags: []string{"=x"}, err: `--context "=x": expected key=value`},
		{name: "single-valued key twice", flags: []string{"kms:ViaService=a", "KMS:ViaService=b"},
			err: "--context KMS:ViaService given twice; only multivalued keys take several values"},
		{name: "bad JSON list", flags: []string{"aws:TagKeys=[a]"},
			err: "--context aws:TagKeys: value [a] is not a JSON list: invalid character 'a' looking for beginning of value"},
		{name: "list of numbers", flags: []string{"aws:TagKeys=[1]"},
			err: "--context aws:TagKeys: element 0 of [1] is not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fileCopy map[string]any
			if tt.file != nil {
				fileCopy = make(map[string]any)
				for k, v := range tt.file {
					fileCopy[k] = v
				}
			}
			got, err := parseContext(tt.flags, tt.file)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("parseContext error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseContext = %#v\nwant %#v", got, tt.want)
			}
			if tt.file != nil && !reflect.DeepEqual(tt.file, fileCopy) {
				t.Errorf("parseContext modified the file's object")
			}
		})
	}
}

func TestDefaultResource(t *testing.T) {
	tests := []struct{ principal, want, err string }{
		{"arn:aws:iam::111122223333:user/alice", "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"arn:aws:iam::111122223333:role/path/Admin", "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"arn:aws:sts::444455556666:assumed-role/Admin/s1", "arn:aws:kms:us-east-1:444455556666:key/00000000-0000-0000-0000-000000000000", ""},
		{"arn:aws:iam::111122223333:root", "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"111122223333", "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"arn:aws-cn:iam::111122223333:user/bob", "arn:aws-cn:kms:cn-north-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"arn:aws-us-gov:iam::111122223333:user/bob", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/00000000-0000-0000-0000-000000000000", ""},
		{"logs.us-east-1.amazonaws.com", "", "--resource is required for a service principal (logs.us-east-1.amazonaws.com)"},
		{"arn:aws:s3:::bucket", "", `--resource is required: cannot tell the account of principal "arn:aws:s3:::bucket"`},
		{"arn:aws:iam::12345:user/x", "", `--resource is required: cannot tell the account of principal "arn:aws:iam::12345:user/x"`},
		{"alice", "", `--resource is required: cannot tell the account of principal "alice"`},
	}
	for _, tt := range tests {
		got, err := defaultResource(tt.principal)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("defaultResource(%q) error = %v, want %q", tt.principal, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("defaultResource(%q) = %q, %v; want %q", tt.principal, got, err, tt.want)
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuildQuestion(t *testing.T) {
	dir := t.TempDir()
	key := writeFile(t, dir, "key.json", `{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "PolicyName": "default"}`)
	id1 := writeFile(t, dir, "id1.yaml", "Version: '2012-10-17'\nStatement: []\n")
	scpRoot := writeFile(t, dir, "root.json", `[{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, {"Statement": []}]`)
	scpOU := writeFile(t, dir, "ou.json", `{"Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}`)
	rcp := writeFile(t, dir, "rcp.json", `{"Statement": []}`)
	grants := writeFile(t, dir, "grants.json", `{"Grants": [{"GranteePrincipal": "111122223333", "Operations": ["Decrypt"], "GrantId": "g"}]}`)
	ctxFile := writeFile(t, dir, "ctx.json", `{"aws:SourceVpc": "vpc-1", "kms:ViaService": "ec2.us-east-1.amazonaws.com"}`)
	boundary := writeFile(t, dir, "b.json", `{"Statement": [1]}`)

	p := QuestionFlags{
		KeyPolicy:         key,
		Principal:         "arn:aws:sts::111122223333:assumed-role/Admin/s1",
		Action:            "kms:Decrypt",
		Resource:          "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		Context:           []string{"kms:ViaService=s3.us-west-2.amazonaws.com", "kms:EncryptionContextKeys=a"},
		ContextFile:       ctxFile,
		IdentityPolicies:  []string{id1, "-"},
		Grants:            grants,
		SCPs:              []string{scpRoot, scpOU},
		RCPs:              []string{rcp},
		Boundary:          boundary,
		SessionPolicy:     rcp,
		VPCEndpointPolicy: rcp,
		RoleARN:           "arn:aws:iam::111122223333:role/path/Admin",
	}
	q, defaulted, _, err := buildQuestion(p, strings.NewReader(`{"Statement": "stdin"}`))
	if err != nil {
		t.Fatal(err)
	}
	if defaulted {
		t.Error("defaulted with --resource given")
	}
	empty := map[string]any{"Statement": []any{}}
	want := map[string]any{
		"principal": p.Principal,
		"action":    "kms:Decrypt",
		"resource":  p.Resource,
		"role_arn":  p.RoleARN,
		"context": map[string]any{
			"aws:SourceVpc":             "vpc-1",
			"kms:ViaService":            "s3.us-west-2.amazonaws.com",
			"kms:EncryptionContextKeys": []any{"a"},
		},
		"key_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{}},
		"identity_policies": []any{
			map[string]any{"Version": "2012-10-17", "Statement": []any{}},
			map[string]any{"Statement": "stdin"},
		},
		"grants": []any{map[string]any{"grantee_principal": "111122223333", "operations": []any{"Decrypt"}, "grant_id": "g"}},
		"scps": []any{
			[]any{map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}, empty},
			[]any{map[string]any{"Statement": []any{map[string]any{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}}}},
		},
		"rcps":                 []any{[]any{empty}},
		"permissions_boundary": map[string]any{"Statement": []any{json.Number("1")}},
		"session_policy":       empty,
		"vpc_endpoint_policy":  empty,
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("buildQuestion =\n%#v\nwant\n%#v", q, want)
	}
	if _, err := ast.InterfaceToValue(q); err != nil {
		t.Errorf("InterfaceToValue: %v", err)
	}

	// Minimal question: no optional fields at all, resource defaulted.
	q, defaulted, _, err = buildQuestion(QuestionFlags{KeyPolicy: "-", Principal: "111122223333", Action: "kms:Encrypt"}, strings.NewReader(`{"Statement": []}`))
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]any{
		"principal":  "111122223333",
		"action":     "kms:Encrypt",
		"resource":   "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000",
		"key_policy": empty,
	}
	if !defaulted || !reflect.DeepEqual(q, want) {
		t.Errorf("buildQuestion = %#v, defaulted %v\nwant %#v", q, defaulted, want)
	}
}

func TestBuildQuestionErrors(t *testing.T) {
	dir := t.TempDir()
	key := writeFile(t, dir, "key.json", `{"Statement": []}`)
	bad := writeFile(t, dir, "bad.json", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": \"kms:*\"}\n  ]\n}\n")
	base := QuestionFlags{KeyPolicy: key, Principal: "arn:aws:iam::111122223333:user/alice", Action: "kms:Decrypt"}
	tests := []struct {
		name string
		edit func(*QuestionFlags)
		want string
	}{
		{"bad key policy", func(p *QuestionFlags) { p.KeyPolicy = bad },
			bad + ":3:24: invalid character '\"' after object key:value pair"},
		{"bad identity policy", func(p *QuestionFlags) { p.IdentityPolicies = []string{key, bad} },
			bad + ":3:24: invalid character '\"' after object key:value pair"},
		{"missing file", func(p *QuestionFlags) { p.Grants = filepath.Join(dir, "none.json") },
			filepath.Join(dir, "none.json") + ": no such file or directory"},
		{"two stdin flags", func(p *QuestionFlags) { p.KeyPolicy = "-"; p.SCPs = []string{key, "-"} },
			"only one file can be read from standard input (-), not --key-policy and --scp"},
		{"service principal without resource", func(p *QuestionFlags) { p.Principal = "logs.us-east-1.amazonaws.com" },
			"--resource is required for a service principal (logs.us-east-1.amazonaws.com)"},
		{"no action", func(p *QuestionFlags) { p.Action = "" }, "--action is required"},
		{"bad context", func(p *QuestionFlags) { p.Context = []string{"x"} }, `--context "x": expected key=value`},
		{"context file not an object", func(p *QuestionFlags) { p.ContextFile = bad },
			bad + ":3:24: invalid character '\"' after object key:value pair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			tt.edit(&p)
			_, err := BuildQuestion(p, strings.NewReader(""))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
}
