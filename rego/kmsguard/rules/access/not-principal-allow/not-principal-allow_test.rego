package kmsguard.rules.access["not-principal-allow_test"]

import data.kmsguard.rules.access["not-principal-allow"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS016",
	"name": "not-principal-allow",
	"title": "Allow statement with NotPrincipal",
	"severity": "medium",
	"category": "access",
	"description": "NotPrincipal with Effect Allow gives the statement's permissions to every principal except the ones listed, in every account, anonymous callers included. AWS no longer supports the combination and recommends Principal \"*\" with an aws:PrincipalArn condition instead.",
	"remediation": "Name the principals in Principal, or use Principal \"*\" with a positive condition such as \"ArnEquals\": {\"aws:PrincipalArn\": [...]}.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# I-NOTPRIN
test_allow_not_principal if {
	rule.deny == {finding(1, "AllButBob", "Statement[1] \"AllButBob\" uses NotPrincipal with Allow: it gives kms:Decrypt to every principal not listed, in every account")} with input as {
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
				"Sid": "AllButBob",
				"Effect": "Allow",
				"NotPrincipal": {
					"AWS": "arn:aws:iam::111122223333:user/bob",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# T45
test_deny_not_principal if {
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
				"NotPrincipal": {
					"AWS": [
						"arn:aws:iam::111122223333:role/Admin",
						"arn:aws:iam::111122223333:root",
					],
				},
				"Action": "kms:PutKeyPolicy",
				"Resource": "*",
			},
		],
	}
}
