package kmsguard.rules.grants["grant-not-for-aws-resource_test"]

import data.kmsguard.rules.grants["grant-not-for-aws-resource"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#k-def: the persistent-resources statement without its condition
test_user_creates_grants_directly if {
	rule.deny == {finding(2, "Grants", "Statement[2] \"Grants\" lets arn:aws:iam::111122223333:user/CMKUser call kms:CreateGrant, kms:ListGrants, kms:RevokeGrant directly, not only through AWS services: with CreateGrant it can give any principal any grant operation, including kms:Decrypt")} with input as {
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
					"AWS": "arn:aws:iam::111122223333:user/CMKUser",
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
				"Sid": "Grants",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/CMKUser",
				},
				"Action": [
					"kms:CreateGrant",
					"kms:ListGrants",
					"kms:RevokeGrant",
				],
				"Resource": "*",
			},
		],
	}
}

# docs/aws-rules.md#s-asg cross-account example: the whole account can create any grant
test_external_account_create_grant if {
	rule.deny == {finding(1, null, "Statement[1] lets arn:aws:iam::444455556666:root call kms:CreateGrant directly, not only through AWS services: with CreateGrant it can give any principal any grant operation, including kms:Decrypt")} with input as {
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
					"Action": [
						"kms:CreateGrant",
					],
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# c7n: * limited to the account
test_everyone_in_account if {
	rule.deny == {finding(1, null, "Statement[1] lets every principal (\"*\") call kms:CreateGrant directly, not only through AWS services: with CreateGrant it can give any principal any grant operation, including kms:Decrypt")} with input as {
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
					"AWS": "*",
				},
				"Action": "kms:CreateGrant",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "111122223333",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#k-def
test_persistent_resources if {
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
					"AWS": [
						"arn:aws:iam::111122223333:user/CMKUser",
						"arn:aws:iam::444455556666:root",
					],
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
	}
}

test_service_principal_and_slr if {
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
					"Service": "iotfleetwise.amazonaws.com",
				},
				"Action": [
					"kms:CreateGrant",
					"kms:RevokeGrant",
				],
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
				},
				"Action": "kms:CreateGrant",
				"Resource": "*",
			},
		],
	}
}

test_via_service if {
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
					"AWS": "arn:aws:iam::111122223333:user/ExampleUser",
				},
				"Action": [
					"kms:CreateGrant",
					"kms:ListGrants",
				],
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ViaService": "ec2.us-west-2.amazonaws.com",
					},
				},
			},
		],
	}
}

# administrators' CreateGrant is KMS006's
test_admin_is_separation_of_duties if {
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
		],
	}
}

test_configured_admin if {
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
						"AWS": "arn:aws:iam::111122223333:role/Ops",
					},
					"Action": [
						"kms:CreateGrant",
					],
					"Resource": "*",
				},
			],
		},
		"config": {
			"admins": [
				"arn:aws:iam::111122223333:role/Ops",
			],
		},
	}
}
