package kmsguard.readiness_test

import data.kmsguard.readiness

key_arn := "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

root := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}

kp(statements) := {"Version": "2012-10-17", "Statement": statements}

report(service, policy) := r if {
	r := readiness.report with input as {"service": service, "policy": policy, "key_arn": key_arn}
}

# failed(r): the actions of the required checks that are not allowed.
failed(r) := {c.question.action | some c in r.checks; c.required; not c.ok}

failed_optional(r) := {c.question.action | some c in r.checks; not c.required; not c.ok}

# ---- IoT FleetWise (docs/aws-rules.md#s-fw) ----------------------------------------------

fleetwise_hardened := kp([root, {
	"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"Service": "iotfleetwise.amazonaws.com"},
	"Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
	"Condition": {
		"StringLike": {"aws:SourceAccount": "111122223333"},
		"ArnLike": {"aws:SourceArn": "arn:aws:iotfleetwise:us-west-2:111122223333:*"},
	},
}])

test_fleetwise_hardened_ready if {
	r := report("iotfleetwise", fleetwise_hardened)
	r.ready
	failed(r) == set()
	failed_optional(r) == {"kms:CreateGrant", "kms:RevokeGrant"}
	r.checks[0].question == {
		"principal": "iotfleetwise.amazonaws.com", "action": "kms:GenerateDataKey", "resource": key_arn,
		"key_policy": fleetwise_hardened,
		"context": {"aws:SourceAccount": "111122223333", "aws:SourceArn": "arn:aws:iotfleetwise:us-west-2:111122223333:vehicle/kmsguard-example"},
	}
	r.checks[0].decision.decision == "Allowed"
}

# Another account's resources: the confused-deputy conditions refuse them.
test_fleetwise_wrong_account if {
	r := readiness.report with input as {
		"service": "iotfleetwise", "policy": fleetwise_hardened, "key_arn": key_arn,
		"resource": "arn:aws:iotfleetwise:us-west-2:444455556666:vehicle/v",
	}
	not r.ready
	failed(r) == {"kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"}
}

# docs/aws-rules.md#t39: the default policy does not cover service principals.
test_fleetwise_default_policy if {
	r := report("iotfleetwise", kp([root]))
	not r.ready
	failed(r) == {"kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"}
	every c in r.checks {
		c.decision.decision == "ImplicitlyDenied"
	}
}

# ---- CloudWatch Logs (docs/aws-rules.md#s-cwl, docs/aws-rules.md#s-cwlad) ----------------

logs_policy := kp([root, {
	"Effect": "Allow", "Principal": {"Service": "logs.us-west-2.amazonaws.com"},
	"Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource": "*",
	"Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:*"}},
}])

anomaly_policy := kp([
	root,
	{
		"Effect": "Allow", "Principal": {"Service": "logs.us-west-2.amazonaws.com"},
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
		"Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:anomaly-detector:*"}},
	},
	{
		"Effect": "Allow", "Principal": {"Service": "logs.us-west-2.amazonaws.com"},
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
		"Condition": {"ArnLike": {"kms:EncryptionContext:aws-crypto-ec:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:anomaly-detector:*"}},
	},
])

test_logs_ready if {
	r := report("logs", logs_policy)
	r.ready
	failed(r) == set()

	# DescribeKey carries no encryption context: AWS's statement does not allow it.
	failed_optional(r) == {"kms:DescribeKey"}
}

# The anomaly-detector policy does not cover log groups.
test_logs_anomaly_policy_not_for_log_groups if {
	r := report("logs", anomaly_policy)
	not r.ready
	failed(r) == {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}
}

test_anomaly_detector_ready if {
	r := report("logs-anomaly-detector", anomaly_policy)
	r.ready
	failed(r) == set()
	failed_optional(r) == {"kms:DescribeKey"}
}

# docs/aws-rules.md#t63: logs.amazonaws.com is not the Regional principal CloudWatch Logs uses.
test_logs_global_principal_not_ready if {
	policy := kp([root, {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}])
	r := report("logs", policy)
	not r.ready
}

# ---- EC2 Auto Scaling (docs/aws-rules.md#s-asg) ------------------------------------------

slr := "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

