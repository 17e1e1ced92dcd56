package kmsguard.rules.management["policy-lockout_test"]

import data.kmsguard.rules.management["policy-lockout"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS018",
	"name": "policy-lockout",
	"title": "Nobody can change the key policy after it is applied",
	"severity": "high",
	"category": "management",
	"description": "KMS refuses a key policy that does not let the caller make a later kms:PutKeyPolicy request, unless BypassPolicyLockoutSafetyCheck is set; with the bypass (or through an unexpected Deny) the key becomes unmanageable and only AWS Support can restore access. kmsguard asks its decision engine whether kms:PutKeyPolicy is allowed for the key's account principal (the root user), for every principal an Allow statement names, and for every principal a Deny exempts (NotPrincipal, negated aws:PrincipalArn); principals other than the root user are asked about with an IAM policy that allows kms:PutKeyPolicy, which the account can always give them. Each is asked with no request context and with the context that satisfies the conditions of the statements that allow kms:PutKeyPolicy. The policy is reported when none of them can. Invalid documents are left to KMS001.",
	"remediation": "Keep the statement that allows the key's account principal (arn:aws:iam::ACCOUNT:root) kms:* or at least kms:PutKeyPolicy, or name an administrator role that keeps kms:PutKeyPolicy; make sure no Deny takes it away from every principal.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

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
