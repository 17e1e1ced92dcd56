package kmsguard.rules.conditions["unmatchable-condition_test"]

import data.kmsguard.rules.conditions["unmatchable-condition"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# c7n test_cross_account_kms_condition_keys_3
test_caller_account_star if {
	rule.deny == {finding(1, "Bad", "Statement[1] \"Bad\" never applies: StringEquals on kms:CallerAccount: no value can match (\"*\" has a wildcard, which this operator matches literally)")} with input as {
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
				"Sid": "Bad",
				"Effect": "Allow",
				"Principal": {
					"AWS": "*",
				},
				"Action": "kms:Encrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "*",
					},
				},
			},
		],
	}
}

# kms:GrantIsForAWSResource exists only for grant operations
test_key_absent_for_actions if {
	rule.deny == {finding(1, null, "Statement[1] never applies: Bool on kms:GrantIsForAWSResource: no action of the statement (kms:Decrypt, kms:Encrypt) carries this key")} with input as {
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
					"kms:Decrypt",
					"kms:Encrypt",
				],
				"Resource": "*",
				"Condition": {
					"Bool": {
						"kms:GrantIsForAWSResource": "true",
					},
				},
			},
		],
	}
}

test_bad_values if {
	rule.deny == {finding(1, null, "Statement[1] never applies: Bool on aws:SecureTransport: no value can match (\"yes\" is not true or false)"), finding(1, null, "Statement[1] never applies: NumericGreaterThanEquals on kms:ScheduleKeyDeletionPendingWindowInDays: no value can match (\"thirty\" is not a number)")} with input as {
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
					"AWS": "arn:aws:iam::111122223333:role/Admin",
				},
				"Action": "kms:ScheduleKeyDeletion",
				"Resource": "*",
				"Condition": {
					"NumericGreaterThanEquals": {
						"kms:ScheduleKeyDeletionPendingWindowInDays": "thirty",
					},
					"Bool": {
						"aws:SecureTransport": "yes",
					},
				},
			},
		],
	}
}

# the other value still matches
test_one_bad_value if {
	rule.deny == {finding(1, null, "Statement[1]: StringEquals on kms:EncryptionContext:project: \"beta*\" has a wildcard, which this operator matches literally")} with input as {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:EncryptionContext:project": [
							"alpha",
							"beta*",
						],
					},
				},
			},
		],
	}
}

# service statements' source conditions are KMS009's
test_patterns_with_like if {
	rule.deny == set() with input as {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringLike": {
						"kms:EncryptionContext:project": "beta*",
					},
				},
			},
			{
				"Effect": "Allow",
				"Principal": {
					"Service": "cloudtrail.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey*",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*",
					},
				},
			},
		],
	}
}

# A role's statement mixing actions that carry the encryption context with
# kms:DescribeKey, which never does: DescribeKey is never allowed by it.
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
test_role_mixed_actions if {
	rule.deny == {finding(0, "App", "Statement[0] \"App\": StringEquals on kms:EncryptionContext:app: kms:DescribeKey, kms:GetPublicKey requests never carry this key, so the statement never allows them")} with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Sid": "App",
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
			"Action": ["kms:Decrypt", "kms:DescribeKey", "kms:GetPublicKey"],
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:EncryptionContext:app": "billing"}},
		}],
	}
}
