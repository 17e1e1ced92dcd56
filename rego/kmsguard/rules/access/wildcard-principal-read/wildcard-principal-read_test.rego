package kmsguard.rules.access["wildcard-principal-read_test"]

import data.kmsguard.rules.access["wildcard-principal-read"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

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
