package kmsguard.rules["cross-account"]["cross-account-access_test"]

import data.kmsguard.rules["cross-account"]["cross-account-access"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS019",
	"name": "cross-account-access",
	"title": "Key usable from another account",
	"severity": "info",
	"category": "cross-account",
	"description": "Lists each external account the key policy lets use the key and what it can do: the key policy is the trusting half of cross-account access; principals of the other account still need an IAM policy allowing the action. Only actions that work across accounts are listed (cryptographic operations, kms:DescribeKey, kms:GetPublicKey, kms:GetKeyRotationStatus and the grant operations). Needs the key's account: from key_arn, config.account or the one account the delegation statement names.",
	"remediation": "Check that each account listed should use the key, and prefer naming the roles that need it over the account principal.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# K-XACCT
test_external_root_and_roles if {
	rule.warn == {finding(1, "External", "Statement[1] \"External\" lets account 444455556666 (arn:aws:iam::444455556666:role/Ext, arn:aws:iam::444455556666:root) use kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair and 4 more")} with input as {
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
					"Sid": "External",
					"Effect": "Allow",
					"Principal": {
						"AWS": [
							"arn:aws:iam::444455556666:root",
							"arn:aws:iam::444455556666:role/Ext",
						],
					},
					"Action": [
						"kms:Encrypt",
						"kms:Decrypt",
						"kms:ReEncrypt*",
						"kms:GenerateDataKey*",
						"kms:DescribeKey",
						"kms:ScheduleKeyDeletion",
					],
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# the key's account comes from the delegation statement
test_account_inferred if {
	rule.warn == {finding(1, null, "Statement[1] lets account 444455556666 (arn:aws:iam::444455556666:root) use kms:Decrypt")} with input as {
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
				],
				"Resource": "*",
			},
		],
	}
}

test_star_with_other_caller_account if {
	rule.warn == {finding(1, null, "Statement[1] lets account 444455556666 (\"*\" with kms:CallerAccount) use kms:Decrypt")} with input as {
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
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "444455556666",
					},
				},
			},
		],
	}
}

test_same_account_only if {
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
						"AWS": "arn:aws:iam::111122223333:role/App",
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

# without key_arn, config.account or a delegation statement the key's account is unknown
test_account_unknown if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::444455556666:root",
				},
				"Action": [
					"kms:Decrypt",
				],
				"Resource": "*",
			},
		],
	}
}
