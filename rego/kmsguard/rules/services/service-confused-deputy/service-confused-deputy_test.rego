package kmsguard.rules.services["service-confused-deputy_test"]

import data.kmsguard.rules.services["service-confused-deputy"] as rule

# The rule's metadata, repeated so that a change to METADATA fails a test.
meta := {
	"id": "KMS008",
	"name": "service-confused-deputy",
	"title": "Service principal allowed without confused-deputy protection",
	"severity": "medium",
	"category": "services",
	"description": "An Allow statement for an AWS service principal (cloudtrail.amazonaws.com, logs.REGION.amazonaws.com...) with no condition that ties it to your resources: the service can then use the key for any customer's resources, so another account can make the service encrypt or decrypt with your key (the confused deputy problem). AWS recommends aws:SourceArn or aws:SourceAccount (or aws:SourceOrgID), or the service's encryption context key (kms:EncryptionContext:aws:logs:arn, kms:EncryptionContext:aws:cloudtrail:arn) naming your account's resources, with a positive operator and concrete values. Statements that allow only read actions such as kms:DescribeKey are not reported.",
	"remediation": "Add \"ArnLike\": {\"aws:SourceArn\": \"arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE\"} and/or \"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}, or the encryption context condition the service documents (for CloudWatch Logs \"ArnLike\": {\"kms:EncryptionContext:aws:logs:arn\": \"arn:aws:logs:REGION:ACCOUNT:*\"}).",
	"related_resources": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
		"https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
	],
}

# finding(i, sid, msg): the expected finding about statement i.
finding(i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

document_finding(msg) := object.union(meta, {"msg": msg})

# S-CT, K-SVC
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

# T37
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

# S-CWL
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
