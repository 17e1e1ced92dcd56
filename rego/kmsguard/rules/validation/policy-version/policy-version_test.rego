package kmsguard.rules.validation["policy-version_test"]

import data.kmsguard.rules.validation["policy-version"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS002",
	"name": "policy-version",
	"title": "Policy has no Version or the old 2008-10-17 version",
	"severity": "low",
	"category": "validation",
	"description": "Without \"Version\": \"2012-10-17\" a policy is read with the 2008-10-17 policy language: policy variables such as ${aws:username} are literal text, so conditions and resources that use them do not work as written.",
	"remediation": "Add \"Version\": \"2012-10-17\" as the first element of the document.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# I-VAR: without Version 2012-10-17 variables are literal
test_no_version_with_variables if {
	rule.warn == {document_finding("the policy has no Version, so the 2008-10-17 policy language applies: its ${...} policy variables are literal text; add \"Version\": \"2012-10-17\"")} with input as {
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:EncryptionContext:user": "${aws:username}",
					},
				},
			},
		],
	}
}

# c7n: GetKeyPolicy returned a 2008-10-17 policy
test_old_version if {
	rule.warn == {document_finding("the policy uses the old policy language version 2008-10-17; use \"2012-10-17\"")} with input as {
		"Version": "2008-10-17",
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

test_current_version if {
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
