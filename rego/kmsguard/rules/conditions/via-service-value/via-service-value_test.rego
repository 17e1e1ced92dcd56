package kmsguard.rules.conditions["via-service-value_test"]

import data.kmsguard.rules.conditions["via-service-value"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_malformed_values if {
	rule.deny == {finding(1, null, "Statement[1]: kms:ViaService value \"EC2.us-west-2.amazonaws.com\" has upper-case letters; services send it in lower case"), finding(1, null, "Statement[1]: kms:ViaService value \"ec2.amazonaws.com\" is not of the form SERVICE.REGION.amazonaws.com"), finding(1, null, "Statement[1]: kms:ViaService value \"s3.global.amazonaws.com\" is not of the form SERVICE.REGION.amazonaws.com")} with input as {
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
					"StringEquals": {
						"kms:ViaService": [
							"ec2.amazonaws.com",
							"EC2.us-west-2.amazonaws.com",
							"s3.global.amazonaws.com",
						],
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#k-cond: keys are Regional
test_other_region if {
	rule.deny == {finding(1, null, "Statement[1]: kms:ViaService value \"s3.us-east-1.amazonaws.com\" names Region us-east-1, but the key is in us-west-2")} with input as {
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
					"Action": "kms:Decrypt",
					"Resource": "*",
					"Condition": {
						"StringEquals": {
							"kms:ViaService": "s3.us-east-1.amazonaws.com",
						},
					},
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

test_well_formed if {
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
					"Action": "kms:Decrypt",
					"Resource": "*",
					"Condition": {
						"StringLike": {
							"kms:ViaService": [
								"secretsmanager.*.amazonaws.com",
								"s3.us-west-2.amazonaws.com",
							],
						},
					},
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# kms:ViaService: !Ref ServiceEndpoint is a value kmsguard cannot see
# (docs/check.md): not judged.
test_unresolved_value if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
			"Action": "kms:Decrypt",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:ViaService": "kmsguard-unresolved-ServiceEndpoint"}},
		}],
	}
}
