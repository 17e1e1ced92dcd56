package policyfile

import (
	"encoding/json"
	"reflect"
	"testing"
	"testing/fstest"
)

const yamlTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminRoleName: {Type: String}
Mappings:
  Env:
    prod: {Account: "444455556666"}
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: use-key
          PolicyDocument:
            Version: 2012-10-17
            Statement:
              - Effect: Allow
                Action: [kms:Decrypt]
                Resource: !GetAtt AppKey.Arn
        - !If [IsProd, !Ref AWS::NoValue, {PolicyName: dev, PolicyDocument: {Statement: [{Effect: Allow, Action: "kms:*", Resource: "*"}]}}]
  AppKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
          - !If
            - IsProd
            - !Ref AWS::NoValue
            - Sid: Dev
              Effect: Allow
              Principal: {AWS: !Join ["", ["arn:aws:iam::", !FindInMap [Env, prod, Account], ":root"]]}
              Action: kms:Decrypt
              Resource: "*"
          - Sid: Admin
            Effect: Allow
            Principal:
              AWS:
                - !Sub arn:aws:iam::${AWS::AccountId}:role/${AdminRoleName}
                - !GetAtt AppRole.Arn
                - !ImportValue shared-admin-arn
            Action: [kms:Create*, kms:Describe*]
            Resource: "*"
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId
                aws:SourceArn: !Sub ["arn:aws:s3:::${B}", {B: !Ref Bucket}]
                kms:ViaService: !Sub "s3.${AWS::Region}.${AWS::URLSuffix}"
                aws:PrincipalTag/x: !Sub "${!literal}"
  Topic:
    Type: AWS::SNS::Topic
