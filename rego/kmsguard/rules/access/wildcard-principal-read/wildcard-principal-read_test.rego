package kmsguard.rules.access["wildcard-principal-read_test"]

import data.kmsguard.rules.access["wildcard-principal-read"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS004",
	"name": "wildcard-principal-read",
	"title": "Key policy lets every principal read the key's metadata",
	"severity": "low",
	"category": "access",
	"description": "An Allow statement with Principal \"*\" and no condition that restricts who can call, which allows only read or list actions (such as kms:DescribeKey or kms:GetPublicKey): anyone can learn the key's configuration, and in the key's own account every principal can read it without an IAM policy.",
	"remediation": "Name the principals that need to read the key, or add a condition on kms:CallerAccount, aws:PrincipalOrgID or aws:PrincipalArn.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

test_public_describe if {
	rule.warn == {finding(1, "Read", "Statement[1] \"Read\" lets every principal (\"*\") call kms:DescribeKey, kms:GetPublicKey with no condition")} with input as {
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
				"Sid": "Read",
				"Effect": "Allow",
				"Principal": "*",
				"Action": [
					"kms:DescribeKey",
					"kms:GetPublicKey",
				],
				"Resource": "*",
			},
		],
	}
}

test_org_restricted_read if {
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
				"Principal": "*",
				"Action": "kms:DescribeKey",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:PrincipalOrgID": "o-abc123",
					},
				},
			},
		],
	}
}

test_use_is_kms003 if {
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
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}
