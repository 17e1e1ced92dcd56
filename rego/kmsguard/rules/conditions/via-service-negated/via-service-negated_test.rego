package kmsguard.rules.conditions["via-service-negated_test"]

import data.kmsguard.rules.conditions["via-service-negated"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS012",
	"name": "via-service-negated",
	"title": "Allow with a negated kms:ViaService condition",
	"severity": "medium",
	"category": "conditions",
	"description": "An Allow statement with StringNotEquals or StringNotLike on kms:ViaService matches every request that does not come through the listed services, including direct calls to KMS, where kms:ViaService is absent and a negated operator is true. It allows far more than intended; negated kms:ViaService conditions belong in Deny statements.",
	"remediation": "Use a positive operator (StringEquals kms:ViaService [...]) in the Allow, or move the negated condition into a Deny statement.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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

# T28: negated ViaService belongs in a Deny
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
