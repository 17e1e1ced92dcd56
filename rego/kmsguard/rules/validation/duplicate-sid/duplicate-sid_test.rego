package kmsguard.rules.validation["duplicate-sid_test"]

import data.kmsguard.rules.validation["duplicate-sid"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# c7n DefaultRoot/SpecificAllow style duplicates
test_three_same if {
	rule.warn == {finding(1, "A", "Statement[1] \"A\" has the same Sid as Statement[0]"), finding(2, "A", "Statement[2] \"A\" has the same Sid as Statement[0]")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "111122223333",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/y",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

test_unique if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "111122223333",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Sid": "B",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}
