package kmsguard.rules.access["separation-of-duties_test"]

import data.kmsguard.rules.access["separation-of-duties"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#t22: kms:Create* includes unconditioned CreateGrant
test_console_admin_statement if {
	rule.deny == {finding(1, "Allow access for Key Administrators", "Statement[1] \"Allow access for Key Administrators\" gives arn:aws:iam::111122223333:role/KMSAdminRole key administration (kms:CancelKeyDeletion, kms:CreateAlias, kms:DeleteAlias, kms:DeleteImportedKeyMaterial, kms:DisableKey and 11 more) and use of the key (through grants it can create for itself with kms:CreateGrant)"), finding(1, "Allow access for Key Administrators", "Statement[1] \"Allow access for Key Administrators\" gives arn:aws:iam::111122223333:user/KMSAdminUser key administration (kms:CancelKeyDeletion, kms:CreateAlias, kms:DeleteAlias, kms:DeleteImportedKeyMaterial, kms:DisableKey and 11 more) and use of the key (through grants it can create for itself with kms:CreateGrant)")} with input as {
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
				"Sid": "Allow access for Key Administrators",
				"Effect": "Allow",
				"Principal": {
					"AWS": [
						"arn:aws:iam::111122223333:user/KMSAdminUser",
						"arn:aws:iam::111122223333:role/KMSAdminRole",
					],
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

# admin and use through two statements
test_same_role_two_statements if {
	rule.deny == {finding(2, "Use", "Statement[2] \"Use\" gives arn:aws:iam::111122223333:role/Ops key administration (kms:DisableKey, kms:EnableKey) and use of the key (kms:Decrypt) (statements 1, 2)")} with input as {
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
				"Sid": "Admin",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/Ops",
				},
				"Action": [
					"kms:DisableKey",
					"kms:EnableKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Use",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/Ops",
				},
				"Action": [
					"kms:Decrypt",
				],
				"Resource": "*",
			},
		],
	}
}

test_user_kms_star if {
	rule.deny == {finding(1, null, "Statement[1] gives arn:aws:iam::111122223333:user/bob key administration (kms:CancelKeyDeletion, kms:CreateAlias, kms:DeleteAlias, kms:DeleteImportedKeyMaterial, kms:DisableKey and 14 more) and use of the key (kms:CreateGrant, kms:Decrypt, kms:DeriveSharedSecret, kms:Encrypt, kms:GenerateDataKey and 9 more)")} with input as {
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
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# identity policy: one identity gets both classes
test_identity_policy_both if {
	rule.deny == {finding(0, null, "Statement[0]: the policy gives the identity it is attached to key administration (kms:PutKeyPolicy) and use of keys (kms:Decrypt)")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": [
					"kms:Decrypt",
					"kms:PutKeyPolicy",
				],
				"Resource": "arn:aws:kms:us-west-2:111122223333:key/*",
			},
		],
	}
}

# console pattern done right
test_separate_admins_and_users if {
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
					"AWS": "arn:aws:iam::111122223333:role/Admin",
				},
				"Action": [
					"kms:CreateAlias",
					"kms:PutKeyPolicy",
					"kms:ScheduleKeyDeletion",
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
	}
}

# an unconditioned Deny removes the use side
test_deny_takes_use_away if {
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
					"AWS": "arn:aws:iam::111122223333:role/Ops",
				},
				"Action": [
					"kms:DisableKey",
					"kms:Decrypt",
				],
				"Resource": "*",
			},
			{
				"Effect": "Deny",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/Ops",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# account principals are delegations, not identities
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

# service-linked roles are service identities
test_service_linked_role if {
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
					"AWS": "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
				},
				"Action": [
					"kms:Decrypt",
					"kms:CreateGrant",
					"kms:RevokeGrant",
				],
				"Resource": "*",
			},
		],
	}
}

# A Deny limited by aws:PrincipalArn to the administrator role always
# applies to it: "For IAM roles, the request context returns the ARN of the
# role, not the ARN of the user that assumed the role."
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
# "An explicit deny in any of these policies overrides the allow."
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
admin_with_use := [
	{
		"Sid": "Admins",
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
		"Action": ["kms:DisableKey", "kms:Decrypt"],
		"Resource": "*",
	},
	{
		"Sid": "NoDecryptForAdmins",
		"Effect": "Deny",
		"Principal": "*",
		"Action": "kms:Decrypt",
		"Resource": "*",
		"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Ops"}},
	},
]

test_conditioned_deny_takes_use_away if {
	rule.deny == set() with input as {"Version": "2012-10-17", "Statement": admin_with_use}
}

# A Deny the caller can escape (decryption outside S3) leaves the use
# through S3: still both duties.
test_escapable_deny_leaves_use if {
	rule.deny == {finding(0, "Admins", "Statement[0] \"Admins\" gives arn:aws:iam::111122223333:role/Ops key administration (kms:DisableKey) and use of the key (kms:Decrypt)")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			admin_with_use[0],
			{
				"Effect": "Deny",
				"Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
			},
		],
	}
}

# A role and its sessions are one identity: a session gets what the key
# policy gives its role and itself.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session
test_role_and_session if {
	rule.deny == {finding(1, null, "Statement[1] gives arn:aws:iam::111122223333:role/Ops (also named arn:aws:sts::111122223333:assumed-role/Ops/alice) key administration (kms:ScheduleKeyDeletion) and use of the key (kms:Decrypt) (statements 0, 1)")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
				"Action": "kms:ScheduleKeyDeletion",
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/Ops/alice"},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# "*" limited by aws:PrincipalArn to the role names the role.
test_star_limited_to_role if {
	rule.deny == {finding(1, null, "Statement[1] gives arn:aws:iam::111122223333:role/Ops key administration (kms:ScheduleKeyDeletion) and use of the key (kms:Decrypt) (statements 0, 1)")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
				"Action": "kms:ScheduleKeyDeletion",
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Ops"}},
			},
		],
	}
}

# Identity policies name keys by ARN as often as by "*": "Resource":
# "arn:aws:kms:...:key/..." lets the identity use and manage that key.
# https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
test_identity_policy_key_arns if {
	rule.deny == {finding(1, null, "Statement[1]: the policy gives the identity it is attached to key administration (kms:ScheduleKeyDeletion) and use of keys (kms:Decrypt) (statements 0, 1)")} with input as {
		"policy": {
			"Version": "2012-10-17",
			"Statement": [
				{
					"Effect": "Allow",
					"Action": "kms:Decrypt",
					"Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
				},
				{
					"Effect": "Allow",
					"Action": "kms:ScheduleKeyDeletion",
					"Resource": "arn:aws:kms:*:111122223333:key/mrk-*",
				},
			],
		},
		"kind": "identity_policy",
	}
}
