# METADATA
# title: Service readiness
# description: |
#   Does a key policy let an AWS service do what it needs with the key? For
#   each supported service, kmsguard builds the requests the service makes
#   (caller, action, request context: aws:SourceArn, aws:SourceAccount,
#   encryption context, kms:ViaService, kms:GrantIsForAWSResource) from the
#   service's documentation, asks the decision engine
#   (data.kmsguard.authz.decision) each one, and reports every missing
#   permission. Input: {"service", "policy", "key_arn"} and optionally
#   "resource" (the service resource the key protects: log group, anomaly
#   detector, trail or bucket ARN), "account" (EC2 Auto Scaling: the account
#   of the Auto Scaling group) and "principal" (S3: the IAM principal that
#   uploads and downloads).
# related_resources:
#   - https://docs.aws.amazon.com/iot-fleetwise/latest/developerguide/key-management.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/LogsAnomalyDetection-KMS.html
#   - https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
package kmsguard.readiness

import data.kmsguard.iam.policy

services := {"iotfleetwise", "logs", "logs-anomaly-detector", "autoscaling-ebs", "cloudtrail", "s3"}

# METADATA
# title: Readiness report
# description: |
#   {"service", "ready", "checks": [{"requirement", "required", "question",
#   "decision", "ok"}]}, or {"service", "error"} for an input kmsguard cannot
#   answer. ready is true when every required check is ok; checks marked
#   "required": false are what AWS's documentation also lists but the
#   service works without (for example ReEncrypt for CloudWatch Logs).
# entrypoint: true
report := {"service": given.service, "error": concat("; ", sort(errors))} if {
	count(errors) > 0
} else := {
	"service": input.service,
	"ready": every_required_ok,
	"checks": results,
}

errors contains "the input must be a JSON object" if not is_object(input)

errors contains sprintf("service: must be one of %s", [concat(", ", sort(services))]) if not given.service in services

errors contains "policy: missing (the key policy to check)" if given.policy == null

errors contains "key_arn: missing or not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)" if not key

errors contains sprintf("account: %v is not a 12-digit account id", [given.account]) if {
	given.account != null
	not regex.match(`^[0-9]{12}$`, given.account)
}

errors contains sprintf("%s: must be a string", [k]) if {
	some k in ["resource", "principal", "account"]
	given[k] != null
	not is_string(given[k])
}

# given: the optional input fields, null when absent (a `not` over a
# missing input field would be undefined, not true).
given[k] := v if {
	some k in ["service", "policy", "key_arn", "resource", "account", "principal"]
	v := object.get(object.union({}, as_object(input)), k, null)
}

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

key := {"arn": given.key_arn, "partition": p[1], "region": p[3], "account": p[4]} if {
	is_string(given.key_arn)
	p := split(given.key_arn, ":")
	count(p) == 6
	p[0] == "arn"
	p[2] == "kms"
	regex.match(`^[0-9]{12}$`, p[4])
	startswith(p[5], "key/")
}

results := [result(c) | some c in checks[input.service]]

result(c) := {
	"requirement": c.requirement,
	"required": c.required,
	"question": question(c),
	"decision": answer,
	"ok": object.get(answer, "allowed", false),
} if {
	answer := data.kmsguard.authz.decision with input as question(c)
}

every_required_ok if {
	count(results) > 0
	every r in [r | some r in results; r.required] {
		r.ok
	}
}

else := false

question(c) := object.union(
	{
		"principal": c.principal,
		"action": c.action,
		"resource": key.arn,
		"key_policy": input.policy,
		"context": c.context,
	},
	object.get(c, "extra", {}),
)

check(requirement, required, principal, action, context) := {
	"requirement": requirement,
	"required": required,
	"principal": principal,
	"action": action,
	"context": context,
}

# ---- the resource a service acts for -----------------------------------------

# resource: input.resource, else a concrete value the policy gives the
# service's confused-deputy or encryption-context conditions, else an example
# resource in the key's account and Region.
resource := given.resource if is_string(given.resource)

resource := r if {
	given.resource == null
	found := sort(policy_resources)
	count(found) > 0
	r := found[0]
}

resource := sample_resource[input.service] if {
	given.resource == null
	count(policy_resources) == 0
}

policy_resources contains v if {
	some s in policy.statements(input.policy)
	s.effect == "Allow"
	some op, kv in s.condition
	not contains(lower(op), "not")
	some k, vals in kv
	lower(k) in resource_keys[input.service]
	some v in as_list(vals)
	is_string(v)
	startswith(v, resource_prefix[input.service])
	not regex.match(`[*?$]`, v)
}

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

