package policyfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const defaultKeyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// want is the default key policy as Load returns it.
func defaultKeyPolicyDoc() map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "Enable IAM User Permissions",
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"},
			"Action":    "kms:*",
			"Resource":  "*",
		}},
	}
}

// write creates name in a fresh directory and returns its path.
func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	getKeyPolicy, _ := json.Marshal(map[string]string{"Policy": defaultKeyPolicy, "PolicyName": "default"})
	tests := []struct {
		name, file, content string
		want                any
	}{
		{"bare JSON", "key.json", defaultKeyPolicy, defaultKeyPolicyDoc()},
		{"JSON with BOM and blank lines", "key.json", "\ufeff\n\n  " + defaultKeyPolicy + "\n\n", defaultKeyPolicyDoc()},
		{"get-key-policy output", "key.json", string(getKeyPolicy), defaultKeyPolicyDoc()},
		{"get-key-policy output, policy as object", "key.json", `{"Policy":` + defaultKeyPolicy + `}`, defaultKeyPolicyDoc()},
		{"YAML by extension", "key.yaml", `
Version: 2012-10-17
Statement:
  - Sid: Enable IAM User Permissions
    Effect: Allow
    Principal:
      AWS: arn:aws:iam::111122223333:root
    Action: kms:*
    Resource: "*"
`, defaultKeyPolicyDoc()},
		{"YAML by content", "key-policy", "Version: '2012-10-17'\nStatement:\n- {Sid: Enable IAM User Permissions, Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'kms:*', Resource: '*'}\n", defaultKeyPolicyDoc()},
		{"JSON in a .yml file", "key.yml", defaultKeyPolicy, defaultKeyPolicyDoc()},
		{"YAML get-key-policy output", "key.yaml", "PolicyName: default\nPolicy: '" + defaultKeyPolicy + "'\n", defaultKeyPolicyDoc()},
		{"numbers stay exact", "p.json", `{"Statement":{"Condition":{"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":12345678901234567890}}}}`,
			map[string]any{"Statement": map[string]any{"Condition": map[string]any{"NumericLessThan": map[string]any{"kms:ScheduleKeyDeletionPendingWindowInDays": json.Number("12345678901234567890")}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file, tt.content)
			got, err := Load(path, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load = %#v\nwant %#v", got, tt.want)
			}
			after, _ := os.ReadFile(path)
			if string(after) != tt.content {
				t.Errorf("Load modified the file")
			}
		})
	}
}

