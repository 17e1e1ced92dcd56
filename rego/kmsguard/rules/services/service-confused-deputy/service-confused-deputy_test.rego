package kmsguard.rules.services["service-confused-deputy_test"]

import data.kmsguard.rules.services["service-confused-deputy"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#s-ct, docs/aws-rules.md#k-svc
test_cloudtrail_unconditioned if {
	rule.deny == {finding(1, "CloudTrail", "Statement[1] \"CloudTrail\" allows kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:GenerateDataKeyPairWithoutPlaintext, kms:GenerateDataKeyWithoutPlaintext to cloudtrail.amazonaws.com without aws:SourceArn, aws:SourceAccount or an encryption-context condition naming your resources: other accounts can have the service use this key")} with input as {
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
				"Sid": "CloudTrail",
				"Effect": "Allow",
				"Principal": {
					"Service": "cloudtrail.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey*",
				"Resource": "*",
			},
		],
	}
}

# wildcard account and IfExists do not protect
test_logs_any_account if {
	rule.deny == {finding(1, null, "Statement[1] allows kms:Decrypt, kms:Encrypt to logs.us-west-2.amazonaws.com without aws:SourceArn, aws:SourceAccount or an encryption-context condition naming your resources: other accounts can have the service use this key")} with input as {
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
					"Service": "logs.us-west-2.amazonaws.com",
				},
				"Action": [
					"kms:Encrypt*",
					"kms:Decrypt*",
				],
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:*:*",
					},
					"StringEqualsIfExists": {
						"aws:SourceAccount": "111122223333",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#t37
test_cloudtrail_source_arn if {
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
					"Service": "cloudtrail.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey*",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:SourceArn": "arn:aws:cloudtrail:us-west-2:111122223333:trail/finance",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#s-cwl
test_logs_encryption_context if {
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
					"Service": "logs.us-west-2.amazonaws.com",
				},
				"Action": [
					"kms:Encrypt*",
					"kms:Decrypt*",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:Describe*",
				],
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:*",
					},
				},
			},
		],
	}
}

# read-only: not reported
test_describe_only if {
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
					"Service": "cloudtrail.amazonaws.com",
				},
				"Action": "kms:DescribeKey",
				"Resource": "*",
			},
		],
	}
}

test_org_source if {
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
					"Service": "config.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:SourceOrgID": "o-abc123",
					},
				},
			},
		],
	}
}

# aws:SourceArn: !GetAtt Trail.Arn is a value kmsguard cannot see: it is
# taken to name the template's resource (docs/check.md).
test_unresolved_source_arn if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [{
			"Effect": "Allow",
			"Principal": {"Service": "cloudtrail.amazonaws.com"},
			"Action": "kms:GenerateDataKey*",
			"Resource": "*",
			"Condition": {"StringEquals": {"aws:SourceArn": "kmsguard-unresolved-Trail.Arn"}},
		}],
	}
}
