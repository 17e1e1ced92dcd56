package kmsguard.rules.access["wildcard-action_test"]

import data.kmsguard.rules.access["wildcard-action"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# BP: do not use kms:*
test_user_kms_star if {
	rule.deny == {finding(1, "Bob", "Statement[1] \"Bob\" gives every KMS action (kms:*) to arn:aws:iam::111122223333:user/bob; only the account principal of the key's account should get kms:*")} with input as {
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
				"Sid": "Bob",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# * is every action
test_everything_to_role_and_service if {
	rule.deny == {finding(1, null, "Statement[1] gives every KMS action (kms:*) to arn:aws:iam::111122223333:role/App, events.amazonaws.com; only the account principal of the key's account should get kms:*")} with input as {
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
					"Service": "events.amazonaws.com",
				},
				"Action": "*",
				"Resource": "*",
			},
		],
	}
}

# Allow + NotAction gives everything else
test_not_action_allow if {
	rule.deny == {finding(1, null, "Statement[1] gives every KMS action except those its NotAction lists to arn:aws:iam::111122223333:user/bob; only the account principal of the key's account should get kms:*")} with input as {
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
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
				"NotAction": [
					"kms:ScheduleKeyDeletion",
				],
				"Resource": "*",
			},
		],
	}
}

# kms:* to another account's principal
test_external_root_kms_star if {
	rule.deny == {finding(1, null, "Statement[1] gives every KMS action (kms:*) to arn:aws:iam::444455556666:root; only the account principal of the key's account should get kms:*")} with input as {
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
						"AWS": "arn:aws:iam::444455556666:root",
					},
					"Action": "kms:*",
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

test_everyone_kms_star if {
	rule.deny == {finding(1, null, "Statement[1] gives every KMS action (kms:*) to every principal (\"*\"); only the account principal of the key's account should get kms:*")} with input as {
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
				"Principal": "*",
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# identity policy: kms:* on every key
test_identity_policy_kms_star if {
	rule.deny == {finding(0, null, "Statement[0] gives every KMS action (kms:*) on keys to the identity the policy is attached to")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# identity policy: * on S3 objects is not about keys
test_identity_policy_other_resources if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "*",
				"Resource": "arn:aws:s3:::bucket/*",
			},
		],
	}
}

# the delegation statement is not reported
test_root_delegation if {
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

# bare account id of the key's account
test_root_delegation_account_id if {
	rule.deny == set() with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [
				{
					"Effect": "Allow",
					"Principal": {
						"AWS": "111122223333",
					},
					"Action": "kms:*",
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# A key belongs to one account ("Each KMS key belongs to a single AWS
# account"), so kms:* to the account principals of two accounts gives it to
# another account, whichever owns the key.
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
test_two_accounts_unknown_key_account if {
	rule.deny == {finding(0, null, "Statement[0] gives every KMS action (kms:*) to arn:aws:iam::111122223333:root, arn:aws:iam::444455556666:root; the policy gives it to the account principals of 2 accounts (arn:aws:iam::111122223333:root, arn:aws:iam::444455556666:root), and the key belongs to only one of them")} with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]},
			"Action": "kms:*",
			"Resource": "*",
		}],
	}
}

# The same with the second account a CloudFormation parameter.
test_placeholder_account if {
	count(rule.deny) == 2 with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::123456789012:root"},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::kmsguard-unresolved-TrustedAccountId:root"},
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# One placeholder account alone may be the key's own: no finding.
test_placeholder_account_alone if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::kmsguard-unresolved-AccountId:root"},
			"Action": "kms:*",
			"Resource": "*",
		}],
	}
}

# Identity policies: kms:* on a key ARN pattern gives administration and use
# of those keys.
# https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
test_identity_policy_mrk_pattern if {
	rule.deny == {finding(0, null, "Statement[0] gives every KMS action (kms:*) on keys to the identity the policy is attached to")} with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:111122223333:key/mrk-*"}],
		},
		"kind": "identity_policy",
	}
}
