package kmsguard.rules.validation["invalid-principal_test"]

import data.kmsguard.rules.validation["invalid-principal"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS025",
	"name": "invalid-principal",
	"title": "Principal that AWS rejects or that matches nobody",
	"severity": "medium",
	"category": "validation",
	"description": "Principal values must be \"*\", a 12-digit account id, or the ARN of an account (root), IAM user, IAM role, assumed-role session or federated user; service principals have the form SERVICE.amazonaws.com or SERVICE.REGION.amazonaws.com. AWS rejects partial wildcards (arn:aws:iam::111122223333:role/*), IAM groups and other strings; an IAM unique id (AIDA..., AROA...) means the principal was deleted and the statement matches nobody; Federated and CanonicalUser principals have no meaning in a key policy.",
	"remediation": "Write the full ARN of each user or role (use \"Principal\": \"*\" with an ArnLike aws:PrincipalArn condition for patterns, and name the members instead of a group); remove principals that no longer exist.",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# I-PRIN
test_bad_principals if {
	rule.deny == {finding(1, "Bad", "Statement[1] \"Bad\": Principal \"AIDAJQABLZS4A3QDU576Q\" is an IAM unique id: the principal it named was deleted, so the statement matches nobody"), finding(1, "Bad", "Statement[1] \"Bad\": Principal \"arn:aws:iam::111122223333:group/Admins\" is an IAM group: groups cannot be principals"), finding(1, "Bad", "Statement[1] \"Bad\": Principal \"arn:aws:iam::111122223333:role/*\" has a partial wildcard: AWS accepts \"*\" only as the whole principal"), finding(1, "Bad", "Statement[1] \"Bad\": Principal \"foo\" is not an account id or the ARN of an account, user, role, assumed-role session or federated user"), finding(1, "Bad", "Statement[1] \"Bad\": Principal Federated has no meaning in a key policy (only AWS and Service principals call KMS)"), finding(1, "Bad", "Statement[1] \"Bad\": Principal service \"logs.*.amazonaws.com\" is not a service principal (SERVICE.amazonaws.com or SERVICE.REGION.amazonaws.com, without wildcards)")} with input as {
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
				"Effect": "Allow",
				"Principal": {
					"AWS": [
						"arn:aws:iam::111122223333:role/*",
						"arn:aws:iam::111122223333:group/Admins",
						"AIDAJQABLZS4A3QDU576Q",
						"foo",
					],
					"Service": "logs.*.amazonaws.com",
					"Federated": "cognito-identity.amazonaws.com",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

test_valid_principals if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": [
						"111122223333",
						"arn:aws:iam::111122223333:root",
						"arn:aws:iam::111122223333:user/alice",
						"arn:aws:iam::111122223333:role/path/App",
						"arn:aws:sts::111122223333:assumed-role/App/s1",
						"arn:aws:sts::111122223333:federated-user/bob",
						"arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
					],
					"Service": [
						"logs.us-west-2.amazonaws.com",
						"cloudtrail.amazonaws.com",
					],
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# !Sub arn:aws:iam::${TrustedAccountId}:root: the account is a parameter
# kmsguard cannot see, not an invalid principal (docs/check.md: no finding
# comes from a value kmsguard could not see).
test_unresolved_account if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"AWS": ["arn:aws:iam::kmsguard-unresolved-TrustedAccountId:root", "kmsguard-unresolved-Other"]},
			"Action": "kms:Decrypt",
			"Resource": "*",
		}],
	}
}