`

func TestCloudFormationYAML(t *testing.T) {
	format, docs, err := Documents("stack.yaml", []byte(yamlTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if format != FormatCloudFormation {
		t.Fatalf("format %q", format)
	}
	got := summarize(t, docs)
	want := []summary{
		{Where: "Resources.AppKey.Properties.KeyPolicy", Resource: "AppKey", Kind: KindKeyPolicy, Line: 27,
			StatementLines: []int{29, 35, 43},
			Policy: compact(t, `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "Dev", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*"},
  {"Sid": "Admin", "Effect": "Allow",
   "Principal": {"AWS": ["arn:aws:iam::123456789012:role/kmsguard-unresolved-AdminRoleName",
                         "arn:aws:iam::123456789012:role/kmsguard-unresolved-AppRole",
                         "kmsguard-unresolved-shared-admin-arn"]},
   "Action": ["kms:Create*", "kms:Describe*"], "Resource": "*",
   "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012",
     "aws:SourceArn": "arn:aws:s3:::kmsguard-unresolved-Bucket",
     "kms:ViaService": "s3.us-east-1.amazonaws.com",
     "aws:PrincipalTag/x": "${literal}"}}}]}`)},
		{Where: "Resources.AppRole.Properties.Policies[0].PolicyDocument", Resource: "AppRole", Kind: KindIdentityPolicy, Line: 17,
			StatementLines: []int{19},
			Policy: compact(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"],
  "Resource": "arn:aws:kms:us-east-1:123456789012:key/kmsguard-unresolved-AppKey"}]}`)},
		{Where: "Resources.AppRole.Properties.Policies[1].PolicyDocument", Resource: "AppRole", Kind: KindIdentityPolicy, Line: 11,
			StatementLines: []int{0},
			Policy:         compact(t, `{"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

const jsonTemplate = `{
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "KeyPolicy": {
          "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "iam", "", {"Ref": "AWS::AccountId"}, "root"]]}}, "Action": "kms:*", "Resource": "*"},
            {"Fn::If": ["C", {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}, {"Ref": "AWS::NoValue"}]}
          ]
        }
      }
    },
    "Policy": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {"PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}]}"}
    },
    "Inline": {
      "Type": "AWS::IAM::Policy",
      "Properties": {"PolicyDocument": {"Statement": {"Effect": "Allow", "Action": {"Fn::Split": [",", "kms:Encrypt,kms:Decrypt"]}, "Resource": {"Fn::Select": [1, ["a", {"Fn::GetAtt": ["Key", "KeyId"]}]]}}}}
    },
    "Replica": {
      "Type": "AWS::KMS::ReplicaKey",
      "Properties": {"KeyPolicy": {"Ref": "PolicyParameter"}}
    }
  }
}`

func TestCloudFormationJSON(t *testing.T) {
	format, docs, err := Documents("stack.template", []byte(jsonTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if format != FormatCloudFormation {
		t.Fatalf("format %q", format)
	}
	got := summarize(t, docs)
	want := []summary{
		{Where: "Resources.Inline.Properties.PolicyDocument", Resource: "Inline", Kind: KindIdentityPolicy, Line: 20,
			StatementLines: []int{20},
			Policy: compact(t, `{"Statement": {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"],
  "Resource": "kmsguard-unresolved-Key.KeyId"}}`)},
		{Where: "Resources.Key.Properties.KeyPolicy", Resource: "Key", Kind: KindKeyPolicy, Line: 6,
			StatementLines: []int{8, 9},
			Policy: compact(t, `{"Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
  {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}`)},
		// A policy given as a JSON string: the line of its property.
		{Where: "Resources.Policy.Properties.PolicyDocument", Resource: "Policy", Kind: KindIdentityPolicy, Line: 16,
			StatementLines: []int{0},
			Policy:         compact(t, `{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}`)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestSub(t *testing.T) {
	st, err := standInStack()
	if err != nil {
		t.Fatal(err)
	}
	tm := &template{types: map[string]string{"R": "AWS::IAM::Role", "K": "AWS::KMS::Key", "B": "AWS::S3::Bucket"}, stack: st}
	tests := []struct {
		arg  any
		want string
	}{
		{"plain", "plain"},
		{"${AWS::Region}-${AWS::AccountId}-${AWS::Partition}", "us-east-1-123456789012-aws"},
		{"s3.${AWS::URLSuffix}", "s3.amazonaws.com"},
		{"${AWS::StackName}", "kmsguard-unresolved-StackName"},
		{"${R.Arn}|${K.Arn}|${B.Arn}", "arn:aws:iam::123456789012:role/kmsguard-unresolved-R|arn:aws:kms:us-east-1:123456789012:key/kmsguard-unresolved-K|kmsguard-unresolved-B.Arn"},
		{"${!Keep} ${ Param }", "${Keep} kmsguard-unresolved-Param"},
		{"unterminated ${x", "unterminated ${x"},
		{[]any{"${A}/${B}", map[string]any{"A": "x", "B": map[string]any{"Ref": "AWS::Region"}}}, "x/us-east-1"},
		{[]any{"${A}", map[string]any{"A": []any{"list"}}}, "kmsguard-unresolved-A"},
		{42, "kmsguard-unresolved-Sub"},
	}
	for _, tt := range tests {
		if got := tm.sub(tt.arg); got != tt.want {
			t.Errorf("Sub %v = %v, want %q", tt.arg, got, tt.want)
		}
	}
}

func TestToken(t *testing.T) {
	if got := token("a:b/c d.e_f-g"); got != "kmsguard-unresolved-a-b-c-d.e_f-g" {
		t.Errorf("token = %q", got)
	}
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCloudFormationSubPolicyString: KeyPolicy: !Sub | followed by the
// policy as a JSON string is resolved like other intrinsics (parameters
// become tokens, pseudo parameters their stand-ins) and read; its findings
// point at the line of the KeyPolicy property.
func TestCloudFormationSubPolicyString(t *testing.T) {
	const tmpl = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TrustedAccountId: {Type: String}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: key
      KeyPolicy: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:${AWS::Partition}:iam::${AWS::AccountId}:root", "arn:aws:iam::${TrustedAccountId}:root"]},
            "Action": "kms:*",
            "Resource": "*"
          }]
        }
`
	_, docs, err := Documents("stack.yaml", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	d := docs[0]
	if d.Line != 9 || d.StatementLine(0) != 9 {
		t.Errorf("line %d, statement line %d, want 9 (KeyPolicy)", d.Line, d.StatementLine(0))
	}
	got := d.Policy["Statement"].([]any)[0].(map[string]any)["Principal"].(map[string]any)["AWS"]
	want := []any{"arn:aws:iam::123456789012:root", "arn:aws:iam::kmsguard-unresolved-TrustedAccountId:root"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("principals %v, want %v", got, want)
	}
}

// TestCloudFormationJSONPolicyStringLine: in a JSON template, a policy given
// as a JSON string points at the line of its property.
func TestCloudFormationJSONPolicyStringLine(t *testing.T) {
	const tmpl = `{
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "Description": "key",
        "KeyPolicy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}]}"
      }
    }
  }
}`
	_, docs, err := Documents("stack.json", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Line != 7 || docs[0].StatementLine(0) != 7 {
		t.Fatalf("documents %+v, want one at line 7", docs)
	}
}

// The same in YAML: a policy written as a plain or quoted JSON string points
// at the KeyPolicy property's line, not the resource's.
func TestCloudFormationYAMLPolicyStringLine(t *testing.T) {
	const tmpl = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: key
      KeyPolicy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}'
`
	_, docs, err := Documents("stack.yaml", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Line != 6 || docs[0].StatementLine(0) != 6 {
		t.Fatalf("documents %+v, want one at line 6", docs)
	}
}

// TestStandInStackFromCatalog: the stand-in stack is the catalog's
// (cloudformation and the partition's row); a catalog without it is an
// error, never a stack made up in Go.
func TestStandInStackFromCatalog(t *testing.T) {
	catalog := func(body string) fstest.MapFS {
		return fstest.MapFS{"kmsguard/catalog/data.json": {Data: []byte(body)}}
	}
	st, err := readStack(catalog(`{"cloudformation": {"stand_in_account_id": "444455556666", "stand_in_partition": "aws-cn",
		"policy_properties": {"AWS::IAM::Role": {"property": "Policies", "kind": "identity_policy", "list": true}}},
		"partitions": {"rows": [{"partition": "aws", "default_region": "us-east-1", "url_suffix": "amazonaws.com"},
		{"partition": "aws-cn", "default_region": "cn-north-1", "url_suffix": "amazonaws.com.cn"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.pseudo["AWS::Region"]+" "+st.pseudo["AWS::URLSuffix"], "cn-north-1 amazonaws.com.cn"; got != want {
		t.Errorf("Region and URLSuffix %q, want %q", got, want)
	}
	if got, want := st.arnFormats["AWS::KMS::Key"], "arn:aws-cn:kms:cn-north-1:444455556666:key/%s"; got != want {
		t.Errorf("key ARN %q, want %q", got, want)
	}
	if got, want := st.policies["AWS::IAM::Role"], (cfnPolicy{Property: "Policies", List: true, Kind: KindIdentityPolicy}); got != want {
		t.Errorf("AWS::IAM::Role's policies %+v, want %+v", got, want)
	}
	for name, body := range map[string]string{
		"no policy_properties":    `{"cloudformation": {"stand_in_account_id": "1", "stand_in_partition": "aws"}, "partitions": {"rows": [{"partition": "aws", "default_region": "us-east-1", "url_suffix": "amazonaws.com"}]}}`,
		"no cloudformation block": `{"partitions": {"rows": [{"partition": "aws", "default_region": "us-east-1", "url_suffix": "amazonaws.com"}]}}`,
		"unknown partition":       `{"cloudformation": {"stand_in_account_id": "1", "stand_in_partition": "aws-x"}, "partitions": {"rows": []}}`,
		"no url_suffix":           `{"cloudformation": {"stand_in_account_id": "1", "stand_in_partition": "aws"}, "partitions": {"rows": [{"partition": "aws", "default_region": "us-east-1"}]}}`,
		"not JSON":                `{`,
	} {
		if st, err := readStack(catalog(body)); err == nil {
			t.Errorf("%s: got stack %+v, want an error", name, st)
		}
	}
}

// TestTerraformPoliciesFromCatalog: the resource types of a plan whose
// policies are read are the catalog's (terraform.policy_attributes); a
// catalog without them is an error, never a table made up in Go.
func TestTerraformPoliciesFromCatalog(t *testing.T) {
	catalog := func(body string) fstest.MapFS {
		return fstest.MapFS{"kmsguard/catalog/data.json": {Data: []byte(body)}}
	}
	got, err := readTerraformPolicies(catalog(`{"terraform": {"policy_attributes": {"aws_kms_key": {"attr": "policy", "kind": "key_policy"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (tfPolicy{Attr: "policy", Kind: KindKeyPolicy}); len(got) != 1 || got["aws_kms_key"] != want {
		t.Errorf("policies %+v, want only aws_kms_key %+v", got, want)
	}
	for name, body := range map[string]string{
		"no terraform block":   `{}`,
		"no policy_attributes": `{"terraform": {}}`,
		"not JSON":             `{`,
	} {
		if p, err := readTerraformPolicies(catalog(body)); err == nil {
			t.Errorf("%s: got %+v, want an error", name, p)
		}
	}
}
