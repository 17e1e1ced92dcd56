package kmsguard.rules.conditions["via-service-negated_test"]

import data.kmsguard.rules.conditions["via-service-negated"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_allow_not_equals if {
	rule.deny == {finding(1, "App", "Statement[1] \"App\": StringNotEquals on kms:ViaService in an Allow also matches direct calls and every other service")} with input as {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"kms:ViaService": "lambda.us-west-2.amazonaws.com",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#t28: negated ViaService belongs in a Deny
test_deny_not_equals if {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"kms:ViaService": [
							"s3.us-west-2.amazonaws.com",
							"ec2.us-west-2.amazonaws.com",
						],
					},
				},
			},
		],
	}
}
