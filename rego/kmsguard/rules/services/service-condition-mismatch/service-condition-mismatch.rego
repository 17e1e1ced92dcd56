# METADATA
# title: Service principal statement whose conditions cannot match the service's requests
# description: >-
#   A statement for a service principal whose confused-deputy conditions can
#   never match what the service sends, so the integration fails: StringEquals
#   with a wildcard in aws:SourceArn, aws:SourceAccount or an encryption
#   context value (StringEquals matches it literally); an aws:SourceArn or
#   encryption context ARN for another service, another Region than a Regional
#   service principal, or another account than aws:SourceAccount; an IoT
#   FleetWise aws:SourceArn other than arn:aws:iotfleetwise:REGION:ACCOUNT:*;
#   a Regional service principal in another Region than the key;
#   logs.amazonaws.com, which CloudWatch Logs never uses (it calls as
#   logs.REGION.amazonaws.com); an encryption context condition on actions
#   whose requests never carry one (kms:DescribeKey), alone or next to actions
#   that do.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/iot-fleetwise/latest/developerguide/key-management.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
# custom:
#   id: KMS009
#   name: service-condition-mismatch
#   severity: medium
#   category: services
#   remediation: >-
#     Use ArnLike or StringLike for patterns; write the ARN of the service's
#     own resources in the key's Region and account (for IoT FleetWise exactly
#     arn:aws:iotfleetwise:REGION:ACCOUNT:*); use the Regional service
#     principal logs.REGION.amazonaws.com for CloudWatch Logs.
package kmsguard.rules.services["service-condition-mismatch"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

# (mismatches is read whole: only statements for a service have any.)
deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, msgs in mismatches
	some msg in msgs
}

# mismatches[i]: what in service statement i can never match.
mismatches[i] contains msg if {
	some i in service_statements
	some c in facts.at[i].conditions
	service_key(c.key)
	c.o.test in {"stringequals", "stringequalsignorecase"}
	not c.o.negated
	some v in c.values
	not facts.unresolved(v)
	regex.match(`[*?]`, v)
	not contains(v, "${")
	msg := sprintf("%s: %s compares %s literally, so %q matches only that exact text; use %s", [facts.label(i), c.op, c.raw_key, v, like_op(c.key)])
}

mismatches[i] contains msg if {
	some i in service_statements
	f := facts.at[i]
	some c in f.conditions
	expected := expected_arn_services(f, c.key)
	count(expected) > 0
	not c.o.negated
	some v in c.values
	not facts.unresolved(v)
	p := arn_parts(v)
	not wildcard(p[2])
	not p[2] in expected
	msg := sprintf("%s: %s %q is an ARN of service %s, but the statement is for %s", [facts.label(i), c.raw_key, v, p[2], concat(", ", sort(f.services))])
}

mismatches[i] contains msg if {
	some i in service_statements
	f := facts.at[i]
	regions := {r | some s in f.services; r := principal_region(s)}
	count(regions) == count(f.services)
	some c in f.conditions
	arn_key(c.key)
	not c.o.negated
	some v in c.values
	not facts.unresolved(v)
	p := arn_parts(v)
	p[3] != ""
	not wildcard(p[3])
	not p[3] in regions
	msg := sprintf("%s: %s %q is in Region %s, but the service principal %s calls from %s", [facts.label(i), c.raw_key, v, p[3], concat(", ", sort(f.services)), concat(", ", sort(regions))])
}

mismatches[i] contains msg if {
	some i in service_statements
	f := facts.at[i]
	accounts := {v |
		some c in f.conditions
		c.key == "aws:sourceaccount"
		facts.positive(c)
		some v in c.values
		not facts.unresolved(v)
		regex.match(`^[0-9]{12}$`, v)
	}
	count(accounts) > 0
	some c in f.conditions
	c.key == "aws:sourcearn"
	facts.positive(c)
	some v in c.values
	not facts.unresolved(v)
	p := arn_parts(v)
	regex.match(`^[0-9]{12}$`, p[4])
	not p[4] in accounts
	msg := sprintf("%s: aws:SourceArn %q names account %s, but aws:SourceAccount requires %s; both must hold", [facts.label(i), v, p[4], concat(", ", sort(accounts))])
}

mismatches[i] contains msg if {
	some i in service_statements
	f := facts.at[i]
	"iotfleetwise.amazonaws.com" in f.services
	some c in f.conditions
	c.key == "aws:sourcearn"
	not c.o.negated
	some v in c.values
	not facts.unresolved(v)
	not fleetwise_source_arn(v)
	msg := sprintf("%s: IoT FleetWise uses the key only when aws:SourceArn is arn:aws:iotfleetwise:REGION:ACCOUNT:* (resource part exactly *), not %q", [facts.label(i), v])
}

