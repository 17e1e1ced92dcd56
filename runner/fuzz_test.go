package runner_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/question/opainput"
	"github.com/kmsguard/kmsguard/runner"
)

var (
	fuzzRunnerOnce sync.Once
	fuzzRunner     *runner.Runner
	fuzzRunnerErr  error
)

func fuzzGetRunner(t *testing.T) *runner.Runner {
	t.Helper()
	fuzzRunnerOnce.Do(func() { fuzzRunner, fuzzRunnerErr = runner.New(context.Background()) })
	if fuzzRunnerErr != nil {
		t.Fatalf("runner.New: %v", fuzzRunnerErr)
	}
	return fuzzRunner
}

const (
	fuzzKeyPolicy = `{"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}`
	fuzzAlice     = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`
)

// fuzzDecideSeeds: allowed, denied and malformed questions.
var fuzzDecideSeeds = []string{
	`{"id": "allowed", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "key_policy": ` + fuzzKeyPolicy + `, "identity_policies": [` + fuzzAlice + `]}`,
	`{"id": "implicit", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "key_policy": ` + fuzzKeyPolicy + `}`,
	`{"id": "root", "principal": "111122223333", "action": "kms:ScheduleKeyDeletion", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": ` + fuzzKeyPolicy + `, "context": {"kms:ScheduleKeyDeletionPendingWindowInDays": 7}}`,
	`{"id": "deny", "principal": "arn:aws:sts::111122223333:assumed-role/Admin/s1", "action": "kms:Encrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}, "scps": [[{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]]}`,
	`{"id": "grant", "principal": "logs.us-east-1.amazonaws.com", "action": "kms:GenerateDataKey", "resource": "arn:aws:kms:us-east-1:111122223333:key/k", "key_policy": {"Statement": []}, "grants": [{"grantee_principal": "logs.us-east-1.amazonaws.com", "operations": ["GenerateDataKey"], "constraints": {"encryption_context_subset": {"a": "b"}}}], "context": {"kms:EncryptionContext:a": "b"}}`,
	`{"id": "iam-only", "principal": "arn:aws:iam::111122223333:user/alice", "action": "kms:CreateKey", "resource": "*", "identity_policies": [{"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}]}`,
	`{"id": "no key policy", "principal": "arn:aws:iam::111122223333:root", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k"}`,
	`{"id": "bad string", "principal": "arn:aws:iam::111122223333:root", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": "{\"Statement\": [,]}"}`,
	`{"id": "unknown field", "principal": "111122223333", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": ` + fuzzKeyPolicy + `, "extra": 1}`,
	`{"principal": 5, "action": ["kms:Decrypt"], "resource": null, "key_policy": []}`,
	`[{"principal": "111122223333"}]`,
	`"x"`,
	`{} {}`,
	``,
}

// FuzzDecide runs fuzzed bytes through opainput.Decode and Runner.Decide.
// Properties: nothing panics; a question that does not decode is never
// allowed, even when its raw JSON is given to Decide; an allowed question has
// a principal, action, resource and key policy; asked a second time (its
// documents then come from the runner's memo) a question gets the same
// answer.
func FuzzDecide(f *testing.F) {
	for _, s := range fuzzDecideSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fuzzGetRunner(t)
		input, id, err := opainput.Decode(data)
		if err != nil {
			var qe *question.Error
			if !errors.As(err, &qe) {
				t.Fatalf("Decode error %v is a %T", err, err)
			}
			if a := runner.ErrorAnswer(id, err); a.IsAllowed() {
				t.Fatalf("error answer is allowed: %+v", a)
			}
			// The same JSON without Decode's checks (as a stock OPA
			// server would get it) must not be allowed either.
			raw, perr := question.ParseJSON(data)
			if perr != nil {
				return
			}
			v, verr := ast.InterfaceToValue(raw)
			if verr != nil {
				return
			}
			if a := decideTwice(t, r, v); a.IsAllowed() {
				t.Fatalf("question that failed to decode (%v) is allowed: %+v", err, a)
			}
			return
		}
		a := decideTwice(t, r, input)
		if a.Error != "" && (a.Decision != "" || a.Allowed != nil) {
			t.Fatalf("error answer with a decision: %+v", a)
		}
		if !a.IsAllowed() {
			return
		}
		obj := input.(ast.Object)
		for _, f := range []string{"principal", "action", "resource"} {
			v := obj.Get(ast.StringTerm(f))
			if v == nil {
				t.Fatalf("allowed without %s: %+v", f, a)
			}
			if s, ok := v.Value.(ast.String); !ok || s == "" {
				t.Fatalf("allowed with %s = %v: %+v", f, v, a)
			}
		}
		kp := obj.Get(ast.StringTerm("key_policy"))
		if kp == nil {
			t.Fatalf("allowed without key_policy: %+v", a)
		}
		if _, ok := kp.Value.(ast.Object); !ok {
			t.Fatalf("allowed with key_policy = %v: %+v", kp, a)
		}
	})
}

// decideTwice answers input from an empty memo, then again with its
// documents from the memo, and requires the same answer.
func decideTwice(t *testing.T, r *runner.Runner, input ast.Value) *runner.Answer {
	t.Helper()
	runner.ResetMemo(r)
	ctx := context.Background()
	first := r.Decide(ctx, input)
	if first == nil {
		t.Fatal("Decide returned nil")
	}
	if again := r.Decide(ctx, input); !reflect.DeepEqual(first, again) {
		t.Fatalf("answer %+v, asked again %+v", first, again)
	}
	return first
}
