package kmsguard.rules.validation["no-effect-statement_test"]

import data.kmsguard.rules.validation["no-effect-statement"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS029",
	"name": "no-effect-statement",
	"title": "Statement without Action or Resource",
	"severity": "medium",
	"category": "validation",
	"description": "A statement needs Action (or NotAction) and Resource (or NotResource). KMS accepts a key-policy statement without them, but it never matches a request: it has no effect (IAM rejects such identity-policy statements).",
	"remediation": "Add the missing element: in a key policy \"Resource\": \"*\" and the actions the statement is meant to allow or deny.",
	"related_resources": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# T27
test_missing_elements if {
	rule.deny == {finding(1, "NoResource", "Statement[1] \"NoResource\" has no Resource: it never applies to a request"), finding(2, null, "Statement[2] has no Action and no Resource: it never applies to a request")} with input as {
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
				"Sid": "NoResource",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/alice",
				},
				"Action": "kms:*",
			},
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
			},
		],
	}
}

test_not_elements if {
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
				"NotAction": "kms:Decrypt",
				"NotResource": "arn:aws:kms:us-west-2:111122223333:key/x",
			},
		],
	}
}
