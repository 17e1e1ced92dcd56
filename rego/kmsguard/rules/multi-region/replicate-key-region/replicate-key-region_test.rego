package kmsguard.rules["multi-region"]["replicate-key-region_test"]

import data.kmsguard.rules["multi-region"]["replicate-key-region"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS021",
	"name": "replicate-key-region",
	"title": "kms:ReplicateKey allowed into any Region",
	"severity": "low",
	"category": "multi-region",
	"description": "kms:ReplicateKey without a kms:ReplicaRegion condition lets the principal copy a multi-Region key into every Region, each replica with its own key policy. AWS recommends allowing replication only into the Regions that need it. The delegation statement to the key's own account is not reported, nor principals of other accounts (kms:ReplicateKey is not a cross-account operation; KMS020 reports them).",
	"remediation": "Add \"StringEquals\": {\"kms:ReplicaRegion\": [\"us-east-1\", \"eu-west-3\"]} (the Regions that need a replica) to the statement that allows kms:ReplicateKey.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html",
		"https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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

# T46
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
