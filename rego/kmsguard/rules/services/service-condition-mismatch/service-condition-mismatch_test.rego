package kmsguard.rules.services["service-condition-mismatch_test"]

import data.kmsguard.rules.services["service-condition-mismatch"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# StringEquals does not expand *
test_string_equals_wildcard if {
	rule.deny == {finding(1, "CT", "Statement[1] \"CT\": StringEquals compares aws:SourceArn literally, so \"arn:aws:cloudtrail:*:111122223333:trail/*\" matches only that exact text; use ArnLike")} with input as {
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
				"Sid": "CT",
				"Effect": "Allow",
				"Principal": {
					"Service": "cloudtrail.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey*",
				"Resource": "*",
				"Condition": {
					"StringEquals": {
						"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*",
					},
				},
			},
		],
	}
}

# SourceArn of another service and Region; EC in another Region
test_other_service_and_region if {
	rule.deny == {finding(1, null, "Statement[1]: aws:SourceArn \"arn:aws:cloudtrail:us-east-1:111122223333:trail/x\" is an ARN of service cloudtrail, but the statement is for logs.us-west-2.amazonaws.com"), finding(1, null, "Statement[1]: aws:SourceArn \"arn:aws:cloudtrail:us-east-1:111122223333:trail/x\" is in Region us-east-1, but the service principal logs.us-west-2.amazonaws.com calls from us-west-2"), finding(1, null, "Statement[1]: kms:EncryptionContext:aws:logs:arn \"arn:aws:logs:eu-west-1:111122223333:log-group:*\" is in Region eu-west-1, but the service principal logs.us-west-2.amazonaws.com calls from us-west-2")} with input as {
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
				"Action": "kms:GenerateDataKey*",
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/x",
						"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:*",
					},
				},
			},
		],
	}
}

# both conditions must hold
test_source_account_mismatch if {
	rule.deny == {finding(1, null, "Statement[1]: aws:SourceArn \"arn:aws:sns:us-west-2:444455556666:topic\" names account 444455556666, but aws:SourceAccount requires 111122223333; both must hold")} with input as {
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
					"Service": "sns.amazonaws.com",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"aws:SourceArn": "arn:aws:sns:us-west-2:444455556666:topic",
					},
					"StringEquals": {
						"aws:SourceAccount": "111122223333",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#s-fw: the resource part must be *
test_fleetwise_resource_form if {
	rule.deny == {finding(1, null, "Statement[1]: IoT FleetWise uses the key only when aws:SourceArn is arn:aws:iotfleetwise:REGION:ACCOUNT:* (resource part exactly *), not \"arn:aws:iotfleetwise:us-east-1:111122223333:vehicle/*\"")} with input as {
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
					"Service": "iotfleetwise.amazonaws.com",
				},
				"Action": [
					"kms:Decrypt",
					"kms:GenerateDataKey*",
				],
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"aws:SourceArn": "arn:aws:iotfleetwise:us-east-1:111122223333:vehicle/*",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#t63
test_logs_global_principal if {
	rule.deny == {finding(1, null, "Statement[1]: CloudWatch Logs calls KMS as logs.REGION.amazonaws.com; logs.amazonaws.com never matches")} with input as {
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
					"Service": "logs.amazonaws.com",
				},
				"Action": "kms:GenerateDataKey*",
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

# docs/aws-rules.md#s-cwl: the service principal must be in the key's Region
test_principal_region_vs_key if {
	rule.deny == {finding(1, null, "Statement[1]: service principal logs.us-east-1.amazonaws.com is in Region us-east-1, but the key is in us-west-2; the service principal must be in the key's Region")} with input as {
		"policy": {
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
						"Service": "logs.us-east-1.amazonaws.com",
					},
					"Action": "kms:GenerateDataKey*",
					"Resource": "*",
					"Condition": {
						"ArnLike": {
							"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:*",
						},
					},
				},
			],
		},
		"key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	}
}

# docs/aws-rules.md#s-fw's own hardened statement
test_fleetwise_hardened if {
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
					"Service": "iotfleetwise.amazonaws.com",
				},
				"Action": [
					"kms:Decrypt",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
				"Condition": {
					"StringLike": {
						"aws:SourceAccount": "111122223333",
					},
					"ArnLike": {
						"aws:SourceArn": "arn:aws:iotfleetwise:us-east-1:111122223333:*",
					},
				},
			},
		],
	}
}

# docs/aws-rules.md#s-ct's statement
test_cloudtrail_documented if {
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
					"StringLike": {
						"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*",
					},
				},
			},
		],
	}
}

# The CloudWatch Logs anomaly-detector key policy (seed document) allows
# kms:DescribeKey under a kms:EncryptionContext: condition; the encryption
# context key is in the requests of CreateGrant, Encrypt, Decrypt,
# GenerateDataKey*, ReEncrypt* and RetireGrant only, so DescribeKey is never
# allowed by that statement.
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-KMS.html
anomaly_statement(actions) := {
	"Effect": "Allow",
	"Principal": {"Service": "logs.us-east-1.amazonaws.com"},
	"Action": actions,
	"Resource": "*",
	"Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:anomaly-detector:*"}},
}

test_describe_key_mixed_with_crypto if {
	rule.deny == {finding(0, null, "Statement[0]: ArnLike on kms:EncryptionContext:aws:logs:arn: kms:DescribeKey requests never carry this key, so the statement never allows it")} with input as {
		"Version": "2012-10-17",
		"Statement": [anomaly_statement(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"])],
	}
}

test_describe_key_alone if {
	rule.deny == {finding(0, null, "Statement[0] never applies: ArnLike on kms:EncryptionContext:aws:logs:arn: no action of the statement (kms:DescribeKey) carries this key")} with input as {
		"Version": "2012-10-17",
		"Statement": [anomaly_statement("kms:DescribeKey")],
	}
}

test_crypto_only if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [anomaly_statement(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"])],
	}
}
