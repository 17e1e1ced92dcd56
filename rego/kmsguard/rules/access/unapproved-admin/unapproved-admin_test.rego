package kmsguard.rules.access["unapproved-admin_test"]

import data.kmsguard.rules.access["unapproved-admin"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_other_role_gets_admin if {
	rule.deny == {finding(2, "Dev", "Statement[2] \"Dev\" gives kms:DisableKey, kms:PutKeyPolicy to arn:aws:iam::111122223333:role/Dev, every principal (\"*\"), not in config.admins")} with input as {
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
						"AWS": "arn:aws:iam::111122223333:role/KeyAdmin",
					},
					"Action": [
						"kms:Create*",
						"kms:Describe*",
						"kms:Enable*",
						"kms:List*",
						"kms:Put*",
						"kms:Update*",
						"kms:Revoke*",
						"kms:Disable*",
						"kms:Get*",
						"kms:Delete*",
						"kms:TagResource",
						"kms:UntagResource",
						"kms:ScheduleKeyDeletion",
						"kms:CancelKeyDeletion",
					],
					"Resource": "*",
				},
				{
					"Sid": "Dev",
					"Effect": "Allow",
					"Principal": {
						"AWS": [
							"arn:aws:iam::111122223333:role/Dev",
							"*",
						],
					},
					"Action": [
						"kms:PutKeyPolicy",
						"kms:DisableKey",
						"kms:Decrypt",
					],
					"Resource": "*",
					"Condition": {
						"StringEquals": {
							"kms:CallerAccount": "111122223333",
						},
					},
				},
			],
		},
		"config": {
			"admins": [
				"arn:aws:iam::111122223333:role/KeyAdmin",
			],
		},
	}
}

# a service principal: grant operations are not reported, PutKeyPolicy is
test_service_gets_put_key_policy if {
	rule.deny == {finding(1, null, "Statement[1] gives kms:CreateGrant, kms:PutKeyPolicy to events.amazonaws.com, not in config.admins")} with input as {
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
						"Service": "events.amazonaws.com",
					},
					"Action": [
						"kms:PutKeyPolicy",
						"kms:CreateGrant",
					],
					"Resource": "*",
				},
			],
		},
		"config": {
			"admins": [
				"arn:aws:iam::111122223333:role/KeyAdmin",
			],
		},
	}
}

test_approved_admin if {
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
						"AWS": "arn:aws:iam::111122223333:role/KeyAdmin",
					},
					"Action": [
						"kms:Create*",
						"kms:Describe*",
						"kms:Enable*",
						"kms:List*",
						"kms:Put*",
						"kms:Update*",
						"kms:Revoke*",
						"kms:Disable*",
						"kms:Get*",
						"kms:Delete*",
						"kms:TagResource",
						"kms:UntagResource",
						"kms:ScheduleKeyDeletion",
						"kms:CancelKeyDeletion",
					],
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
				{
					"Effect": "Allow",
					"Principal": {
						"AWS": "arn:aws:iam::111122223333:role/App",
					},
					"Action": [
						"kms:CreateGrant",
						"kms:ListGrants",
						"kms:RevokeGrant",
					],
					"Resource": "*",
					"Condition": {
						"Bool": {
							"kms:GrantIsForAWSResource": "true",
						},
					},
				},
			],
		},
		"config": {
			"admins": [
				"arn:aws:iam::111122223333:role/KeyAdmin",
			],
		},
	}
}

test_no_admins_configured if {
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
					"AWS": "arn:aws:iam::111122223333:role/Dev",
				},
				"Action": [
					"kms:PutKeyPolicy",
				],
				"Resource": "*",
			},
		],
	}
}

# "*" limited by aws:PrincipalArn to a configured administrator gives
# administration to that administrator only ("For IAM roles, the request
# context returns the ARN of the role").
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
star_for_admin(arn) := {
	"policy": {
		"Version": "2012-10-17",
		"Statement": [{
			"Sid": "Admins",
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:PutKeyPolicy",
			"Resource": "*",
			"Condition": {"ArnEquals": {"aws:PrincipalArn": arn}},
		}],
	},
	"config": {"admins": ["arn:aws:iam::111122223333:role/KeyAdmin"]},
}

test_star_limited_to_admin if {
	rule.deny == set() with input as star_for_admin("arn:aws:iam::111122223333:role/KeyAdmin")
}

test_star_limited_to_other_role if {
	rule.deny == {finding(0, "Admins", "Statement[0] \"Admins\" gives kms:PutKeyPolicy to every principal (\"*\"), not in config.admins")} with input as star_for_admin("arn:aws:iam::111122223333:role/Other")
}

# kms:ReplicateKey: "Cross-account use: No." Another account's principal
# cannot administer the key that way (KMS020 reports the statement).
# https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html
test_other_account_replicate_key if {
	rule.deny == set() with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::444455556666:role/Replicator"},
				"Action": "kms:ReplicateKey",
				"Resource": "*",
			}],
		},
		"config": {"admins": ["arn:aws:iam::111122223333:role/KeyAdmin"]},
		"key_arn": "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
	}
}