resource_keys := {
	"iotfleetwise": set(),
	"logs": {"kms:encryptioncontext:aws:logs:arn", "aws:sourcearn"},
	"logs-anomaly-detector": {"kms:encryptioncontext:aws:logs:arn", "kms:encryptioncontext:aws-crypto-ec:aws:logs:arn", "aws:sourcearn"},
	"cloudtrail": {"aws:sourcearn", "kms:encryptioncontext:aws:cloudtrail:arn"},
	"s3": {"kms:encryptioncontext:aws:s3:arn"},
	"autoscaling-ebs": set(),
}

resource_prefix := {
	"iotfleetwise": sprintf("arn:%s:iotfleetwise:", [key.partition]),
	"logs": sprintf("arn:%s:logs:", [key.partition]),
	"logs-anomaly-detector": sprintf("arn:%s:logs:", [key.partition]),
	"cloudtrail": sprintf("arn:%s:cloudtrail:", [key.partition]),
	"s3": sprintf("arn:%s:s3:::", [key.partition]),
	"autoscaling-ebs": "",
}

sample_resource := {
	"iotfleetwise": sprintf("arn:%s:iotfleetwise:%s:%s:vehicle/kmsguard-example", [key.partition, key.region, key.account]),
	"logs": sprintf("arn:%s:logs:%s:%s:log-group:kmsguard-example", [key.partition, key.region, key.account]),
	"logs-anomaly-detector": sprintf("arn:%s:logs:%s:%s:anomaly-detector:kmsguard-example", [key.partition, key.region, key.account]),
	"cloudtrail": sprintf("arn:%s:cloudtrail:%s:%s:trail/kmsguard-example", [key.partition, key.region, key.account]),
	"s3": sprintf("arn:%s:s3:::kmsguard-example-bucket/example-object", [key.partition]),
	"autoscaling-ebs": "",
}

# ---- what each service asks --------------------------------------------------------

checks[service] := list if {
	some service in services
	list := service_checks(service)
}

# IoT FleetWise (docs/aws-rules.md#s-fw): the service principal, pinned by aws:SourceAccount and
# aws:SourceArn. Both of AWS's key-policy statements allow GenerateDataKey*,
# Decrypt and DescribeKey; the minimum statement also lists the grant
# operations, which the hardened example leaves out.
service_checks("iotfleetwise") := [check(sprintf("IoT FleetWise (iotfleetwise.amazonaws.com) can call %s", [a]), required, "iotfleetwise.amazonaws.com", a, fleetwise_context) |
	some [a, required] in [
		["kms:GenerateDataKey", true], ["kms:Decrypt", true], ["kms:DescribeKey", true],
		["kms:CreateGrant", false], ["kms:RevokeGrant", false],
	]
]

fleetwise_context := {"aws:SourceAccount": key.account, "aws:SourceArn": resource}

# CloudWatch Logs log groups (docs/aws-rules.md#s-cwl): the Regional service principal, with
# the log group's ARN in the encryption context. DescribeKey carries no
# encryption context, so AWS's own statement (conditioned on it) does not
# allow it: not required.
service_checks("logs") := [check(sprintf("CloudWatch Logs (%s) can call %s for %s", [logs_principal, a, resource]), required, logs_principal, a, logs_context(a, "aws:logs:arn")) |
	some [a, required] in [
		["kms:Encrypt", true], ["kms:Decrypt", true], ["kms:GenerateDataKey", true],
		["kms:ReEncryptFrom", false], ["kms:ReEncryptTo", false], ["kms:DescribeKey", false],
	]
]

logs_principal := sprintf("logs.%s.amazonaws.com", [key.region])

logs_context("kms:DescribeKey", _) := {"aws:SourceAccount": key.account, "aws:SourceArn": resource}

logs_context(a, ec_key) := {
	concat("", ["kms:EncryptionContext:", ec_key]): resource,
	"aws:SourceAccount": key.account,
	"aws:SourceArn": resource,
} if a != "kms:DescribeKey"

