package kmsguard.rules.validation["iam-only-action_test"]

import data.kmsguard.rules.validation["iam-only-action"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# corpus 011
test_create_key_in_key_policy if {
	rule.warn == {finding(1, "Create", "Statement[1] \"Create\" names kms:CreateKey, kms:ListKeys, which KMS authorizes only through IAM policies: it has no effect in a key policy")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "Enable IAM User Permissions",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:root",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Sid": "Create",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/ExampleUser",
				},
				"Action": [
					"kms:CreateKey",
					"kms:ListKeys",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:KeyOrigin": "AWS_KMS",
					},
				},
			},
		],
	}
}

# wildcards are not reported
test_wildcards_and_identity_policies if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "Enable IAM User Permissions",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:root",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:List*",
				"Resource": "*",
			},
		],
	}
}
