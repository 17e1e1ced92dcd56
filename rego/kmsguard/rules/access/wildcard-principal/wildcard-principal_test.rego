package kmsguard.rules.access["wildcard-principal_test"]

import data.kmsguard.rules.access["wildcard-principal"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#t14: Principal * with no condition
test_public_decrypt if {
	rule.deny == {finding(1, "Public", "Statement[1] \"Public\" allows kms:Decrypt to every principal (\"*\") with no condition")} with input as {
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
				"Sid": "Public",
				"Effect": "Allow",
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
			},
		],
	}
}

# ViaService alone, negated, IfExists and wildcard-account values do not restrict callers
test_aws_star_unrestricting_conditions if {
	rule.deny == {finding(1, null, "Statement[1] allows kms:Decrypt, kms:Encrypt to every principal (\"*\") and its conditions (StringEquals kms:ViaService, StringEqualsIfExists aws:PrincipalAccount, StringLike aws:PrincipalArn, StringNotEquals kms:CallerAccount) do not restrict who can call")} with input as {
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
					"AWS": "*",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:ViaService": "s3.us-west-2.amazonaws.com",
					},
					"StringNotEquals": {
						"kms:CallerAccount": "444455556666",
					},
					"StringEqualsIfExists": {
						"aws:PrincipalAccount": "111122223333",
					},
					"StringLike": {
						"aws:PrincipalArn": "arn:aws:iam::*:role/App",
					},
				},
			},
		],
	}
}

# checkov: * hidden in an AWS list
test_star_in_aws_list if {
	rule.deny == {finding(0, null, "Statement[0] allows kms:CancelKeyDeletion, kms:CreateAlias, kms:CreateGrant, kms:Decrypt, kms:DeleteAlias and 29 more to every principal (\"*\") with no condition")} with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Principal": {
					"AWS": [
						"*",
						"arn:aws:iam::111122223333:root",
					],
				},
				"Action": "kms:*",
				"Resource": "*",
			},
		],
	}
}

# a policy variable of the caller's own account matches every caller
test_variable_value if {
	rule.deny == {finding(1, null, "Statement[1] allows kms:Decrypt to every principal (\"*\") and its conditions (StringEquals kms:CallerAccount) do not restrict who can call")} with input as {
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
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "${aws:PrincipalAccount}",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#k-cond: CallerAccount + ViaService (AWS managed key) restricts
test_aws_managed_key_style if {
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
					"AWS": "*",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
					"kms:CreateGrant",
				],
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "111122223333",
						"kms:ViaService": "ec2.us-west-2.amazonaws.com",
					},
				},
			},
		],
	}
}

# PrincipalOrgID restricts
test_org_restricted if {
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
				"Principal": "*",
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:PrincipalOrgID": "o-abc123",
					},
				},
			},
		],
	}
}

# read-only exposure is KMS004
test_read_only_is_kms004 if {
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
				"Principal": "*",
				"Action": "kms:DescribeKey",
				"Resource": "*",
			},
		],
	}
}

# c7n: StringEquals CallerAccount * never matches: the statement grants nothing (KMS031)
test_never_matching_statement if {
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
					"AWS": "*",
				},
				"Action": "kms:Encrypt",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"kms:CallerAccount": "*",
					},
				},
			},
		],
	}
}

# peers misfire on the default policy
test_root_delegation if {
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

# StringEquals is an "Exact matching, case sensitive" operator: a "*" among
# its values is a literal character no account id has, so the condition
# still admits only account 111122223333.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
test_string_equals_literal_star_restricts if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:Decrypt",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:CallerAccount": ["111122223333", "*"]}},
		}],
	}
}

# Under StringLike the same "*" matches every account.
test_string_like_star_does_not_restrict if {
	count(rule.deny) == 1 with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:Decrypt",
			"Resource": "*",
			"Condition": {"StringLike": {"kms:CallerAccount": ["111122223333", "*"]}},
		}],
	}
}

# A CloudFormation parameter (aws:PrincipalOrgID: !Ref OrgId) is a value
# kmsguard cannot see: no finding comes from it (docs/check.md).
test_unresolved_org_id if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:Decrypt",
			"Resource": "*",
			"Condition": {"StringEquals": {"aws:PrincipalOrgID": "kmsguard-unresolved-OrgId"}},
		}],
	}
}

# The documentation's placeholder kms:CallerAccount "account-id" under
# StringEquals matches no account: the statement admits nobody, it does not
# admit everybody (the decision engine denies every caller).
test_string_equals_no_account_id if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": "*",
			"Action": "kms:Decrypt",
			"Resource": "*",
			"Condition": {"StringEquals": {"kms:CallerAccount": "account-id"}},
		}],
	}
}
