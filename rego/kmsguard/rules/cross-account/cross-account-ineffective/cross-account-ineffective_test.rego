package kmsguard.rules["cross-account"]["cross-account-ineffective_test"]

import data.kmsguard.rules["cross-account"]["cross-account-ineffective"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#t12; kms:Get* also covers cross-account GetKeyRotationStatus/GetPublicKey
test_external_admin_actions if {
	rule.warn == {finding(1, null, "Statement[1] gives account 444455556666 kms:PutKeyPolicy, kms:ScheduleKeyDeletion, which cannot be used across accounts")} with input as {
		"policy": {
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
						"AWS": "arn:aws:iam::444455556666:root",
					},
					"Action": [
						"kms:Decrypt",
						"kms:ScheduleKeyDeletion",
						"kms:Put*",
						"kms:Get*",
					],
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

test_external_use_only if {
	rule.warn == set() with input as {
		"policy": {
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
						"AWS": "arn:aws:iam::444455556666:root",
					},
					"Action": [
						"kms:Encrypt",
						"kms:Decrypt",
						"kms:ReEncrypt*",
						"kms:GenerateDataKey*",
						"kms:DescribeKey",
					],
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# kms:* is KMS005's
test_external_kms_star if {
	rule.warn == set() with input as {
		"policy": {
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
						"AWS": "arn:aws:iam::444455556666:root",
					},
					"Action": "kms:*",
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}