mismatches[i] contains msg if {
	some i in service_statements
	f := facts.at[i]
	"iotfleetwise.amazonaws.com" in f.services
	some c in f.conditions
	c.key == "aws:sourcearn"
	not c.o.negated
	some v in c.values
	not facts.unresolved(v)
	p := arn_parts(v)
	not wildcard(p[3])
	p[3] != facts.key_region
	msg := sprintf("%s: aws:SourceArn %q is for Region %s, but the key is in %s", [facts.label(i), v, p[3], facts.key_region])
}

mismatches[i] contains msg if {
	some i in service_statements
	some s in facts.at[i].services
	r := principal_region(s)
	r != facts.key_region
	msg := sprintf("%s: service principal %s is in Region %s, but the key is in %s; the service principal must be in the key's Region", [facts.label(i), s, r, facts.key_region])
}

mismatches[i] contains msg if {
	some i in service_statements
	"logs.amazonaws.com" in facts.at[i].services
	msg := sprintf("%s: CloudWatch Logs calls KMS as logs.REGION.amazonaws.com; logs.amazonaws.com never matches", [facts.label(i)])
}

# The service's encryption context keys are never in the requests of some
# actions (kms:DescribeKey): a statement that needs them never allows those.
mismatches[i] contains msg if {
	some i in service_statements
	some n in facts.never[i]
	n.kind == "absent"
	startswith(lower(n.key), "kms:encryptioncontext:")
	msg := sprintf("%s never applies: %s", [facts.label(i), n.msg])
}

mismatches[i] contains msg if {
	some i in service_statements
	some u in facts.uncarried[i]
	startswith(lower(u.key), "kms:encryptioncontext:")
	msg := sprintf("%s: %s", [facts.label(i), facts.uncarried_text(u)])
}

service_statements contains i if {
	some i in facts.allows
	count(facts.at[i].services) > 0
}

service_key(k) if k in {"aws:sourcearn", "aws:sourceaccount"}

service_key(k) if startswith(k, "kms:encryptioncontext:")

arn_key("aws:sourcearn")

arn_key(k) if ec_arn_services[k]

like_op(k) := "ArnLike" if {
	arn_key(k)
} else := "StringLike"

# The ARN services a statement's service principals act for, when every one
# of them is known.
expected_arn_services(f, "aws:sourcearn") := {svc |
	every s in f.services {
		arn_services[principal_service(s)]
	}
	some s in f.services
	some svc in arn_services[principal_service(s)]
}

expected_arn_services(_, k) := {ec_arn_services[k]} if ec_arn_services[k]

# Encryption context keys that carry the ARN of the service's resource.
ec_arn_services := {
	"kms:encryptioncontext:aws:logs:arn": "logs",
	"kms:encryptioncontext:aws-crypto-ec:aws:logs:arn": "logs",
	"kms:encryptioncontext:aws:cloudtrail:arn": "cloudtrail",
	"kms:encryptioncontext:aws:s3:arn": "s3",
}

# Service principals (without Region) and the service part of the ARNs of
# the resources they act for.
arn_services := {
	"cloudtrail": {"cloudtrail"},
	"cloudwatch": {"cloudwatch"},
	"config": {"config"},
	"delivery.logs": {"logs"},
	"events": {"events"},
	"firehose": {"firehose"},
	"guardduty": {"guardduty"},
	"iotfleetwise": {"iotfleetwise"},
	"lambda": {"lambda"},
	"logs": {"logs"},
	"s3": {"s3"},
	"ses": {"ses"},
	"sns": {"sns"},
	"sqs": {"sqs"},
}

# principal_service("logs.us-west-2.amazonaws.com") = "logs".
principal_service(s) := name if {
	base := trim_suffix(trim_suffix(s, ".cn"), ".amazonaws.com")
	labels := split(base, ".")
	count(labels) > 1
	region_label(labels[count(labels) - 1])
	name := concat(".", array.slice(labels, 0, count(labels) - 1))
} else := trim_suffix(trim_suffix(s, ".cn"), ".amazonaws.com")

principal_region(s) := r if {
	base := trim_suffix(trim_suffix(s, ".cn"), ".amazonaws.com")
	labels := split(base, ".")
	count(labels) > 1
	r := labels[count(labels) - 1]
	region_label(r)
}

region_label(r) if regex.match(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`, r)

arn_parts(v) := array.concat(array.slice(p, 0, 5), [concat(":", array.slice(p, 5, count(p)))]) if {
	p := split(v, ":")
	count(p) >= 6
	p[0] == "arn"
}

wildcard(v) if regex.match(`[*?]`, v)

fleetwise_source_arn(v) if {
	p := arn_parts(v)
	p[2] == "iotfleetwise"
	p[5] == "*"
}
