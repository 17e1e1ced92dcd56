package kmsguard.rules.deny["ineffective-deny_test"]

import data.kmsguard.rules.deny["ineffective-deny"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS015",
	"name": "ineffective-deny",
	"title": "Deny statement that can never deny anything",
	"severity": "medium",
	"category": "deny",
	"description": "A Deny statement that never matches a request gives a false sense of protection: in a key policy it names no KMS action that applies to a key (another service's actions, an IAM-only action such as kms:CreateKey, a misspelt action), or one of its conditions can never hold (an unknown condition key, a key no action of the statement carries such as kms:ReplicaRegion on kms:Decrypt, aws:ResourceTag in a key policy, StringEquals with a wildcard, a non-numeric value for a Numeric operator).",
	"remediation": "Name the KMS actions to deny and use condition keys and operators that the requests carry (negated operators, or ...IfExists, for keys that may be absent).",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

test_no_kms_action if {
	rule.deny == {finding(1, "Wrong", "Statement[1] \"Wrong\" can never deny anything: it names no KMS action that applies to a key")} with input as {
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
				"Sid": "Wrong",
				"Effect": "Deny",
				"Principal": "*",
				"Action": [
					"s3:*",
					"kms:CreateKey",
				],
				"Resource": "*",
			},
		],
	}
}

test_conditions_never_hold if {
	rule.deny == {finding(1, null, "Statement[1] can never deny anything: StringEquals on kms:EncryptionContxt:app: the key is unknown to KMS and IAM, so it is never in the request"), finding(1, null, "Statement[1] can never deny anything: StringEquals on kms:ReplicaRegion: no action of the statement (kms:Decrypt) carries this key")} with input as {
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
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ReplicaRegion": "eu-west-1",
						"kms:EncryptionContxt:app": "x",
					},
				},
			},
		],
	}
}

# corpus 015
test_deny_via_service if {
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
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:Encrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ViaService": "lambda.us-west-2.amazonaws.com",
					},
				},
			},
		],
	}
}

# corpus 007 (lower-case key name)
test_deny_not_source_vpce if {
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
				"Principal": "*",
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"aws:sourceVpce": "vpce-1234abcdf5678c90a",
					},
				},
			},
		],
	}
}

# identity policies may deny other services
test_identity_policy_other_service if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Deny",
				"Action": "s3:*",
				"Resource": "*",
			},
		],
	}
}
