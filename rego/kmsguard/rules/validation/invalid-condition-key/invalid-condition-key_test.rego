package kmsguard.rules.validation["invalid-condition-key_test"]

import data.kmsguard.rules.validation["invalid-condition-key"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

test_wrong_types_and_unknown_keys if {
	rule.deny == {finding(1, "App", "Statement[1] \"App\": Bool on kms:CallerAccount compares Bool values, but the key is of type String"), finding(1, "App", "Statement[1] \"App\": ForAllValues:StringEquals on kms:EncryptionContext:app: KMS rejects ForAllValues with this key (OverlyPermissiveCondition), because it also matches requests without it"), finding(1, "App", "Statement[1] \"App\": NumericEquals on kms:ViaService compares Numeric values, but the key is of type String"), finding(1, "App", "Statement[1] \"App\": StringEquals on aws:ResourceTag/team: KMS supports this key only in IAM policies; in a key policy it is never present"), finding(1, "App", "Statement[1] \"App\": StringEquals on kms:EncryptionContxt:app: the key is unknown to KMS and IAM, so it is never in the request"), finding(1, "App", "Statement[1] \"App\": StringEquals on s3:prefix: a condition key of another service, which requests to KMS never carry"), finding(1, "App", "Statement[1] \"App\": StringNotEquals on kms:GrantOperation: the key is unknown to KMS and IAM, so it is never in the request")} with input as {
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
				"Sid": "App",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": [
					"kms:Decrypt",
					"kms:CreateGrant",
				],
				"Resource": "*",
				"Condition": {
					"NumericEquals": {
						"kms:ViaService": "1",
					},
					"StringEquals": {
						"kms:EncryptionContxt:app": "x",
						"aws:ResourceTag/team": "a",
						"s3:prefix": "x",
					},
					"Bool": {
						"kms:CallerAccount": "true",
					},
					"ForAllValues:StringEquals": {
						"kms:EncryptionContext:app": [
							"x",
						],
					},
					"StringNotEquals": {
						"kms:GrantOperation": "Decrypt",
					},
				},
			},
		],
	}
}

test_arn_operator_on_non_arn if {
	rule.deny == {finding(1, null, "Statement[1]: ArnLike on kms:ViaService compares ARN values, but the key is of type String")} with input as {
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
					"AWS": "arn:aws:iam::111122223333:role/App",
				},
				"Action": "kms:Decrypt",
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"kms:ViaService": "s3.*.amazonaws.com",
					},
				},
			},
		],
	}
}

test_valid_keys if {
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
				"Action": "kms:Decrypt*",
				"Resource": "*",
				"Condition": {
					"ArnLike": {
						"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:*",
					},
				},
			},
			{
				"Effect": "Deny",
				"Principal": "*",
				"Action": "kms:*",
				"Resource": "*",
				"Condition": {
					"StringNotEquals": {
						"aws:sourceVpce": "vpce-1a2b3c4d",
					},
					"NumericGreaterThan": {
						"aws:MultiFactorAuthAge": "3600",
					},
					"ForAnyValue:StringEquals": {
						"kms:EncryptionContextKeys": "app",
					},
				},
			},
		],
	}
}

# other services' keys and aws:ResourceTag are fine in identity policies
test_identity_policy_service_keys if {
	rule.deny == set() with input as {
		"Version": "2012-10-17",
		"Statement": [
			{
				"Effect": "Allow",
				"Action": [
					"s3:GetObject",
					"kms:Decrypt",
				],
				"Resource": "*",
				"Condition": {
					"StringLike": {
						"s3:prefix": "home/",
					},
					"StringEquals": {
						"aws:ResourceTag/team": "a",
					},
				},
			},
		],
	}
}
