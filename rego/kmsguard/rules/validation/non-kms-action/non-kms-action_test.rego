package kmsguard.rules.validation["non-kms-action_test"]

import data.kmsguard.rules.validation["non-kms-action"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS023",
	"name": "non-kms-action",
	"title": "Key policy names actions of other services",
	"severity": "low",
	"category": "validation",
	"description": "A key policy controls only KMS actions on its key; actions of other services (s3:GetObject, iam:PassRole...) in a key policy never match a request. They usually come from an identity policy pasted into the key policy.",
	"remediation": "Remove the non-KMS actions from the key policy and grant them in the principal's identity policy or the other service's resource policy.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

test_s3_in_key_policy if {
	rule.warn == {finding(1, "App", "Statement[1] \"App\" names iam:PassRole, s3:GetObject: a key policy only applies to KMS actions")} with input as {
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
				"Sid": "App",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": [
					"kms:Decrypt",
					"s3:GetObject",
					"iam:PassRole",
				],
				"Resource": "*",
			},
		],
	}
}

test_identity_policy if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": [
					"kms:Decrypt",
					"s3:GetObject",
				],
				"Resource": "*",
			},
		],
	}
}

# * is every action, KMS included
test_all_actions if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:root",
				},
				"Action": "*",
				"Resource": "*",
			},
		],
	}
}
