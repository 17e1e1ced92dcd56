package kmsguard.rules.conditions["via-service-missing_test"]

import data.kmsguard.rules.conditions["via-service-missing"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS010",
	"name": "via-service-missing",
	"title": "Use of the key not limited to the configured services",
	"severity": "medium",
	"category": "conditions",
	"description": "When config.services declares which AWS services the key is for, IAM principals should be able to use it only through those services: cryptographic permissions without a positive kms:ViaService condition let them call KMS directly (download the data key, decrypt outside the service), and a kms:ViaService value outside config.services opens the key to another service. The delegation statement to the key's own account is not reported (IAM policies decide there), nor service principals.",
	"remediation": "Add \"StringEquals\": {\"kms:ViaService\": [\"s3.REGION.amazonaws.com\"]} with the declared services to the statements that allow cryptographic actions, or declare the service in config.services.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
		"https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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
