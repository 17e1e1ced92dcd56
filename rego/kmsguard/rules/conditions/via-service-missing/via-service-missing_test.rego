package kmsguard.rules.conditions["via-service-missing_test"]

import data.kmsguard.rules.conditions["via-service-missing"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_role_without_via_service if {
	rule.deny == {finding(1, "App", "Statement[1] \"App\" allows kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext and 3 more to arn:aws:iam::111122223333:role/App without a kms:ViaService condition, although the key is meant for s3.us-west-2.amazonaws.com")} with input as {
		"policy": {
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
					"Sid": "App",
					"Effect": "Allow",
					"Principal": {
						"AWS": "arn:aws:iam::111122223333:role/App",
					},
					"Action": [
						"kms:Encrypt",
						"kms:Decrypt",
						"kms:ReEncrypt*",
						"kms:GenerateDataKey*",
						"kms:DescribeKey",
					],
					"Resource": "*",
				},
			],
		},
		"config": {
			"services": [
				"s3.us-west-2.amazonaws.com",
			],
		},
	}
}

test_undeclared_service if {
	rule.deny == {finding(1, null, "Statement[1] allows use through \"ec2.us-west-2.amazonaws.com\", which is not in config.services (s3.us-west-2.amazonaws.com)")} with input as {
		"policy": {
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
					"Action": [
						"kms:Encrypt",
						"kms:Decrypt",
						"kms:ReEncrypt*",
						"kms:GenerateDataKey*",
						"kms:DescribeKey",
					],
					"Resource": "*",
					"Condition": {
						"StringEquals": {
							"kms:ViaService": [
								"s3.us-west-2.amazonaws.com",
								"ec2.us-west-2.amazonaws.com",
							],
						},
					},
				},
			],
		},
		"config": {
			"services": [
				"s3.us-west-2.amazonaws.com",
			],
		},
	}
}

test_identity_policy if {
	rule.deny == {finding(0, null, "Statement[0] allows kms:Decrypt without a kms:ViaService condition, although the key is meant for s3.us-west-2.amazonaws.com")} with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [
				{
					"Effect": "Allow",
					"Action": [
						"kms:Decrypt",
					],
					"Resource": "*",
				},
			],
		},
		"config": {
			"services": [
				"s3.us-west-2.amazonaws.com",
			],
		},
	}
}

# the root delegation and service principals are not reported
test_limited if {
	rule.deny == set() with input as {
		"policy": {
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
					"Action": [
						"kms:Encrypt",
						"kms:Decrypt",
						"kms:ReEncrypt*",
						"kms:GenerateDataKey*",
						"kms:DescribeKey",
					],
					"Resource": "*",
					"Condition": {
						"StringEquals": {
							"kms:ViaService": "s3.us-west-2.amazonaws.com",
						},
					},
				},
				{
					"Effect": "Allow",
					"Principal": {
						"Service": "logs.us-west-2.amazonaws.com",
					},
					"Action": "kms:Decrypt",
					"Resource": "*",
				},
			],
		},
		"config": {
			"services": [
				"s3.us-west-2.amazonaws.com",
			],
		},
	}
}

test_no_services_configured if {
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
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
		],
	}
}
