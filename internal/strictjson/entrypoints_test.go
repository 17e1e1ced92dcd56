package strictjson_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/check"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question/opainput"
	"github.com/kmsguard/kmsguard/server"
	"github.com/kmsguard/kmsguard/snapshot"
)

// TestEveryEntryPointRefusesDuplicateKeys is the property behind
// internal/strictjson: for every reader of user input, a valid input with a
// key repeated in any one object (including a policy embedded as a JSON
// string) is an error, never a value. IAM refuses such a policy
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html:
// each element appears once per block; AWS answers MalformedPolicyDocument),
// and encoding/json would silently keep the last value.
func TestEveryEntryPointRefusesDuplicateKeys(t *testing.T) {
	dir := t.TempDir()
	readFile := func(name string) func([]byte) error {
		return func(data []byte) error {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := policyfile.Load(p, nil)
			return err
		}
	}
	checkFile := func(name string) func([]byte) error {
		return func(data []byte) error {
			_, _, err := policyfile.Documents(name, data)
			return err
		}
	}
	entries := []struct {
		name  string
		input string // a file of the repository, or inline JSON
		read  func([]byte) error
	}{
		{"question", "../../examples/questions.jsonl", func(b []byte) error { _, _, err := opainput.Decode(b); return err }},
		{"question with policy strings", questionWithStrings, func(b []byte) error { _, _, err := opainput.Decode(b); return err }},
		{"serve request body", `{"input": ` + questionWithStrings + `}`, func(b []byte) error { _, err := server.DecodeRequest(b); return err }},
		{"policy file (JSON)", "../../examples/key-policy.json", readFile("p.json")},
		{"policy file (YAML)", "../../examples/key-policy.json", readFile("p.yaml")},
		{"get-key-policy output", "../../testdata/check/inputs/get-key-policy.json", readFile("g.json")},
		{"policy list", `[` + policy + `, ` + mustQuote(policy) + `]`, func(b []byte) error {
			p := filepath.Join(dir, "scps.json")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := policyfile.LoadPolicies(p, nil)
			return err
		}},
		{"grants file", listGrants, func(b []byte) error {
			p := filepath.Join(dir, "grants.json")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := policyfile.LoadList(p, nil, "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
			return err
		}},
		{"context file", `{"kms:ViaService": "s3.us-east-1.amazonaws.com", "aws:SourceVpc": ["vpc-1"]}`, func(b []byte) error {
			p := filepath.Join(dir, "ctx.json")
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := policyfile.LoadObject(p, nil)
			return err
		}},
		{"snapshot", "../../testdata/access/snapshot.json", func(b []byte) error { _, err := snapshot.Parse(b); return err }},
		{"IAM authorization details", iamDetails, func(b []byte) error { _, err := snapshot.ParseIAM(b); return err }},
		{"check config (.kmsguard.yaml)", config, func(b []byte) error { _, err := check.ParseConfig(".kmsguard.yaml", b); return err }},
		{"check: policy", "../../testdata/check/inputs/key-policy.json", checkFile("k.json")},
		{"check: policy (YAML)", "../../testdata/check/inputs/key-policy.json", checkFile("k.yaml")},
		{"check: get-key-policy", "../../testdata/check/inputs/get-key-policy.json", checkFile("g.json")},
		// Not testdata/check/inputs/plan.json: its planned_values repeat
		// resources of resource_changes, which the reader rightly skips.
		{"check: Terraform plan", tfPlan, checkFile("plan.json")},
		{"check: CloudFormation (JSON)", template, checkFile("stack.json")},
		{"check: CloudFormation (YAML)", template, checkFile("stack.yaml")},
	}
	rng := rand.New(rand.NewPCG(11, 14))
	for _, e := range entries {
		t.Run(e.name, func(t *testing.T) {
			for _, doc := range inputs(t, e.input) {
				if err := e.read(doc); err != nil {
					t.Fatalf("the valid input is refused: %v\n%s", err, doc)
				}
				var tree any
				dec := json.NewDecoder(bytes.NewReader(doc))
				dec.UseNumber()
				if err := dec.Decode(&tree); err != nil {
					t.Fatal(err)
				}
				sites := countSites(tree)
				if sites == 0 {
					t.Fatalf("no object to inject into in %s", doc)
				}
				// Every site when there are few, else a random sample.
				for i := 0; i < min(sites, 40); i++ {
					site := i
					if sites > 40 {
						site = rng.IntN(sites)
					}
					bad := inject(tree, site, rng)
					if err := e.read(bad); err == nil {
						t.Fatalf("accepted a duplicate key:\n%s", bad)
					} else if !strings.Contains(err.Error(), "duplicate key") {
						t.Fatalf("error does not name the duplicate key: %v\n%s", err, bad)
					}
				}
			}
		})
	}
}

const (
	policy = `{"Version": "2012-10-17", "Statement": [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
		{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]}`
	listGrants = `{"Grants": [{"KeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "GrantId": "g1",
		"GranteePrincipal": "arn:aws:iam::111122223333:role/App", "Operations": ["Decrypt"],
		"Constraints": {"EncryptionContextSubset": {"Department": "IT"}}}]}`
	iamDetails = `{"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
		"UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}}]}],
		"RoleDetailList": [], "GroupDetailList": [], "Policies": []}`
	config = `{"rules": {"KMS006": {"disabled": true}, "KMS017": {"severity": "low"}},
		"admins": ["arn:aws:iam::111122223333:role/Admin"],
		"keys": [{"match": "keys/*.json", "services": ["logs.us-east-1.amazonaws.com"]}],
		"suppressions": [{"rule": "KMS003", "sid": "Partner", "reason": "enforced by an SCP"}]}`
	template = `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": ` + policy + `}},
		"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
		"Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": ["Key", "Arn"]}}]}}]}}}}`
)

var tfPlan = `{"format_version": "1.2", "resource_changes": [{"address": "aws_kms_key.app", "mode": "managed", "type": "aws_kms_key", "name": "app",
	"change": {"actions": ["create"], "before": null, "after": {"description": "app", "policy": ` + mustQuote(policy) + `}}}],
	"planned_values": {"root_module": {"child_modules": [{"resources": [{"address": "module.m.aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
	"values": {"policy": ` + mustQuote(policy) + `}}]}]}},
	"prior_state": {"values": {"root_module": {"resources": [{"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document", "name": "d",
	"values": {"json": ` + mustQuote(policy) + `}}]}}}}`

var questionWithStrings = `{"id": "q", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt",
	"resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"key_policy": ` + mustQuote(policy) + `, "identity_policies": [` + mustQuote(policy) + `, ` + policy + `],
	"scps": [[` + mustQuote(policy) + `]], "context": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}`

func mustQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// inputs reads the documents of an entry: inline JSON, a JSON file or a JSON
// Lines file.
func inputs(t *testing.T, src string) [][]byte {
	if strings.HasPrefix(strings.TrimSpace(src), "{") || strings.HasPrefix(strings.TrimSpace(src), "[") {
		return [][]byte{[]byte(src)}
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(src, ".jsonl") {
		return [][]byte{data}
	}
	var out [][]byte
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// embedded parses a string holding a policy document (a JSON object with a
// Statement), the documents readers parse from strings.
func embedded(s string) (map[string]any, bool) {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v map[string]any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	_, ok := v["Statement"]
	return v, ok
}

// countSites counts the non-empty objects of a tree, embedded policies
// included.
func countSites(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 {
			n++
		}
		for _, c := range x {
			n += countSites(c)
		}
	case []any:
		for _, c := range x {
			n += countSites(c)
		}
	case string:
		if doc, ok := embedded(x); ok {
			n += countSites(doc)
		}
	}
	return n
}

// inject writes the tree as JSON with one key of its site-th object (in the
// order countSites counts) written twice, the second time with another value.
func inject(tree any, site int, rng *rand.Rand) []byte {
	var b bytes.Buffer
	n := site
	write(&b, tree, &n, rng)
	return b.Bytes()
}

func write(b *bytes.Buffer, v any, site *int, rng *rand.Rand) {
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		})
		dup := ""
		if len(x) > 0 {
			if *site == 0 {
				dup = keys[rng.IntN(len(keys))]
			}
			*site--
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(mustQuote(k))
			b.WriteByte(':')
			write(b, x[k], site, rng)
		}
		if dup != "" {
			fmt.Fprintf(b, `,%s:"injected"`, mustQuote(dup))
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, c := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, c, site, rng)
		}
		b.WriteByte(']')
	case string:
		if doc, ok := embedded(x); ok {
			var inner bytes.Buffer
			write(&inner, doc, site, rng)
			b.WriteString(mustQuote(inner.String()))
			return
		}
		b.WriteString(mustQuote(x))
	case json.Number:
		b.WriteString(x.String())
	default:
		out, _ := json.Marshal(x)
		b.Write(out)
	}
}
