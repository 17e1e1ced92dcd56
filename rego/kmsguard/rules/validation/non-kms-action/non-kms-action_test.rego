package kmsguard.rules.validation["non-kms-action_test"]

import data.kmsguard.rules.validation["non-kms-action"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_s3_in_key_policy if {
	rule.warn == {finding(1, "App", "Statement[1] \"App\" names iam:PassRole, s3:GetObject: a key policy only applies to KMS actions")} with input as {
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
				"Sid": "App",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": [
					"kms:Decrypt",
					"s3:GetObject",
					"iam:PassRole",
				],
				"Resource": "*",
			},
		],
	}
}

test_identity_policy if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": [
					"kms:Decrypt",
					"s3:GetObject",
				],
				"Resource": "*",
			},
		],
	}
}

# * is every action, KMS included
test_all_actions if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:root",
				},
				"Action": "*",
				"Resource": "*",
			},
		],
	}
}
