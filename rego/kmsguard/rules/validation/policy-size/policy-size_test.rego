package kmsguard.rules.validation["policy-size_test"]

import data.kmsguard.rules.validation["policy-size"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# docs/aws-rules.md#k-kpo: 32 KB
test_too_large if {
	rule.deny == {document_finding("the key policy is 43058 characters long even written compactly; KMS accepts at most 32768")} with input as {
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
				"Sid": "Allow use of the key for user number 0000",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0000",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0001",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0001",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0002",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0002",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0003",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0003",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0004",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0004",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0005",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0005",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0006",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0006",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0007",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0007",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0008",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0008",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0009",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0009",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0010",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0010",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0011",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0011",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0012",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0012",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0013",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0013",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0014",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0014",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0015",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0015",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0016",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0016",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0017",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0017",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0018",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0018",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0019",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0019",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0020",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0020",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0021",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0021",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0022",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0022",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0023",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0023",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0024",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0024",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0025",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0025",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0026",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0026",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0027",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0027",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0028",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0028",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0029",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0029",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0030",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0030",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0031",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0031",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0032",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0032",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0033",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0033",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0034",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0034",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0035",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0035",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0036",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0036",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0037",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0037",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0038",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0038",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0039",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0039",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0040",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0040",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0041",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0041",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0042",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0042",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0043",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0043",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0044",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0044",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0045",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0045",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0046",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0046",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0047",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0047",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0048",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0048",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0049",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0049",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0050",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0050",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0051",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0051",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0052",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0052",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0053",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0053",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0054",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0054",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0055",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0055",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0056",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0056",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0057",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0057",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0058",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0058",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0059",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0059",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0060",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0060",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0061",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0061",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0062",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0062",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0063",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0063",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0064",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0064",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0065",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0065",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0066",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0066",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0067",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0067",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0068",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0068",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0069",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0069",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0070",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0070",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0071",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0071",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0072",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0072",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0073",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0073",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0074",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0074",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0075",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0075",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0076",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0076",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0077",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0077",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0078",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0078",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0079",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0079",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0080",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0080",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0081",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0081",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0082",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0082",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0083",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0083",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0084",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0084",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0085",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0085",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0086",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0086",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0087",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0087",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0088",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0088",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0089",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0089",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0090",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0090",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0091",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0091",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0092",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0092",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0093",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0093",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0094",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0094",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0095",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0095",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0096",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0096",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0097",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0097",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0098",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0098",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0099",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0099",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0100",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0100",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0101",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0101",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0102",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0102",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0103",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0103",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0104",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0104",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0105",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0105",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0106",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0106",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0107",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0107",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0108",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0108",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0109",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0109",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0110",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0110",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0111",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0111",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0112",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0112",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0113",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0113",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0114",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0114",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0115",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0115",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0116",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0116",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0117",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0117",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0118",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0118",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0119",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0119",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0120",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0120",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0121",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0121",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0122",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0122",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0123",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0123",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0124",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0124",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0125",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0125",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0126",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0126",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0127",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0127",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0128",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0128",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0129",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0129",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0130",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0130",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0131",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0131",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0132",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0132",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0133",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0133",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0134",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0134",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0135",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0135",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0136",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0136",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0137",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0137",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0138",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0138",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0139",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0139",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0140",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0140",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0141",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0141",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0142",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0142",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0143",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0143",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0144",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0144",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0145",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0145",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0146",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0146",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0147",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0147",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0148",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0148",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0149",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0149",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0150",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0150",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0151",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0151",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0152",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0152",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0153",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0153",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0154",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0154",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0155",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0155",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0156",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0156",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0157",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0157",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0158",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0158",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
			{
				"Sid": "Allow use of the key for user number 0159",
				"Effect": "Allow",
				"Principal": {
					"AWS": "arn:aws:iam::111122223333:user/user-with-a-rather-long-name-0159",
				},
				"Action": [
					"kms:Encrypt",
					"kms:Decrypt",
					"kms:ReEncrypt*",
					"kms:GenerateDataKey*",
					"kms:DescribeKey",
				],
				"Resource": "*",
			},
		],
	}
}

test_default_policy if {
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
