package kmsguard.rules.conditions["unmatchable-condition_test"]

import data.kmsguard.rules.conditions["unmatchable-condition"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS031",
	"name": "unmatchable-condition",
	"title": "Allow statement condition that cannot match",
	"severity": "medium",
	"category": "conditions",
	"description": "A condition of an Allow statement that never matches what its author meant: StringEquals (or StringEqualsIgnoreCase) with * or ? in a value, which match only those characters literally (kms:CallerAccount \"*\" matches no account); a non-numeric value for a Numeric operator; a Bool value other than true or false; a condition key that no action of the statement carries (kms:GrantIsForAWSResource on kms:Decrypt, kms:ReplicaRegion on anything but kms:ReplicateKey), so the statement never applies; or a key that some of its actions never carry (kms:DescribeKey next to kms:Decrypt under a kms:EncryptionContext: condition), so the statement never allows those. Unknown keys are reported by KMS024; the confused-deputy keys of service principals by KMS009.",
	"remediation": "Use StringLike or ArnLike for patterns, values of the operator's type, and condition keys the statement's actions carry (split the statement when actions need different conditions).",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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