func TestLoadStdin(t *testing.T) {
	got, err := Load("-", strings.NewReader(defaultKeyPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, defaultKeyPolicyDoc()) {
		t.Errorf("Load(-) = %#v", got)
	}
	got, err = Load("-", strings.NewReader("Version: '2012-10-17'\nStatement: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"Version": "2012-10-17", "Statement": []any{}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Load(-) YAML = %#v", got)
	}
	_, err = Load("-", strings.NewReader(`{"Statement": [}`))
	if err == nil || err.Error() != "<stdin>:1:16: invalid character '}' looking for beginning of value" {
		t.Errorf("Load(-) error = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	badPolicyString, _ := json.Marshal(map[string]string{"Policy": "{\n  \"Statement\": [,]\n}", "PolicyName": "default"})
	tests := []struct {
		name, file, content string
		want                string // error without the directory
		line, col           int
	}{
		{"bad JSON", "policy.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\",}]\n}",
			"policy.json:3:36: invalid character '}' looking for beginning of object key string", 3, 36},
		{"unterminated", "policy.json", "{\"Statement\": [\n",
			"policy.json:2:1: unexpected end of JSON input", 2, 1},
		{"trailing data", "policy.json", defaultKeyPolicy + "\n]",
			"policy.json:2:1: unexpected data after the JSON value", 2, 1},
		{"empty", "policy.json", "", "policy.json: empty input: expected a JSON value", 0, 0},
		{"empty YAML", "policy.yaml", "  \n", "policy.yaml: empty input: expected a document", 0, 0},
		{"not an object", "policy.json", `["a"]`, "policy.json: a policy document must be a JSON object, got a list", 0, 0},
		{"YAML not an object", "policy.yaml", "just text", "policy.yaml: a policy document must be a JSON object, got a string", 0, 0},
		{"bad YAML", "policy.yaml", "Version: 2012-10-17\nStatement:\n  Effect: Allow\n Action: kms:*\n",
			"policy.yaml:4: invalid YAML: did not find expected key", 4, 0}, // the line of " Action"
		{"bad policy string in get-key-policy output", "key.json", string(badPolicyString),
			"key.json: Policy:2:17: invalid character ',' looking for beginning of value", 2, 17},
		{"get-key-policy output with a non-object policy", "key.json", `{"Policy": 7}`,
			"key.json: Policy: a policy document must be a JSON object, got a number", 0, 0},
		{"string not holding an object", "key.json", `"[1]"`,
			"key.json: a policy document must be a JSON object, got a string", 0, 0},
		{"bad policy string", "key.json", `"{\"Statement\": x}"`,
			"key.json: policy string:1:15: invalid character 'x' looking for beginning of value", 1, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file, tt.content)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if got := strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator)); got != tt.want {
				t.Errorf("error = %q\nwant    %q", got, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is %T, not *Error", err)
			}
			if e.File != path || e.Line != tt.line || e.Column != tt.col {
				t.Errorf("error at %s:%d:%d, want %s:%d:%d", e.File, e.Line, e.Column, path, tt.line, tt.col)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := Load(path, nil)
	if err == nil || err.Error() != path+": no such file or directory" {
		t.Errorf("error = %v", err)
	}
}

func TestLoadPolicies(t *testing.T) {
	deny := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}}}
	denyJSON, _ := json.Marshal(deny)
	listWithString, _ := json.Marshal([]any{json.RawMessage(defaultKeyPolicy), string(denyJSON)})
	tests := []struct {
		name, file, content string
		want                []any
		err                 string
	}{
		{"one policy", "scp.json", string(denyJSON), []any{deny}, ""},
		{"a list", "scp.json", "[" + defaultKeyPolicy + "," + string(denyJSON) + "]", []any{defaultKeyPolicyDoc(), deny}, ""},
		{"a list with a policy string", "scp.json", string(listWithString), []any{defaultKeyPolicyDoc(), deny}, ""},
		{"empty list", "scp.json", "[]", []any{}, ""},
		{"YAML list", "scp.yaml", "- Version: '2012-10-17'\n  Statement: []\n", []any{map[string]any{"Version": "2012-10-17", "Statement": []any{}}}, ""},
		{"bad element", "scp.json", `[{}, 3]`, nil, "scp.json: [1]: a policy document must be a JSON object, got a number"},
		{"bad policy string element", "scp.json", `[{}, "{\n\"Statement\": [}"]`, nil, "scp.json: [1]:2:15: invalid character '}' looking for beginning of value"},
		{"bad JSON", "scp.json", "[\n{\"Statement\": []},\n{\"Statement\" []}\n]", nil, "scp.json:3:14: invalid character '[' after object key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file, tt.content)
			got, err := LoadPolicies(path, nil)
			if tt.err != "" {
				if err == nil {
					t.Fatalf("LoadPolicies = %v, want error %q", got, tt.err)
				}
				if msg := strings.TrimPrefix(err.Error(), filepath.Dir(path)+"/"); msg != tt.err {
					t.Errorf("error = %q\nwant    %q", msg, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadPolicies = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestLoadList(t *testing.T) {
	listGrants := `{
  "Grants": [
    {
      "KeyId": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
      "Name": "",
      "CreationDate": "2022-12-01T14:36:06-08:00",
      "GranteePrincipal": "arn:aws:iam::111122223333:role/ExampleRole",
      "RetiringPrincipal": "arn:aws:iam::111122223333:role/RetiringRole",
      "IssuingAccount": "arn:aws:iam::111122223333:root",
      "Operations": ["Decrypt", "Encrypt"],
      "Constraints": {"EncryptionContextSubset": {"Department": "IT"}}
    },
    {
      "GranteePrincipal": "autoscaling.amazonaws.com",
      "Operations": ["GenerateDataKey"],
      "Constraints": {"EncryptionContextEquals": {"a": "b"}}
    }
  ],
  "Truncated": false
}`
	converted := []any{
		map[string]any{
			"grant_id":           "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
			"grantee_principal":  "arn:aws:iam::111122223333:role/ExampleRole",
			"retiring_principal": "arn:aws:iam::111122223333:role/RetiringRole",
			"operations":         []any{"Decrypt", "Encrypt"},
			"constraints":        map[string]any{"encryption_context_subset": map[string]any{"Department": "IT"}},
		},
		map[string]any{
			"grantee_principal": "autoscaling.amazonaws.com",
			"operations":        []any{"GenerateDataKey"},
			"constraints":       map[string]any{"encryption_context_equals": map[string]any{"a": "b"}},
		},
	}
	native := `[{"grantee_principal": "arn:aws:iam::111122223333:user/alice", "operations": ["Decrypt"], "grant_id": "g1"}]`
	tests := []struct {
		name, file, content string
		want                []any
		err                 string
		key                 string // the question's key, "" for none
	}{
		{"list-grants output", "grants.json", listGrants, converted, "", ""},
		// ListGrants returns the grants of one key, each naming it in KeyId
		// (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html):
		// grants of another key do not apply to the question's.
		{"list-grants output of the key", "grants.json", listGrants, converted, "", "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"KeyId as a key id", "grants.json", `{"Grants": [{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "GranteePrincipal": "x", "Operations": ["Decrypt"]}]}`,
			[]any{map[string]any{"grantee_principal": "x", "operations": []any{"Decrypt"}}}, "", "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"list-grants output of another key", "grants.json", listGrants, nil,
			"grants.json:4:16: Grants[0].KeyId: the grant is for key arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, not for the question's key arn:aws:kms:us-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab",
			"arn:aws:kms:us-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"},
		{"key id of another key", "grants.json", `[{"KeyId": "0000abcd-12ab-34cd-56ef-1234567890ab", "GranteePrincipal": "x", "Operations": ["Decrypt"]}]`, nil,
			"grants.json:1:12: [0].KeyId: the grant is for key 0000abcd-12ab-34cd-56ef-1234567890ab, not for the question's key arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"KeyId not a string", "grants.json", `{"Grants": [{"KeyId": 7, "GranteePrincipal": "x", "Operations": ["Decrypt"]}]}`, nil,
			"grants.json:1:23: Grants[0].KeyId: expected a key ARN or key id, got a number", ""},
		{"question shape", "grants.json", native,
			[]any{map[string]any{"grantee_principal": "arn:aws:iam::111122223333:user/alice", "operations": []any{"Decrypt"}, "grant_id": "g1"}}, "", ""},
		{"bare list with AWS names", "grants.json", `[{"GranteePrincipal": "111122223333", "Operations": ["Decrypt"]}]`,
			[]any{map[string]any{"grantee_principal": "111122223333", "operations": []any{"Decrypt"}}}, "", ""},
		{"YAML", "grants.yaml", "Grants:\n- GranteePrincipal: arn:aws:iam::111122223333:role/ExampleRole\n  Operations: [Decrypt]\n",
			[]any{map[string]any{"grantee_principal": "arn:aws:iam::111122223333:role/ExampleRole", "operations": []any{"Decrypt"}}}, "", ""},
		{"empty", "grants.json", `{"Grants": []}`, []any{}, "", ""},
		{"object without Grants", "grants.json", `{"grantee_principal": "x"}`, nil,
			`grants.json: expected a list of grants or the output of "aws kms list-grants" ({"Grants": [...]})`, ""},
		{"Grants not a list", "grants.json", `{"Grants": {}}`, nil, "grants.json: Grants: expected a list of grants, got an object", ""},
		{"grant not an object", "grants.json", `{"Grants": [{"Operations": []}, "x"]}`, nil, "grants.json: Grants[1]: a grant must be an object, got a string", ""},
		{"bad constraints", "grants.json", `[{"GranteePrincipal": "x", "Constraints": []}]`, nil, "grants.json: [0].Constraints: expected an object, got a list", ""},
		{"bad JSON", "grants.json", "[\n  {\"grantee_principal\": \"x\",\n   \"operations\": [\"Decrypt\"\n  }\n]", nil,
			"grants.json:4:3: invalid character '}' after array element", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file, tt.content)
			got, err := LoadList(path, nil, tt.key)
			if tt.err != "" {
				if err == nil {
					t.Fatalf("LoadList = %v, want error %q", got, tt.err)
				}
				if msg := strings.TrimPrefix(err.Error(), filepath.Dir(path)+"/"); msg != tt.err {
					t.Errorf("error = %q\nwant    %q", msg, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadList = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestLoadObject(t *testing.T) {
	path := write(t, "ctx.yaml", "kms:EncryptionContext:app: billing\naws:SecureTransport: true\n")
	got, err := LoadObject(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"kms:EncryptionContext:app": "billing", "aws:SecureTransport": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("LoadObject = %#v", got)
	}
	path = write(t, "ctx.json", `["a"]`)
	if _, err := LoadObject(path, nil); err == nil || !strings.HasSuffix(err.Error(), "ctx.json: expected an object, got a list") {
		t.Errorf("LoadObject(list) error = %v", err)
	}
}

func TestLoadValue(t *testing.T) {
	got, err := LoadValue("-", strings.NewReader(`[1, "a", true, null]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{json.Number("1"), "a", true, nil}; !reflect.DeepEqual(got, want) {
		t.Errorf("LoadValue = %#v", got)
	}
}

// Every input has a size cap (docs/decision-format.md, "Input limits"): a
// policy file of 1 MiB is read, one byte more is refused with the cap named;
// grants files have a larger cap.
func TestSizeCaps(t *testing.T) {
	pad := func(doc string, size int) string { return doc + strings.Repeat(" ", size-len(doc)) }
	atCap := write(t, "p.json", pad(defaultKeyPolicy, MaxPolicyFile))
	if _, err := Load(atCap, nil); err != nil {
		t.Errorf("a policy file of exactly %d bytes: %v", MaxPolicyFile, err)
	}
	over := write(t, "p.json", pad(defaultKeyPolicy, MaxPolicyFile+1))
	want := "p.json: larger than 1 MiB, the size limit of a policy file"
	if _, err := Load(over, nil); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("Load(1 MiB + 1) = %v, want %q", err, want)
	}
	if _, err := LoadPolicies(over, nil); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("LoadPolicies(1 MiB + 1) = %v, want %q", err, want)
	}
	if _, err := LoadObject(over, nil); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("LoadObject(1 MiB + 1) = %v, want %q", err, want)
	}
	stdin := strings.NewReader(pad(defaultKeyPolicy, MaxPolicyFile+1))
	if _, err := Load("-", stdin); err == nil || err.Error() != "<stdin>: larger than 1 MiB, the size limit of a policy file" {
		t.Errorf("Load(stdin, 1 MiB + 1) = %v", err)
	}
	grants := write(t, "g.json", pad(`{"Grants": []}`, MaxPolicyFile+1))
	if _, err := LoadList(grants, nil, ""); err != nil {
		t.Errorf("a grants file over 1 MiB: %v", err)
	}
	if _, _, err := ReadFile(grants, nil, 100, "a test input"); err == nil || !strings.HasSuffix(err.Error(), "g.json: larger than 100 bytes, the size limit of a test input") {
		t.Errorf("ReadFile over its limit = %v", err)
	}
}
