package snapshot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ok := `{"format": "kmsguard-snapshot", "version": 1, "generated_at": "2026-11-22T07:00:00Z",
		"keys": {"k": {"key_policy": {}}}, "principals": {"p": {}}, "roles": {"1:R": "arn"},
		"accounts": {"1": {"scps": []}, "2": {"organization_id": "o-a1b2c3d4e5"}, "3": {"organization_id": null}}, "errors": []}`
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatalf("valid snapshot: %v", err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`[]`, "a snapshot must be a JSON object"},
		{`{"version": 1}`, `format must be "kmsguard-snapshot", not missing`},
		{`{"format": "other", "version": 1}`, `format must be "kmsguard-snapshot", not "other"`},
		{`{"format": "kmsguard-snapshot"}`, "version must be 1, not missing"},
		{`{"format": "kmsguard-snapshot", "version": "1"}`, `version must be 1, not "1"`},
		{`{"format": "kmsguard-snapshot", "version": 1.0}`, "version must be 1, not 1"},
		{`{"format": "kmsguard-snapshot", "version": 1, "key": {}}`, `unknown field "key"`},
		{`{"format": "kmsguard-snapshot", "version": 1, "keys": []}`, "keys must be an object"},
		{`{"format": "kmsguard-snapshot", "version": 1, "keys": {"k": 1}}`, `keys["k"] must be an object`},
		{`{"format": "kmsguard-snapshot", "version": 1, "roles": {"1:R": {}}}`, `roles["1:R"] must be a role ARN string`},
		{`{"format": "kmsguard-snapshot", "version": 1, "errors": {}}`, "errors must be a list"},
		{`{"format": "kmsguard-snapshot", "version": 1, "accounts": {"1": {"organization_id": "org-1"}}}`, `accounts["1"].organization_id must be an organization id (o- and 10 to 32 lower-case letters or digits) or null, not "org-1"`},
		{`{"format": "kmsguard-snapshot", "version": 1, "accounts": {"1": {"organization_id": 5}}}`, `accounts["1"].organization_id must be an organization id`},
		// KMS tag keys are case-sensitive, aws:ResourceTag/<key> is not
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourcetag).
		{`{"format": "kmsguard-snapshot", "version": 1, "keys": {"k": {"tags": {"env": "a", "Env": "b"}}}}`, `keys["k"].tags: "Env" and "env" differ only in case (tag keys are case-insensitive in conditions: aws:ResourceTag/env would match either)`},
		{`{"format": "kmsguard-snapshot",`, "(line 1, column 32): unexpected end of JSON input"},
	} {
		_, err := Parse([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func write(t *testing.T, dir, name, doc string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const head = `{"format": "kmsguard-snapshot", "version": 1, `

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.json", head+`"keys": {"k1": {}}, "roles": {"1:R": "arn:r"}, "accounts": {"1": {"scps": []}}, "errors": [{"call": "x", "error": "y"}]}`)
	write(t, dir, "b.json", head+`"keys": {"k2": {}}, "principals": {"p": {}}, "roles": {"1:R": "arn:r"}, "accounts": {"1": {"scps": []}}}`)
	write(t, dir, "notes.txt", "not read")
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for field, n := range map[string]int{"keys": 2, "principals": 1, "roles": 1, "accounts": 1} {
		if got := len(s[field].(map[string]any)); got != n {
			t.Errorf("%s: %d entries, want %d", field, got, n)
		}
	}
	if len(s["errors"].([]any)) != 1 || s["format"] != Format {
		t.Errorf("merged: %v", s)
	}
	if _, err := Parse(marshalSnapshot(t, s)); err != nil {
		t.Errorf("the merged snapshot is not a valid snapshot: %v", err)
	}
}

func TestMergeConflicts(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{`"keys": {"k": {}}}`, `"keys": {"k": {}}}`, "key k is in both"},
		{`"principals": {"p": {}}}`, `"principals": {"p": {"identity_policies": []}}}`, "principal p is in both"},
		{`"roles": {"1:R": "arn:a"}}`, `"roles": {"1:R": "arn:b"}}`, "role 1:R differs between"},
		{`"accounts": {"1": {"scps": []}}}`, `"accounts": {"1": {"rcps": []}}}`, "account 1 differs between"},
	} {
		dir := t.TempDir()
		a := write(t, dir, "a.json", head+tc.a)
		b := write(t, dir, "b.json", head+tc.b)
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
			t.Errorf("%s / %s: got %v, want %q naming both files", tc.a, tc.b, err, tc.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "no snapshot files (*.json) in") {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "nope.json")); err == nil || !strings.Contains(err.Error(), "nope.json: no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
	bad := write(t, dir, "bad.json", `{"format": "kmsguard-snapshot", "version": 2}`)
	if _, err := Load(bad); err == nil || err.Error() != "snapshot "+bad+": version must be 1, not 2" {
		t.Errorf("bad version: %v", err)
	}
}

func marshalSnapshot(t *testing.T, s map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
