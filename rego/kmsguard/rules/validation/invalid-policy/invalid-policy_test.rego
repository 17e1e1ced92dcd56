package kmsguard.rules.validation["invalid-policy_test"]

import data.kmsguard.rules.validation["invalid-policy"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS001",
	"name": "invalid-policy",
	"title": "Policy document is malformed",
	"severity": "high",
	"category": "validation",
	"description": "A policy that AWS would reject: not a JSON object, unknown elements, an Effect other than Allow or Deny, Action and NotAction together, a malformed action name (such as \"kms: TagResource\" with a space), an unknown condition operator, a key-policy statement without a principal. Each problem is one finding.",
	"remediation": "Fix the element the message names. PutKeyPolicy and the IAM APIs reject the document with MalformedPolicyDocumentException until it is valid.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
		"https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# K-KPO: Effect is Allow or Deny; an action name has no space
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
