package kmsguard.rules["cross-account"]["cross-account-ineffective_test"]

import data.kmsguard.rules["cross-account"]["cross-account-ineffective"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS020",
	"name": "cross-account-ineffective",
	"title": "Actions given to another account that cannot be used across accounts",
	"severity": "low",
	"category": "cross-account",
	"description": "Only cryptographic operations, kms:CreateGrant, kms:DescribeKey, kms:GetKeyRotationStatus, kms:GetPublicKey, kms:ListGrants, kms:RetireGrant and kms:RevokeGrant work across accounts. Giving an external account administration actions such as kms:ScheduleKeyDeletion or kms:PutKeyPolicy has no effect: probably a mistake about which account owns the key.",
	"remediation": "Remove the actions from the statement for the external account, or run the administration from the key's own account.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# T12; kms:Get* also covers cross-account GetKeyRotationStatus/GetPublicKey
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
