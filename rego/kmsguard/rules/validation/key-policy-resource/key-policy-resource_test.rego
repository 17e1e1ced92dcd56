package kmsguard.rules.validation["key-policy-resource_test"]

import data.kmsguard.rules.validation["key-policy-resource"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_not_the_key if {
	rule.deny == {finding(0, "Root", "Statement[0] \"Root\": Resource \"arn:aws:kms:us-west-2:111122223333:alias/app\" is an alias ARN: a key policy applies to the key, never to an alias; in a key policy use \"*\""), finding(0, "Root", "Statement[0] \"Root\": Resource \"arn:aws:kms:us-west-2:111122223333:key/other\" does not match the key arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab; in a key policy use \"*\""), finding(0, "Root", "Statement[0] \"Root\": Resource \"arn:aws:s3:::bucket\" is not a KMS key ARN; in a key policy use \"*\""), finding(1, null, "Statement[1] uses NotResource; in a key policy use \"Resource\": \"*\"")} with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [
				{
					"Sid": "Root",
					"Effect": "Allow",
					"Principal": {
						"AWS": "arn:aws:iam::111122223333:root",
					},
					"Action": "kms:*",
					"Resource": [
						"arn:aws:kms:us-west-2:111122223333:alias/app",
						"arn:aws:s3:::bucket",
						"arn:aws:kms:us-west-2:111122223333:key/other",
					],
				},
				{
					"Effect": "Allow",
					"Principal": {
						"AWS": "arn:aws:iam::111122223333:role/App",
					},
					"Action": "kms:Decrypt",
					"NotResource": "arn:aws:kms:us-west-2:111122223333:key/other",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# docs/aws-rules.md#s-ct uses the key ARN; peers misfire on Resource *
test_star_and_key_patterns if {
	rule.deny == set() with input as {
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
						"Service": "cloudtrail.amazonaws.com",
					},
					"Action": "kms:GenerateDataKey*",
					"Resource": "arn:aws:kms:us-west-2:111122223333:key/*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

test_identity_policy if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "kms:Decrypt",
				"Resource": "arn:aws:kms:us-west-2:111122223333:alias/app",
			},
		],
	}
}
