package kmsguard.rules.deny["deletion-deny-missing_test"]

import data.kmsguard.rules.deny["deletion-deny-missing"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

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
