package kmsguard.rules.management["policy-lockout_test"]

import data.kmsguard.rules.management["policy-lockout"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# checkov pass_1: unusable and unmanageable
test_deny_everything if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Deny",
				"Principal": {
					"AWS": "*",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# corpus 002
test_describe_only if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/Alice",
				},
				"Action": "kms:DescribeKey",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:KeySpec": "SYMMETRIC_DEFAULT",
					},
				},
			},
		],
	}
}

# an unconditioned Deny takes PutKeyPolicy from everyone
test_root_denied if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
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
					"Effect": "Deny",
					"Principal": "*",
					"Action": "kms:PutKeyPolicy",
					"Resource": "*",
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

test_default_policy if {
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

# checkov pass_4: the root user can sign in with MFA
test_root_with_mfa if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:root",
				},
				"Action": "kms:*",
				"Resource": "*",
				"Condition": {
					"Bool": {
						"aws:MultiFactorAuthPresent": "true",
					},
				},
			},
		],
	}
}

# no account statement, but an administrator role
test_named_admin if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
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
		],
	}
}

# the exempted role manages the key through IAM
test_admins_exempted_from_deny if {
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
					"Effect": "Deny",
					"Principal": "*",
					"Action": [
						"kms:PutKeyPolicy",
						"kms:ScheduleKeyDeletion",
					],
					"Resource": "*",
					"Condition": {
						"ArnNotEquals": {
							"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin",
						},
					},
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# invalid documents are KMS001's
test_invalid_policy if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": "foo",
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

test_identity_policy if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# The administrators named only in a condition can manage the key: "For IAM
# roles, the request context returns the ARN of the role, not the ARN of the
# user that assumed the role."
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
# and the decision engine answers Allowed for that role.
test_admin_named_in_condition_of_star if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:*",
			"Resource": "*",
			"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin"}},
		}],
	}
}

test_admin_named_in_condition_of_root if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
			"Action": "kms:*",
			"Resource": "*",
			"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin"}},
		}],
	}
}

# "You cannot use a wildcard to match part of a principal name or ARN":
# IAM Identity Center roles are exempted with ArnNotLike aws:PrincipalArn
# and a pattern (KMS017's remediation), which the engine matches.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
sso_exempt_policy := {
	"Version": "2012-10-17",
	"Statement": [
		{
			"Sid": "Enable IAM User Permissions",
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
			"Action": "kms:*",
			"Resource": "*",
		},
		{
			"Sid": "Only administrators manage",
			"Effect": "Deny",
			"Principal": "*",
			"Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
			"Resource": "*",
			"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_KeyAdmin_*"}},
		},
	],
}

test_deny_exempts_sso_pattern if {
	rule.deny == set() with input as sso_exempt_policy
}

# The same Deny exempting the administrators by a principal tag.
test_deny_exempts_principal_tag if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			sso_exempt_policy.Statement[0],
			{
				"Effect": "Deny",
				"Principal": "*",
				"Action": "kms:PutKeyPolicy",
				"Resource": "*",
				"Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "key-admins"}},
			},
		],
	}
}

# A principal tag is never the root user's: a Deny exempting only tagged
# principals, with no statement delegating to IAM, locks the key.
test_deny_exempts_principal_tag_root_only if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:role/kmsguard-key-administrator, arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::111122223333:role/Admin"},
				"Action": "kms:DescribeKey",
				"Resource": "*",
			},
			{
				"Effect": "Allow",
				"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
				"Action": "kms:PutKeyPolicy",
				"Resource": "*",
				"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:root"}},
			},
			{
				"Effect": "Deny",
				"Principal": "*",
				"Action": "kms:PutKeyPolicy",
				"Resource": "*",
				"Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "key-admins"}},
			},
		],
	}
}

# Lockout by condition: kms:GrantIsForAWSResource "Allows principals to call
# CreateGrant, ListGrants, or RevokeGrant only when an AWS service that is
# integrated with AWS KMS sends the request on the principal's behalf", so a
# PutKeyPolicy request never carries it.
# https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html
test_only_path_needs_grant_key if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:role/Admin, arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:role/Admin"},
			"Action": "kms:*",
			"Resource": "*",
			"Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
		}],
	}
}

# The encryption context is a parameter of cryptographic operations and
# grants, never of PutKeyPolicy.
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
test_only_path_needs_encryption_context if {
	rule.deny == {document_finding("no principal can call kms:PutKeyPolicy once this policy is applied (asked for arn:aws:iam::111122223333:root): the key could not be managed again")} with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
			"Action": "kms:*",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:EncryptionContext:app": "billing"}},
		}],
	}
}

# The same condition on a key PutKeyPolicy requests do carry
# (kms:CallerAccount) does not lock the key.
test_path_with_present_key if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
			"Action": "kms:*",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}},
		}],
	}
}
