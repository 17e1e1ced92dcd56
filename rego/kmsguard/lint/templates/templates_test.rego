package kmsguard.rules_templates_test

import data.kmsguard.lint.extract
import data.kmsguard.rules.validation["invalid-policy"] as invalid
import data.kmsguard.rules_templates as templates

template := {
	"AWSTemplateFormatVersion": "2010-09-09",
	"Parameters": {"Partner": {"Type": "String"}},
	"Resources": {"Key": {
		"Type": "AWS::KMS::Key",
		"Properties": {"KeyPolicy": {
			"Version": "2012-10-17",
			"Statement": [
				{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"},
				{"Effect": "Allow", "Principal": {"AWS": {"Ref": "Partner"}}, "Action": "kms:Decrypt", "Resource": "*"},
				{"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
			],
		}},
	}},
}

# The template itself is no policy: no "unknown policy element Resources".
test_rules_silent_on_template if {
	invalid.deny == set() with input as template
}

test_extracted_policy if {
	extract.documents == {{
		"input": {"kind": "key_policy", "policy": {
			"Version": "2012-10-17",
			"Statement": [
				{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
				{"Effect": "Allow", "Principal": {"AWS": "kmsguard-unresolved-Partner"}, "Action": "kms:Decrypt", "Resource": "*"},
				{"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
			],
		}},
		"where": "Resources.Key.Properties.KeyPolicy",
		"resource": "Key",
	}} with input as template
}

test_findings_of_extracted_policy if {
	ids := {[f.id, f.where] | some f in templates.deny} with input as template
	ids == {["KMS003", "Resources.Key.Properties.KeyPolicy"]}
}

# A plan: the planned policy of an aws_kms_key, with its ARN.
test_plan if {
	extract.documents == {{
		"input": {"kind": "key_policy", "key_arn": "arn:aws:kms:us-east-1:111122223333:key/k", "policy": {"Statement": []}},
		"where": "aws_kms_key.k.policy",
		"resource": "aws_kms_key.k",
	}} with input as {"format_version": "1.2", "resource_changes": [{
		"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key",
		"change": {"actions": ["create"], "after": {"arn": "arn:aws:kms:us-east-1:111122223333:key/k", "policy": "{\"Statement\": []}"}},
	}]}
}
