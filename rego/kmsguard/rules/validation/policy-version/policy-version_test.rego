package kmsguard.rules.validation["policy-version_test"]

import data.kmsguard.rules.validation["policy-version"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#i-var: without Version 2012-10-17 variables are literal
test_no_version_with_variables if {
	rule.warn == {document_finding("the policy has no Version, so the 2008-10-17 policy language applies: its ${...} policy variables are literal text; add \"Version\": \"2012-10-17\"")} with input as {
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:EncryptionContext:user": "${aws:username}",
					},
				},
			},
		],
	}
}

# c7n: GetKeyPolicy returned a 2008-10-17 policy
test_old_version if {
	rule.warn == {document_finding("the policy uses the old policy language version 2008-10-17; use \"2012-10-17\"")} with input as {
		"Version": "2008-10-17",
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
		],
	}
}

test_current_version if {
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
		],
	}
}
