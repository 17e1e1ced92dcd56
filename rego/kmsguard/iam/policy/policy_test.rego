package kmsguard.iam.policy_test

import data.kmsguard.iam.policy

doc := {"Version": "2012-10-17", "Statement": [{
	"Sid": "Use",
	"Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	"Action": ["KMS:Decrypt", "kms:Encrypt"],
	"Resource": "*",
}]}

test_statements_normalised if {
	[s] := policy.statements(doc)
	s.action == {"exact": {"kms:decrypt", "kms:encrypt"}, "wild": null}
	s.resource == ["*"]
	s.not_action == null
	s.sid == "Use"
	s.vars
	s.condition == {}
}

# A single statement object is a one-statement list; a JSON string is parsed.
test_statement_object_and_string if {
	count(policy.statements({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})) == 1
	count(policy.statements(json.marshal(doc))) == 1
	[s] := policy.statements({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
	not s.vars
}

# docs/aws-rules.md#k-kpo: a statement without Resource or Action is accepted and has no effect.
test_missing_resource_normalises_to_null if {
	[s] := policy.statements({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}]})
	s.resource == null
	s.not_resource == null
}

test_valid_policy_has_no_errors if {
	count(policy.errors("key_policy", doc, "resource")) == 0
	count(policy.errors("p", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}, "identity")) == 0
}

errs(d, kind) := policy.errors("p", d, kind)

one(s, kind) := errs({"Version": "2012-10-17", "Statement": [s]}, kind)

test_errors if {
	errs("{", "resource") == {"p: policy is not valid JSON"}
	errs([], "resource") == {"p: a policy must be a JSON object, not array"}
	errs({"Version": "2012-10-17"}, "resource") == {"p: the policy has no Statement"}
	errs({"Version": "2012-10-18", "Statement": []}, "resource") == {"p.Version: 2012-10-18 is not a policy language version (use \"2012-10-17\")"}
	one({"Effect": "allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}, "resource") == {"p.Statement[0].Effect: allow is not \"Allow\" or \"Deny\""}
	one({"Effect": "Allow", "Action": "kms: TagResource", "Resource": "*"}, "identity") == {"p.Statement[0].Action: \"kms: TagResource\" is not an action (expected service:Name, e.g. kms:Decrypt, or *)"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}, "resource") == {"p.Statement[0]: a statement of a resource policy needs Principal or NotPrincipal"}
	one({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}, "identity") == {"p.Statement[0].Principal: an identity policy, boundary, session policy or SCP cannot name a principal"}
	one({"Effect": "Allow", "Action": "kms:*", "NotAction": "kms:Decrypt", "Resource": "*"}, "identity") == {"p.Statement[0]: has both Action and NotAction"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"StringEqualz": {"a": "b"}}}, "identity") == {"p.Statement[0].Condition.StringEqualz: unknown condition operator \"StringEqualz\""}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"StringEquals": {"a": {"b": "c"}}}}, "identity") == {"p.Statement[0].Condition.StringEquals[\"a\"]: a condition value must be a string, number, boolean or a list of them"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Actions": "x"}, "identity") == {"p.Statement[0]: unknown statement element \"Actions\""}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"NumericNotEquals": {"kms:x": "abc"}}}, "identity") == {"p.Statement[0].Condition.NumericNotEquals[\"kms:x\"]: abc is not a valid value for NumericNotEquals"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}, "identity") == {"p.Statement[0].Condition.Bool[\"aws:SecureTransport\"]: yes is not a valid value for Bool"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}, "identity") == {"p.Statement[0].Condition.IpAddress[\"aws:SourceIp\"]: 10.0.0.0/33 is not a valid value for IpAddress"}
	one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "soon"}}}, "identity") == {"p.Statement[0].Condition.DateLessThan[\"aws:CurrentTime\"]: soon is not a valid value for DateLessThan"}
	count(one({"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"NumericLessThan": {"kms:x": 30}, "Bool": {"aws:SecureTransport": true}, "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.1"]}}}, "identity")) == 0
}
