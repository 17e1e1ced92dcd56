package kmsguard.rules.deny["shadowed-allow_test"]

import data.kmsguard.rules.deny["shadowed-allow"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS014",
	"name": "shadowed-allow",
	"title": "Allow statement fully overridden by a Deny",
	"severity": "low",
	"category": "deny",
	"description": "An explicit Deny always wins. When a Deny statement with no conditions (or the same conditions) covers every action an Allow statement grants, for all of the Allow's principals and resources, the Allow never grants anything: dead policy text that hides what the policy really allows.",
	"remediation": "Remove the Allow statement, or narrow the Deny (conditions, principals, actions) to what it is meant to block.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

test_denied_everything if {
	rule.warn == {finding(1, "Alice", "Statement[1] \"Alice\" never grants anything: Statement[2] \"NoCrypto\" denies all of its actions (kms:Decrypt, kms:Encrypt) to the same principals")} with input as {
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
				"Sid": "Alice",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms:Decrypt",
					"kms:Encrypt",
				],
				"Resource": "*",
			},
			{
				"Sid": "NoCrypto",
				"Effect": "Deny",
				"Principal": "*",
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
				],
				"Resource": "*",
			},
		],
	}
}

test_same_conditions if {
	rule.warn == {finding(1, null, "Statement[1] never grants anything: Statement[2] denies all of its actions (kms:Decrypt) to the same principals")} with input as {
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
					"Bool": {
						"aws:SecureTransport": "false",
					},
				},
			},
			{
				"Effect": "Deny",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": "kms:*",
				"Resource": "*",
				"Condition": {
					"Bool": {
						"aws:SecureTransport": "false",
					},
				},
			},
		],
	}
}

test_identity_policy if {
	rule.warn == {finding(0, null, "Statement[0] never grants anything: Statement[1] denies all of its actions (kms:Decrypt) to the same principals")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
			{
				"Effect": "Deny",
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# a Deny with other conditions does not shadow
test_conditional_deny if {
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
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
			{
				"Effect": "Deny",
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"aws:SourceVpce": "vpce-1a2b3c4d",
					},
				},
			},
		],
	}
}

test_partial_deny if {
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
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms:Decrypt",
					"kms:Encrypt",
				],
				"Resource": "*",
			},
			{
				"Effect": "Deny",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# the Allow still grants s3:GetObject
test_identity_policy_other_service if {
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
			{
				"Effect": "Deny",
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}
