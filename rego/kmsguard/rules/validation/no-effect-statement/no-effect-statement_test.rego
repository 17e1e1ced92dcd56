package kmsguard.rules.validation["no-effect-statement_test"]

import data.kmsguard.rules.validation["no-effect-statement"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#t27
test_missing_elements if {
	rule.deny == {finding(1, "NoResource", "Statement[1] \"NoResource\" has no Resource: it never applies to a request"), finding(2, null, "Statement[2] has no Action and no Resource: it never applies to a request")} with input as {
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
				"Sid": "NoResource",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:*",
			},
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
			},
		],
	}
}

test_not_elements if {
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
				"NotAction": "kms:Decrypt",
				"NotResource": "arn:aws:kms:us-west-2:111122223333:key/x",
			},
		],
	}
}