asg_policy := kp([
	root,
	{"Effect": "Allow", "Principal": {"AWS": [slr]}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"},
	{"Effect": "Allow", "Principal": {"AWS": [slr]}, "Action": ["kms:CreateGrant"], "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}},
])

test_autoscaling_ready if {
	r := report("autoscaling-ebs", asg_policy)
	r.ready
	count(r.checks) == 8
}

# The service-linked role's IAM policy does not cover customer managed keys.
test_autoscaling_default_policy if {
	r := report("autoscaling-ebs", kp([root]))
	not r.ready
	count(failed(r)) == 8
}

cross_account_policy := kp([
	{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
	{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:root"]}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"},
	{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:root"]}, "Action": ["kms:CreateGrant"], "Resource": "*"},
])

test_autoscaling_cross_account if {
	r := readiness.report with input as {"service": "autoscaling-ebs", "policy": cross_account_policy, "key_arn": key_arn, "account": "444455556666"}
	r.ready
	every c in r.checks {
		c.question.principal == "arn:aws:iam::444455556666:root"
	}
}

# Without CreateGrant the other account cannot grant the role access.
test_autoscaling_cross_account_without_grant if {
	policy := kp(array.slice(cross_account_policy.Statement, 0, 2))
	r := readiness.report with input as {"service": "autoscaling-ebs", "policy": policy, "key_arn": key_arn, "account": "444455556666"}
	not r.ready
	failed(r) == {"kms:CreateGrant"}
}

# ---- CloudTrail (docs/aws-rules.md#s-ct) -------------------------------------------------

trail := "arn:aws:cloudtrail:us-west-2:111122223333:trail/finance"

trail_policy := kp([
	root,
	{
		"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "kms:GenerateDataKey*", "Resource": "*",
		"Condition": {
			"StringEquals": {"aws:SourceArn": trail},
			"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*"},
		},
	},
	{
		"Sid": "Allow CloudTrail to describe key", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "kms:DescribeKey", "Resource": "*",
	},
])

# The trail comes from the policy's aws:SourceArn.
test_cloudtrail_ready if {
	r := report("cloudtrail", trail_policy)
	r.ready
	r.checks[0].question.context == {
		"aws:SourceArn": trail, "aws:SourceAccount": "111122223333",
		"kms:EncryptionContext:aws:cloudtrail:arn": trail,
	}
	failed_optional(r) == {"kms:Decrypt"}
}

# Another trail (docs/aws-rules.md#t37).
test_cloudtrail_other_trail if {
	r := readiness.report with input as {"service": "cloudtrail", "policy": trail_policy, "key_arn": key_arn, "resource": "arn:aws:cloudtrail:us-west-2:111122223333:trail/other"}
	not r.ready
	failed(r) == {"kms:GenerateDataKey"}
}

test_cloudtrail_without_describe if {
	r := report("cloudtrail", kp(array.slice(trail_policy.Statement, 0, 2)))
	not r.ready
	failed(r) == {"kms:DescribeKey"}
}

# ---- S3 (docs/aws-rules.md#s-s3) ---------------------------------------------------------------------------

test_s3_default_policy if {
	r := report("s3", kp([root]))
	r.ready
	count(r.checks) == 2
}

# A key limited to EC2 cannot be used through S3.
test_s3_limited_to_ec2 if {
	policy := kp([{
		"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
		"Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-west-2.amazonaws.com"}},
	}])
	r := readiness.report with input as {"service": "s3", "policy": policy, "key_arn": key_arn, "principal": "arn:aws:iam::111122223333:role/App"}
	not r.ready
	failed(r) == {"kms:GenerateDataKey", "kms:Decrypt"}
}

test_s3_named_role if {
	policy := kp([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}])
	r := readiness.report with input as {"service": "s3", "policy": policy, "key_arn": key_arn, "principal": "arn:aws:iam::111122223333:role/App"}
	r.ready
}

# ---- errors ------------------------------------------------------------------------------

test_errors if {
	readiness.report == {"service": "ebs", "error": "key_arn: missing or not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID); service: must be one of autoscaling-ebs, cloudtrail, iotfleetwise, logs, logs-anomaly-detector, s3"} with input as {"service": "ebs", "policy": {}}
	readiness.report == {"service": "s3", "error": "policy: missing (the key policy to check)"} with input as {"service": "s3", "key_arn": key_arn}
}
