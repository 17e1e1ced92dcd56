package kmsguard.rules.validation["iam-only-action_test"]

import data.kmsguard.rules.validation["iam-only-action"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS030",
	"name": "iam-only-action",
	"title": "Key policy names an action KMS authorizes only in IAM policies",
	"severity": "low",
	"category": "validation",
	"description": "Actions that involve no existing key (kms:CreateKey, kms:ListKeys, kms:ListAliases, kms:GenerateRandom, kms:ListRetirableGrants, the custom key store operations) are authorized by IAM policies alone, and kms:SynchronizeMultiRegionKey only by KMS's service-linked role. Naming them in a key policy has no effect.",
	"remediation": "Grant these actions in an IAM policy with \"Resource\": \"*\" and remove them from the key policy.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# corpus 011
test_create_key_in_key_policy if {
	rule.warn == {finding(1, "Create", "Statement[1] \"Create\" names kms:CreateKey, kms:ListKeys, which KMS authorizes only through IAM policies: it has no effect in a key policy")} with input as {
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
				"Sid": "Create",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/ExampleUser",
				},
				"Action": [
					"kms:CreateKey",
					"kms:ListKeys",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:KeyOrigin": "AWS_KMS",
					},
				},
			},
		],
	}
}

# wildcards are not reported
test_wildcards_and_identity_policies if {
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
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:List*",
				"Resource": "*",
			},
		],
	}
}
