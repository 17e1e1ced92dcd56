package kmsguard.rules["multi-region"]["replicate-key-region_test"]

import data.kmsguard.rules["multi-region"]["replicate-key-region"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_admin_replicates_anywhere if {
	rule.warn == {finding(1, "MRK", "Statement[1] \"MRK\" allows kms:ReplicateKey to arn:aws:iam::111122223333:role/KeyAdmin without a kms:ReplicaRegion condition")} with input as {
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
				"Sid": "MRK",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/KeyAdmin",
				},
				"Action": [
					"kms:ReplicateKey",
					"kms:UpdatePrimaryRegion",
				],
				"Resource": "*",
			},
		],
	}
}

test_identity_policy if {
	rule.warn == {finding(0, null, "Statement[0] allows kms:ReplicateKey without a kms:ReplicaRegion condition")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "kms:ReplicateKey",
				"Resource": "*",
			},
		],
	}
}

test_any_region_pattern if {
	rule.warn == {finding(1, null, "Statement[1] allows kms:ReplicateKey to arn:aws:iam::111122223333:role/KeyAdmin without a kms:ReplicaRegion condition")} with input as {
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
					"AWS": "arn:aws:iam::111122223333:role/KeyAdmin",
				},
				"Action": "kms:ReplicateKey",
				"Resource": "*",
				"Condition": {
					"StringLike": {
						"kms:ReplicaRegion": "*",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#t46
test_regions_listed if {
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
					"AWS": "arn:aws:iam::111122223333:role/KeyAdmin",
				},
				"Action": "kms:ReplicateKey",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ReplicaRegion": [
							"us-east-1",
							"eu-west-3",
						],
					},
				},
			},
		],
	}
}

test_root_delegation if {
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
		],
	}
}

# ReplicateKey: "Cross-account use: No. You cannot use this operation to
# create a replica key in a different AWS account." Another account's
# kms:ReplicateKey is KMS020's (ineffective), not a replication risk.
# https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html
test_other_account_cannot_replicate if {
	rule.warn == set() with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::444455556666:role/Replicator"},
				"Action": "kms:ReplicateKey",
				"Resource": "*",
			}],
		},
		"key_arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
	}
}

test_same_account_can_replicate if {
	count(rule.warn) == 1 with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::111122223333:role/Replicator"},
				"Action": "kms:ReplicateKey",
				"Resource": "*",
			}],
		},
		"key_arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
	}
}
