package snapshot

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	s := New(time.Date(2026, 11, 22, 7, 0, 0, 0, time.FixedZone("CET", 3600)))
	Section(s, "keys")["arn:aws:kms:us-east-1:111122223333:key/k1"] = map[string]any{"key_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{}}}
	AddError(s, "arn:aws:kms:us-east-1:111122223333:key/k2", "kms:GetKeyPolicy", "AccessDeniedException: no")
	AddError(s, "", "kms:ListKeys eu-west-1", "UnrecognizedClientException: region disabled")
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got["generated_at"] != "2026-11-22T06:00:00Z" {
		t.Errorf("generated_at = %v, want UTC", got["generated_at"])
	}
	errs := got["errors"].([]any)
	want := []any{
		map[string]any{"arn": "arn:aws:kms:us-east-1:111122223333:key/k2", "call": "kms:GetKeyPolicy", "error": "AccessDeniedException: no"},
		map[string]any{"call": "kms:ListKeys eu-west-1", "error": "UnrecognizedClientException: region disabled"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors = %v, want %v", errs, want)
	}
	// The same snapshot gives the same bytes.
	a, _ := Encode(got)
	b, _ := os.ReadFile(path)
	if string(a) != string(b) {
		t.Error("encoding is not deterministic")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the snapshot", len(entries))
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New(time.Now())
	s["keys"] = []any{} // not an object
	err := Write(path, s)
	if err == nil || !strings.Contains(err.Error(), "refusing to write an invalid snapshot: keys must be an object") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Error("a refused write changed the file")
	}
}

func TestWriteFileAtomicFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// The target is a directory: the rename fails after the temporary
	// file was written and synced; it must be removed again.
	target := filepath.Join(dir, "taken")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("{}"), 0o644); err == nil {
		t.Fatal("renaming over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "snap.json"), []byte("{}"), 0o644); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

func TestDocument(t *testing.T) {
	want := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Sid": "a b+c"}}}
	for _, in := range []any{
		`%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22kms%3ADecrypt%22%2C%22Resource%22%3A%22%2A%22%2C%22Sid%22%3A%22a%20b%2Bc%22%7D%5D%7D`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Sid":"a b+c"}]}`,
		want,
	} {
		got, err := Document(in)
		if err != nil {
			t.Fatalf("%v: %v", in, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Document(%v) = %v", in, got)
		}
	}
	for _, bad := range []any{nil, "%ZZ", `[1]`, 42} {
		if _, err := Document(bad); err == nil {
			t.Errorf("Document(%v) succeeded", bad)
		}
	}
}

func TestAddIAM(t *testing.T) {
	allow := func(a string) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": a, "Resource": "*"}}}
	}
	d := &IAM{
		Users: []IAMUser{{ARN: "arn:aws:iam::111122223333:user/ops/alice", Name: "alice", Inline: []any{allow("kms:Decrypt")},
			Attached: []string{"arn:aws:iam::aws:policy/ReadOnly"}, Groups: []string{"dev", "ghost"}, Boundary: "arn:aws:iam::111122223333:policy/B"}},
		Roles: []IAMRole{{ARN: "arn:aws:iam::111122223333:role/team/App", Name: "App", Attached: []string{"arn:aws:iam::111122223333:policy/Gone"}}},
		Groups: []IAMGroup{{ARN: "arn:aws:iam::111122223333:group/dev", Name: "dev", Inline: []any{allow("kms:Encrypt")},
			Attached: []string{"arn:aws:iam::aws:policy/ReadOnly"}}},
		Policies: []IAMPolicy{{ARN: "arn:aws:iam::aws:policy/ReadOnly", Document: allow("kms:Describe*")}, {ARN: "arn:aws:iam::111122223333:policy/B", Document: allow("kms:*")}},
	}
	s := New(time.Now())
	AddIAM(s, d)
	alice := s["principals"].(map[string]any)["arn:aws:iam::111122223333:user/ops/alice"].(map[string]any)
	wantDocs := []any{allow("kms:Decrypt"), allow("kms:Describe*"), allow("kms:Encrypt"), allow("kms:Describe*")}
	if !reflect.DeepEqual(alice["identity_policies"], wantDocs) {
		t.Errorf("alice's policies = %v, want inline, attached, then the group's inline and attached", alice["identity_policies"])
	}
	if !reflect.DeepEqual(alice["permissions_boundary"], allow("kms:*")) {
		t.Errorf("alice's boundary = %v", alice["permissions_boundary"])
	}
	if got := s["roles"].(map[string]any)["111122223333:App"]; got != "arn:aws:iam::111122223333:role/team/App" {
		t.Errorf("role index = %v", got)
	}
	var msgs []string
	for _, e := range s["errors"].([]any) {
		msgs = append(msgs, e.(map[string]any)["error"].(string))
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"group ghost is not in the account authorization details", "attached policy arn:aws:iam::111122223333:policy/Gone"} {
		if !strings.Contains(joined, want) {
			t.Errorf("errors %q lack %q", joined, want)
		}
	}
	if _, err := Parse(mustEncode(t, s)); err != nil {
		t.Error(err)
	}
}

func mustEncode(t *testing.T, s map[string]any) []byte {
	t.Helper()
	data, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseIAM(t *testing.T) {
	if _, err := ParseIAM([]byte(`{"Policy": "x"}`)); err == nil || !strings.Contains(err.Error(), "not the output of get-account-authorization-details") {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseIAM([]byte(`not json`)); err == nil {
		t.Error("ParseIAM accepted text")
	}
	d, err := ParseIAM([]byte(`{"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/R", "RoleName": "R",
		"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}],
		"PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::1:policy/B"}}],
		"Policies": [{"Arn": "arn:aws:iam::1:policy/B", "DefaultVersionId": "v2", "PolicyVersionList": [
			{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny"}]}},
			{"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": []}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Roles) != 1 || d.Roles[0].Boundary != "arn:aws:iam::1:policy/B" || len(d.Roles[0].Inline) != 1 {
		t.Errorf("roles = %+v", d.Roles)
	}
	if len(d.Policies) != 1 || !reflect.DeepEqual(d.Policies[0].Document, map[string]any{"Version": "2012-10-17", "Statement": []any{}}) {
		t.Errorf("policies = %+v, want the default version only", d.Policies)
	}
}
