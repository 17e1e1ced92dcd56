package kmsguard.rules.grants["grant-not-for-aws-resource_test"]

import data.kmsguard.rules.grants["grant-not-for-aws-resource"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS013",
	"name": "grant-not-for-aws-resource",
	"title": "Grant permissions for key users not limited to AWS services",
	"severity": "medium",
	"category": "grants",
	"description": "kms:CreateGrant, kms:ListGrants and kms:RevokeGrant for principals that do not administer the key should carry \"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"} (or a kms:ViaService condition), as the console's \"Allow attachment of persistent resources\" statement does. Without it the principal can call CreateGrant directly and give any principal any grant operation, including kms:Decrypt, or revoke the grants AWS services rely on. Administrators are the principals of config.admins, or (without it) principals the policy also gives other administration actions (separation of duties covers them). Service principals and the account delegation statement are not reported.",
	"remediation": "Add \"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}} to the statement, or limit CreateGrant with kms:GrantOperations, kms:GranteePrincipal and kms:ViaService when the principal must create grants itself.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/grants.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# K-DEF: the persistent-resources statement without its condition
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

# S-ASG cross-account example: the whole account can create any grant
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

# K-DEF
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
