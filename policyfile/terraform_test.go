package policyfile

import (
	"os"
	"reflect"
	"testing"
)

func TestTerraformPlan(t *testing.T) {
	data, err := os.ReadFile("../testdata/check/inputs/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	format, docs, err := Documents("plan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if format != FormatTerraformPlan {
		t.Fatalf("format %q", format)
	}
	type loc struct{ Where, Resource, Kind, KeyARN string }
	var got []loc
	for _, d := range docs {
		got = append(got, loc{d.Where, d.Resource, d.Kind, d.KeyARN})
		if d.Line == 0 || d.Policy["Statement"] == nil {
			t.Errorf("%s: line %d, policy %v", d.Where, d.Line, d.Policy)
		}
	}
	// aws_kms_key.app comes from resource_changes (line 47), the deleted
	// key and the policy known only after apply are left out, the data
	// source whose JSON is aws_kms_key.app's policy is reported once, at
	// the key.
	want := []loc{
		{"aws_iam_policy.use.policy", "aws_iam_policy.use", KindIdentityPolicy, ""},
		{"aws_kms_key.app.policy", "aws_kms_key.app", KindKeyPolicy, ""},
		{"data.aws_iam_policy_document.extra.json", "data.aws_iam_policy_document.extra", "", ""},
		{"module.logs.aws_kms_key_policy.this.policy", "module.logs.aws_kms_key_policy.this", KindKeyPolicy,
			"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// A policy is a JSON string: findings point at the line of its
	// attribute (docs/check.md, Locations).
	if docs[1].Line != 60 {
		t.Errorf("aws_kms_key.app at line %d, want 60 (the policy attribute of its resource_changes entry)", docs[1].Line)
	}
}

func TestTerraformBadPolicy(t *testing.T) {
	plan := `{"planned_values": {"root_module": {"resources": [
  {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "values": {"policy": "{\"Statement\": "}}]}}}`
	_, _, err := Documents("plan.json", []byte(plan))
	want := "plan.json: aws_iam_policy.p.policy:1:15: policy string: unexpected end of JSON input"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
