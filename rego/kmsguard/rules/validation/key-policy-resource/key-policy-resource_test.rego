package kmsguard.rules.validation["key-policy-resource_test"]

import data.kmsguard.rules.validation["key-policy-resource"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS026",
	"name": "key-policy-resource",
	"title": "Key-policy Resource that is not the key",
	"severity": "medium",
	"category": "validation",
	"description": "In a key policy \"Resource\": \"*\" means this key. Any other value must be an ARN pattern that matches the key's ARN, or the statement has no effect: an alias ARN never refers to the key, another key's ARN or another service's ARN never matches. NotResource in a key policy is confusing and not needed.",
	"remediation": "Use \"Resource\": \"*\" in key policy statements.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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

# S-CT uses the key ARN; peers misfire on Resource *
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
