package kmsguard.access_test

import data.kmsguard.access

key := "arn:aws:kms:us-east-1:111122223333:key/k1"

app := "arn:aws:iam::111122223333:role/team/App"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

snap(policy, principals, grants) := {
	"format": "kmsguard-snapshot", "version": 1,
	"keys": {key: {"key_policy": policy, "grants": grants}},
	"principals": principals,
	"roles": {"111122223333:App": app},
	"accounts": {},
	"errors": [],
}

root_statement := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}

app_decrypt := {app: {"identity_policies": [doc([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}])]}}

row(result, p) := [r | some r in result.principals; r.principal == p][0]

level(result, p, action) := [g.access |
	some r in result.principals
	r.principal == p
	some g in r.access
	action in g.actions
][0]

test_delegation_through_iam if {
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([root_statement]), app_decrypt, [])
	level(result, app, "kms:Decrypt") == "allowed"
	level(result, "arn:aws:iam::111122223333:root", "kms:Decrypt") == "allowed"
	r := row(result, app)
	r.in_snapshot
	not r.external
}

test_no_identity_policy_no_access if {
	result := access.who_can with input as {"key": key}
		with data.kmsguard.snapshot as snap(doc([root_statement]), {app: {"identity_policies": []}}, [])
	every r in result.principals {
		r.principal != app
	}
}

test_key_policy_condition_is_listed if {
	s := {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": app}, "Action": "kms:Encrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
	result := access.who_can with input as {"key": key, "action": "kms:Encrypt"}
		with data.kmsguard.snapshot as snap(doc([s]), {app: {"identity_policies": []}}, [])
	g := row(result, app).access[0]
	g.access == "conditional"
	g.paths[0][0].conditions[0].text == "only via s3.us-east-1.amazonaws.com"
	g.example_context == {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
}

# A condition on the caller is decided from the snapshot, not listed.
test_principal_condition_is_decided if {
	s := object.union(root_statement, {"Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}})
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([s]), app_decrypt, [])
	level(result, app, "kms:Decrypt") == "allowed"
}

test_external_account_grant_with_constraint if {
	grant := {"grant_id": "g-1", "grantee_principal": "arn:aws:iam::444455556666:root", "operations": ["Decrypt"], "constraints": {"encryption_context_subset": {"app": "billing"}}}
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([root_statement]), {}, [grant])
	r := row(result, "arn:aws:iam::444455556666:root")
	r.external
	g := r.access[0]
	g.access == "conditional"
	g.paths[0][0].conditions[0].text == "only with encryption context app = billing (grant constraint)"
	g.example_context == {"kms:EncryptionContext:app": "billing"}
}

test_unconditional_deny_removes_access if {
	deny := {"Effect": "Deny", "Principal": {"AWS": app}, "Action": "kms:Decrypt", "Resource": "*"}
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([root_statement, deny]), app_decrypt, [])
	every r in result.principals {
		r.principal != app
	}
}

test_conditional_deny_is_listed if {
	deny := {"Sid": "Vpc", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}}
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([root_statement, deny]), app_decrypt, [])
	g := row(result, app).access[0]
	g.access == "conditional"
	g.unless[0].reason.sid == "Vpc"
	g.example_context == {"aws:SourceVpc": "vpc-1"}
}

