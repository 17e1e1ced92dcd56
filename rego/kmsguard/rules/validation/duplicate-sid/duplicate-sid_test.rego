package kmsguard.rules.validation["duplicate-sid_test"]

import data.kmsguard.rules.validation["duplicate-sid"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS027",
	"name": "duplicate-sid",
	"title": "Duplicate statement id",
	"severity": "low",
	"category": "validation",
	"description": "Two statements share the same Sid. IAM requires unique Sids in identity policies; in a key policy duplicates are accepted but make findings, CloudTrail analysis and later edits ambiguous.",
	"remediation": "Give each statement its own Sid.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# c7n DefaultRoot/SpecificAllow style duplicates
test_three_same if {
	rule.warn == {finding(1, "A", "Statement[1] \"A\" has the same Sid as Statement[0]"), finding(2, "A", "Statement[2] \"A\" has the same Sid as Statement[0]")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "111122223333",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/y",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

test_unique if {
	rule.warn == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Sid": "A",
				"Effect": "Allow",
				"Principal": {
					"AWS": "111122223333",
				},
				"Action": "kms:*",
				"Resource": "*",
			},
			{
				"Sid": "B",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/x",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}
