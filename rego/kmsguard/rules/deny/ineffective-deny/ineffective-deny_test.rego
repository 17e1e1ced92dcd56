package kmsguard.rules.deny["ineffective-deny_test"]

import data.kmsguard.rules.deny["ineffective-deny"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_no_kms_action if {
	rule.deny == {finding(1, "Wrong", "Statement[1] \"Wrong\" can never deny anything: it names no KMS action that applies to a key")} with input as {
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
				"Sid": "Wrong",
				"Effect": "Deny",
				"Principal": "*",
				"Action": [
					"s3:*",
					"kms:CreateKey",
				],
				"Resource": "*",
			},
		],
	}
}

test_conditions_never_hold if {
	rule.deny == {finding(1, null, "Statement[1] can never deny anything: StringEquals on kms:EncryptionContxt:app: the key is unknown to KMS and IAM, so it is never in the request"), finding(1, null, "Statement[1] can never deny anything: StringEquals on kms:ReplicaRegion: no action of the statement (kms:Decrypt) carries this key")} with input as {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ReplicaRegion": "eu-west-1",
						"kms:EncryptionContxt:app": "x",
					},
				},
			},
		],
	}
}

# corpus 015
test_deny_via_service if {
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
				"Effect": "Deny",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Encrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ViaService": "lambda.us-west-2.amazonaws.com",
					},
				},
			},
		],
	}
}

# corpus 007 (lower-case key name)
test_deny_not_source_vpce if {
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
				"Effect": "Deny",
				"Principal": "*",
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"aws:sourceVpce": "vpce-1234abcdf5678c90a",
					},
				},
			},
		],
	}
}

# identity policies may deny other services
test_identity_policy_other_service if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Deny",
				"Action": "s3:*",
				"Resource": "*",
			},
		],
	}
}
