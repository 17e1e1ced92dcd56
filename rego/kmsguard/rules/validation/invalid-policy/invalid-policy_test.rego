package kmsguard.rules.validation["invalid-policy_test"]

import data.kmsguard.rules.validation["invalid-policy"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#k-kpo: Effect is Allow or Deny; an action name has no space
test_bad_effect_and_action if {
	rule.deny == {finding(1, "Bad", "Statement[1].Action: \"kms: TagResource\" is not an action (expected service:Name, e.g. kms:Decrypt, or *)"), finding(1, "Bad", "Statement[1].Effect: Permit is not \"Allow\" or \"Deny\"")} with input as {
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
				"Sid": "Bad",
				"Effect": "Permit",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms:Decrypt",
					"kms: TagResource",
				],
				"Resource": "*",
			},
		],
	}
}

# a policy needs a Statement
test_no_statement if {
	rule.deny == {document_finding("policy: the policy has no Statement")} with input as {
		"Version": "2012-10-17",
	}
}

# a policy string that is not JSON
test_not_json if {
	rule.deny == {document_finding("policy: policy is not valid JSON")} with input as {
		"policy": "{\"Version\": ",
		"kind": "key_policy",
	}
}

# the default key policy is valid
test_valid_default_policy if {
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
		],
	}
}
