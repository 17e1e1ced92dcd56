package kmsguard.rules.validation["unknown-action_test"]

import data.kmsguard.rules.validation["unknown-action"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS022",
	"name": "unknown-action",
	"title": "Unknown KMS action",
	"severity": "medium",
	"category": "validation",
	"description": "A kms: action name (or wildcard pattern) that matches no KMS action, such as kms:Decrypts or kms:GenerateDatakeys*: in an Allow it grants nothing, in a Deny it denies nothing. Action names are case-insensitive.",
	"remediation": "Correct the action name; the list of KMS actions is in the Service Authorization Reference.",
	"related_resources": [
		"https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

test_misspelt if {
	rule.deny == {finding(1, "Typo", "Statement[1] \"Typo\" names kms:Decrypts, kms:GenerateDatakeys*, which match no KMS action")} with input as {
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
				"Sid": "Typo",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms:Decrypts",
					"kms:GenerateDatakeys*",
					"kms:Encrypt",
				],
				"Resource": "*",
			},
		],
	}
}

test_deny_unknown if {
	rule.deny == {finding(0, null, "Statement[0] names kms:ScheduleDeletion, which matches no KMS action")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Deny",
				"Action": "kms:ScheduleDeletion",
				"Resource": "*",
			},
		],
	}
}

# T24
test_case_insensitive if {
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
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"KMS:decrypt",
					"kms:GenerateDataKey*",
					"kms:*Alias",
				],
				"Resource": "*",
			},
		],
	}
}

# KMS001 reports it
test_space_is_structure_error if {
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
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": [
					"kms: TagResource",
				],
				"Resource": "*",
			},
		],
	}
}
