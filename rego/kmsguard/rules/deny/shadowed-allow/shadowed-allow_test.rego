package kmsguard.rules.deny["shadowed-allow_test"]

import data.kmsguard.rules.deny["shadowed-allow"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

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
