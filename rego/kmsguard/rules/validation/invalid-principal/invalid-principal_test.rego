package kmsguard.rules.validation["invalid-principal_test"]

import data.kmsguard.rules.validation["invalid-principal"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#i-prin
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