test_anyone if {
	s := {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as snap(doc([s]), {}, [])
	r := row(result, "*")
	r.type == "anyone"
	r.access[0].access == "conditional"
	r.access[0].example_context == {"aws:PrincipalOrgID": "o-1"}
	some e in r.access[0].paths[0]
	e.requires == "identity_policy"
}

# A snapshot that records the accounts' organization decides
# aws:PrincipalOrgID for their principals (in the organization: allowed; in
# none: no access), while "*" from an unrecorded account keeps the condition.
test_organization_decided if {
	s := {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1234567890"}}}
	outsider := "arn:aws:iam::555555555555:role/Outsider"
	principals := object.union(app_decrypt, {outsider: {"identity_policies": [doc([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}])]}})
	orgs := {"111122223333": {"organization_id": "o-1234567890"}, "555555555555": {"organization_id": null}}
	result := access.who_can with input as {"key": key, "action": "kms:Decrypt"}
		with data.kmsguard.snapshot as object.union(snap(doc([s]), principals, []), {"accounts": orgs})
	level(result, app, "kms:Decrypt") == "allowed"
	every r in result.principals {
		r.principal != outsider
	}
	row(result, "*").access[0].access == "conditional"
}

test_can_use if {
	result := access.can_use with input as {"principal": app}
		with data.kmsguard.snapshot as snap(doc([root_statement]), app_decrypt, [])
	[k.key | some k in result.keys] == [key]
	result.keys[0].access[0].actions == ["kms:Decrypt"]
}

test_errors if {
	r1 := access.who_can with input as {"key": "arn:aws:kms:us-east-1:111122223333:key/other"}
		with data.kmsguard.snapshot as snap(doc([root_statement]), {}, [])
	r1.errors == ["key: arn:aws:kms:us-east-1:111122223333:key/other is not in the snapshot"]
	r2 := access.who_can with input as {"key": key, "action": "kms:Nope"}
		with data.kmsguard.snapshot as snap(doc([root_statement]), {}, [])
	r2.errors == ["action: kms:Nope is not a KMS action on a key (for example kms:Decrypt)"]
	r3 := access.can_use with input as {"principal": "nobody"}
		with data.kmsguard.snapshot as snap(doc([root_statement]), {}, [])
	r3.errors == ["principal: \"nobody\" is not a principal kmsguard can evaluate"]
}

# In the old policy App is reached only through its account's IAM policies
# (which a diff of key policies cannot see); the new one names it.
test_diff if {
	old := snap(doc([root_statement]), {}, [])
	new := snap(doc([root_statement, {"Effect": "Allow", "Principal": {"AWS": app}, "Action": "kms:Encrypt", "Resource": "*"}]), {}, [])
	d := access.diff with input as {"old": old, "new": new}
	[[c.principal, c.action, c.old.access, c.new.access] | some c in d.added] == [[app, "kms:Encrypt", "conditional", "allowed"]]
	d.removed == []
	back := access.diff with input as {"old": new, "new": old}
	count(back.removed) == 1
	back.added == []
}

test_open_conditions if {
	ctx := {"aws:principalaccount": ["111122223333"]}
	known := {"aws:principalaccount"}
	access.open_conditions({"StringEquals": {"aws:PrincipalAccount": "111122223333", "kms:ViaService": "s3.amazonaws.com"}}, ctx, true, known, false) == [{"operator": "StringEquals", "key": "kms:ViaService", "values": ["s3.amazonaws.com"]}]
	not access.open_conditions({"StringEquals": {"aws:PrincipalAccount": "999999999999"}}, ctx, true, known, false)
}

test_example_values if {
	access.example_value("numericlessthan", "7", {}) == "6"
	access.example_value("stringlike", "arn:aws:logs:*:1:log-group:?", {}) == "arn:aws:logs:x:1:log-group:x"
	access.example_value("ipaddress", "10.0.0.0/8", {}) == "10.0.0.0"
	access.example_value("stringequals", "${aws:username}", {"aws:username": ["alice"]}) == "alice"
}

test_condition_texts if {
	access.condition_text({"operator": "StringEqualsIfExists", "key": "kms:ViaService", "values": ["a", "b"]}) == "only via a or b (when present)"
	access.condition_text({"operator": "StringEquals", "key": "kms:EncryptionContext:aws:logs:arn", "values": ["x"]}) == "only with encryption context aws:logs:arn = x"
	access.condition_text({"operator": "IpAddress", "key": "aws:SourceIp", "values": ["10.0.0.0/8"]}) == "only from 10.0.0.0/8"
	access.condition_text({"operator": "NumericLessThan", "key": "kms:ScheduleKeyDeletionPendingWindowInDays", "values": [7]}) == "kms:ScheduleKeyDeletionPendingWindowInDays NumericLessThan 7"
}

# Condition key names are case-insensitive
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html):
# an example request gives a key once, as the first pair spells it.
test_first_per_key_case_insensitive if {
	access.first_per_key([["kms:EncryptionContext:app", "a"], ["kms:encryptioncontext:APP", "b"], ["aws:SourceVpc", "v"]]) == {
		"kms:EncryptionContext:app": "a",
		"aws:SourceVpc": "v",
	}
}