# CloudWatch Logs anomaly detectors (docs/aws-rules.md#s-cwlad): the anomaly detector's ARN in
# the encryption context, under aws:logs:arn and (for the AWS Encryption SDK)
# aws-crypto-ec:aws:logs:arn.
service_checks("logs-anomaly-detector") := array.concat(
	[check(sprintf("CloudWatch Logs (%s) can call %s for anomaly detector %s", [logs_principal, a, resource]), required, logs_principal, a, logs_context(a, "aws:logs:arn")) |
		some [a, required] in [
			["kms:Encrypt", true], ["kms:Decrypt", true], ["kms:GenerateDataKey", true],
			["kms:DescribeKey", false],
		]
	],
	[check(sprintf("CloudWatch Logs (%s) can call %s with the AWS Encryption SDK context for %s", [logs_principal, a, resource]), false, logs_principal, a, logs_context(a, "aws-crypto-ec:aws:logs:arn")) |
		some a in ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
	],
)

# EC2 Auto Scaling with EBS encryption (docs/aws-rules.md#s-asg): the Auto Scaling
# service-linked role uses the key through EC2 and creates grants for the
# instances' volumes. For an Auto Scaling group in another account the key
# policy must let that account use the key and create grants (to the
# service-linked role); the grant itself is then made in that account.
service_checks("autoscaling-ebs") := array.concat(
	[check(sprintf("the Auto Scaling service-linked role can call %s through EC2", [a]), true, slr, a, ebs_context(a)) |
		same_account_asg
		some a in ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"]
	],
	[check(sprintf("account %s can call %s, so that it can grant the Auto Scaling service-linked role access", [asg_account, a]), true, sprintf("arn:%s:iam::%s:root", [key.partition, asg_account]), a, {}) |
		not same_account_asg
		some a in ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"]
	],
)

asg_account := given.account if is_string(given.account)

asg_account := key.account if given.account == null

same_account_asg if asg_account == key.account

slr := sprintf("arn:%s:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", [key.partition, asg_account])

ebs_context("kms:CreateGrant") := {"kms:ViaService": ec2_service, "kms:GrantIsForAWSResource": true}

ebs_context("kms:DescribeKey") := {"kms:ViaService": ec2_service}

ebs_context(a) := {"kms:ViaService": ec2_service, "kms:EncryptionContext:aws:ebs:id": "vol-0123456789abcdef0"} if {
	not a in {"kms:CreateGrant", "kms:DescribeKey"}
}

ec2_service := sprintf("ec2.%s.amazonaws.com", [key.region])

# CloudTrail (docs/aws-rules.md#s-ct): the service principal, pinned by aws:SourceArn (the
# trail) with the trail's ARN in the encryption context; DescribeKey
# (no encryption context); Decrypt only when the bucket uses an S3 Bucket Key.
service_checks("cloudtrail") := [
	check(sprintf("CloudTrail can call kms:GenerateDataKey for trail %s", [resource]), true, "cloudtrail.amazonaws.com", "kms:GenerateDataKey", object.union(trail_context, {"kms:EncryptionContext:aws:cloudtrail:arn": resource})),
	check(sprintf("CloudTrail can call kms:DescribeKey for trail %s", [resource]), true, "cloudtrail.amazonaws.com", "kms:DescribeKey", trail_context),
	check(sprintf("CloudTrail can call kms:Decrypt for trail %s (needed when the bucket uses an S3 Bucket Key)", [resource]), false, "cloudtrail.amazonaws.com", "kms:Decrypt", object.union(trail_context, {"kms:EncryptionContext:aws:cloudtrail:arn": resource})),
]

trail_context := {"aws:SourceArn": resource, "aws:SourceAccount": trail_account}

trail_account := p[4] if {
	p := split(resource, ":")
	count(p) >= 6
	regex.match(`^[0-9]{12}$`, p[4])
} else := key.account

# S3 SSE-KMS (docs/aws-rules.md#s-s3): an IAM principal (input.principal, else the key's
# account root user) uploads (GenerateDataKey) and downloads (Decrypt)
# through S3. The question carries an identity policy that allows both, so
# that only the key policy decides.
service_checks("s3") := [{
	"requirement": sprintf("%s can call %s through S3 (SSE-KMS) for %s", [s3_principal, a, resource]),
	"required": true,
	"principal": s3_principal,
	"action": a,
	"context": {"kms:ViaService": sprintf("s3.%s.amazonaws.com", [key.region]), "kms:EncryptionContext:aws:s3:arn": resource},
	"extra": s3_identity,
} |
	some a in ["kms:GenerateDataKey", "kms:Decrypt"]
]

s3_principal := given.principal if is_string(given.principal)

s3_principal := sprintf("arn:%s:iam::%s:root", [key.partition, key.account]) if given.principal == null

s3_identity := {} if endswith(s3_principal, ":root")

s3_identity := {"identity_policies": [{
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key.arn}],
}]} if not endswith(s3_principal, ":root")
