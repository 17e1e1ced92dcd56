package kmsguard.lint_test

import data.kmsguard.lint

root_statement := {
	"Sid": "Enable IAM User Permissions", "Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	"Action": "kms:*", "Resource": "*",
}

policy := {"Version": "2012-10-17", "Statement": [
	root_statement,
	{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"},
	{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "kms:ListKeys", "Resource": "*"},
]}

key_arn := "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

ids(findings) := [[object.get(f, "statement", null), f.id] | some f in findings]

# ---- the entry point ---------------------------------------------------------------

# Findings come sorted by statement (document-level first), then id.
test_findings_sorted if {
	ids(lint.findings) == [[null, "KMS017"], [1, "KMS003"], [2, "KMS030"]] with input as policy
}

# The whole finding object: METADATA fields, msg, statement and sid.
test_finding_object if {
	findings := lint.findings with input as policy
	findings[1] == {
		"id": "KMS003",
		"name": "wildcard-principal",
		"title": "Key policy allows every principal",
		"severity": "high",
		"category": "access",
		"msg": `Statement[1] "Public" allows kms:Decrypt to every principal ("*") with no condition`,
		"statement": 1,
		"sid": "Public",
		"description": data.kmsguard.rules.access["wildcard-principal"].metadata.description,
		"remediation": data.kmsguard.rules.access["wildcard-principal"].metadata.remediation,
		"related_resources": data.kmsguard.rules.access["wildcard-principal"].metadata.related_resources,
	}

	# A statement without a Sid: no sid field; a document-level finding: no statement.
	not "sid" in object.keys(findings[2])
	findings[2].statement == 2
	not "statement" in object.keys(findings[0])
	not "sid" in object.keys(findings[0])
}

# A bare document and the wrapper give the same findings.
test_wrapper_same_as_bare if {
	bare := lint.findings with input as policy
	wrapped := lint.findings with input as {"policy": policy}
	bare == wrapped
}

# The wrapper may carry the policy as the JSON string GetKeyPolicy returns.
test_wrapper_policy_string if {
	bare := lint.findings with input as policy
	from_string := lint.findings with input as {"policy": json.marshal(policy)}
	bare == from_string
}

# ---- rule switches and severities ----------------------------------------------------

# config.rules leaves a rule out and changes another's severity.
test_config_rules if {
	findings := lint.findings with input as {"policy": policy, "config": {"rules": {
		"KMS003": {"disabled": true},
		"KMS030": {"severity": "critical"},
		"KMS017": {"disabled": false, "severity": "not-a-severity"},
	}}}
	ids(findings) == [[null, "KMS017"], [2, "KMS030"]]
	findings[0].severity == "info"
	findings[1].severity == "critical"
}

# A disabled rule is left out before it runs: what its deny would give
# (here a stand-in finding of another id) never reaches the findings.
test_disabled_rule_not_evaluated if {
	stand_in := {{"id": "KMS999", "msg": "evaluated", "severity": "high"}}
	findings := lint.findings with input as {"policy": policy, "config": {"rules": {"KMS003": {"disabled": true}}}}
		with data.kmsguard.rules.access["wildcard-principal"].deny as stand_in
	not "KMS999" in {f.id | some f in findings}
	on := lint.findings with input as policy
		with data.kmsguard.rules.access["wildcard-principal"].deny as stand_in
	"KMS999" in {f.id | some f in on}
}

# ---- the rule pack ---------------------------------------------------------------------

kitchen_sink := [
	policy,
	{"Version": "2008-10-17", "Statement": [
		{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:user/u"], "Service": "logs.amazonaws.com"}, "Action": ["kms:*", "s3:GetObject", "kms:Decrypts"], "Resource": "arn:aws:kms:us-west-2:111122223333:alias/a"},
		{"Sid": "A", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/u"}, "Action": "kms:ReplicateKey", "Resource": "*", "Condition": {"StringNotEquals": {"kms:ViaService": "ec2.amazonaws.com"}, "NumericEquals": {"kms:CallerAccount": "1"}}},
		{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:GrantIsForAWSResource": "true"}}},
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["kms:CreateGrant", "kms:ScheduleKeyDeletion"]},
		{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:*:111122223333:trail/*"}}},
	]},
	{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]},
]

all_findings := {f |
	some doc in kitchen_sink
	some f in lint.findings with input as {"policy": doc, "key_arn": key_arn, "config": {"admins": ["arn:aws:iam::111122223333:role/Admin"], "services": ["s3.us-west-2.amazonaws.com"]}}
}

# Every finding has every field METADATA must give.
test_findings_complete if {
	count(all_findings) > 20
	every f in all_findings {
		every k in ["id", "name", "title", "severity", "category", "description", "remediation", "msg"] {
			is_string(f[k])
			f[k] != ""
		}
		count(f.related_resources) > 0
		regex.match(`^KMS[0-9]{3}$`, f.id)
		regex.match(`^[a-z0-9]+(-[a-z0-9]+)*$`, f.name)
		f.severity in {"critical", "high", "medium", "low", "info"}
	}
}

# One id per rule name and one name per id.
test_ids_stable if {
	every f in all_findings {
		count({g.name | some g in all_findings; g.id == f.id}) == 1
		count({g.id | some g in all_findings; g.name == f.name}) == 1
	}
}

# conftest's contract: deny holds critical, high and medium findings, warn
# low and info ones.
test_deny_and_warn_by_severity if {
	every doc in kitchen_sink {
		count(misplaced) == 0 with input as doc
	}
	count(denied) > 0 with input as kitchen_sink[1]
	count(warned) > 0 with input as kitchen_sink[1]
}

# Refs, not iteration over data.kmsguard.rules as a value (which would
# evaluate every rule and every test of the tree).
denied contains f if {
	some category, name
	some f in data.kmsguard.rules[category][name].deny
}

warned contains f if {
	some category, name
	some f in data.kmsguard.rules[category][name].warn
}

misplaced contains f if {
	some f in denied
	not f.severity in {"critical", "high", "medium"}
}

misplaced contains f if {
	some f in warned
	not f.severity in {"low", "info"}
}

# The lockout rule's shortcut agrees with the decision engine.
test_lockout_shortcut_agrees_with_engine if {
	data.kmsguard.rules.management["policy-lockout"].trivially_manageable with input as policy
	answer := data.kmsguard.authz.decision with input as {
		"principal": "arn:aws:iam::111122223333:root", "action": "kms:PutKeyPolicy",
		"resource": key_arn, "key_policy": policy,
	}
	answer.allowed
}
