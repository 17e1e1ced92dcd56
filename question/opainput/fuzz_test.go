package opainput

import (
	"bytes"
	"errors"
	"github.com/kmsguard/kmsguard/question"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// fuzzSeeds are valid and invalid questions; runner/fuzz_test.go has its own.
var fuzzSeeds = []string{
	`{"id": "q1", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "key_policy": {"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}, "identity_policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}]}`,
	`{"principal": "111122223333", "action": "kms:Encrypt", "resource": "arn:aws:kms:us-east-1:111122223333:key/k", "key_policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}", "context": {"kms:EncryptionContext:a": "b", "aws:CalledVia": ["x"], "aws:SecureTransport": true, "n": 1.5e3}}`,
	`{"identity_policies": ["{\"Statement\": []}", "{"], "scps": [["{}"], [{}, "[]"]], "rcps": [[]], "grants": [{"grantee_principal": "x", "operations": ["Decrypt"]}]}`,
	`{"key_policy": "{\n  \"Statement\": [,]\n}"}`,
	`{"session_policy": "", "permissions_boundary": "null", "vpc_endpoint_policy": "\"s\""}`,
	`{"id": "q"} trailing`,
	`{"id": "q"}{}`,
	"{\"id\":\n\"q\",\n",
	`[1, 2]`,
	`"question"`,
	`null`,
	``,
	"\xef\xbb\xbf{}",
	`{"a": "\ud800", "b": 1e999, "c": -0}`,
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		v, id, err := Decode(data)
		if !bytes.Equal(data, orig) {
			t.Fatal("Decode modified its input")
		}
		if err != nil {
			if v != nil {
				t.Fatalf("Decode returned a value and an error %v", err)
			}
			var e *question.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, not *question.Error", err, err)
			}
			if e.Field == "" && e.Line > 0 {
				// A position in the question itself must be inside it.
				if max := bytes.Count(data, []byte{'\n'}) + 1; e.Line > max || e.Column < 1 {
					t.Fatalf("error position %d:%d outside the input (%d lines): %v", e.Line, e.Column, max, err)
				}
			}
			return
		}
		obj, ok := v.(ast.Object)
		if !ok {
			t.Fatalf("Decode returned a %T without an error", v)
		}
		want := ""
		if t := obj.Get(ast.StringTerm("id")); t != nil {
			if s, ok := t.Value.(ast.String); ok {
				want = string(s)
			}
		}
		if id != want {
			t.Fatalf("id = %q, want the question's id %q", id, want)
		}
	})
}
