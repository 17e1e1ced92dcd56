package kmsguard.rules.access["not-principal-allow_test"]

import data.kmsguard.rules.access["not-principal-allow"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#i-notprin
test_allow_not_principal if {
	rule.deny == {finding(1, "AllButBob", "Statement[1] \"AllButBob\" uses NotPrincipal with Allow: it gives kms:Decrypt to every principal not listed, in every account")} with input as {
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
				"Sid": "AllButBob",
				"Effect": "Allow",
				"NotPrincipal": {
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# docs/aws-rules.md#t45
test_deny_not_principal if {
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
				"NotPrincipal": {
					"AWS": [
						"arn:aws:iam::111122223333:role/Admin",
						"arn:aws:iam::111122223333:root",
					],
				},
				"Action": "kms:PutKeyPolicy",
				"Resource": "*",
			},
		],
	}
}
