package kmsguard.rules["cross-account"]["cross-account-access_test"]

import data.kmsguard.rules["cross-account"]["cross-account-access"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#k-xacct
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
