package kmsguard.rules.validation["unknown-action_test"]

import data.kmsguard.rules.validation["unknown-action"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_misspelt if {
	rule.deny == {finding(1, "Typo", "Statement[1] \"Typo\" names kms:Decrypts, kms:GenerateDatakeys*, which match no KMS action")} with input as {
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
				"Sid": "Typo",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms:Decrypts",
					"kms:GenerateDatakeys*",
					"kms:Encrypt",
				],
				"Resource": "*",
			},
		],
	}
}

test_deny_unknown if {
	rule.deny == {finding(0, null, "Statement[0] names kms:ScheduleDeletion, which matches no KMS action")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Deny",
				"Action": "kms:ScheduleDeletion",
				"Resource": "*",
			},
		],
	}
}

# docs/aws-rules.md#t24
test_case_insensitive if {
	rule.deny == set() with input as {
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
					"KMS:decrypt",
					"kms:GenerateDataKey*",
					"kms:*Alias",
				],
				"Resource": "*",
			},
		],
	}
}

# KMS001 reports it
test_space_is_structure_error if {
	rule.deny == set() with input as {
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
					"kms: TagResource",
				],
				"Resource": "*",
			},
		],
	}
}
