package kmsguard.rules.deny["deletion-deny-missing_test"]

import data.kmsguard.rules.deny["deletion-deny-missing"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS017",
	"name": "deletion-deny-missing",
	"title": "No explicit Deny protects key deletion and policy changes",
	"severity": "info",
	"category": "deny",
	"description": "AWS's encryption best practices ask that administrative and modification permissions be explicitly denied to unapproved principals. A key policy with no Deny statement covering kms:ScheduleKeyDeletion or kms:PutKeyPolicy relies on every IAM policy of the account to keep them from everyone else. This is advice, not an error.",
	"remediation": "Add a Deny statement for kms:ScheduleKeyDeletion and kms:PutKeyPolicy with Principal \"*\" and \"ArnNotEquals\": {\"aws:PrincipalArn\": [the approved administrator roles]}, or enforce the same with an SCP.",
	"related_resources": [
		"https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# BP
test_default_policy if {
	rule.warn == {document_finding("no Deny statement protects kms:PutKeyPolicy, kms:ScheduleKeyDeletion from principals other than the key administrators")} with input as {
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

test_only_deletion_denied if {
	rule.warn == {document_finding("no Deny statement protects kms:PutKeyPolicy from principals other than the key administrators")} with input as {
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
				"Effect": "Deny",
				"Principal": "*",
				"Action": "kms:ScheduleKeyDeletion",
				"Resource": "*",
				"Condition": {
					"ArnNotEquals": {
						"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin",
					},
				},
			},
		],
	}
}

test_both_denied if {
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
				"Effect": "Deny",
				"Principal": "*",
				"Action": [
					"kms:ScheduleKeyDeletion",
					"kms:PutKeyPolicy",
				],
				"Resource": "*",
				"Condition": {
					"ArnNotEquals": {
						"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin",
					},
				},
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
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}
