package kmsguard.iam.principal_test

import data.kmsguard.iam.principal

alice := principal.parse("arn:aws:iam::111122223333:user/alice", null)

session := principal.parse("arn:aws:sts::111122223333:assumed-role/App/s1", null)

root := principal.parse("111122223333", null)

logs := principal.parse("logs.us-west-2.amazonaws.com", null)

kinds(p, c) := principal.match_kinds(principal.normalize(p), c)

test_parse if {
	alice.kind == "user"
	alice.name == "alice"
	session.kind == "session"
	session.role_arn == "arn:aws:iam::111122223333:role/App"
	session.principal_arn == "arn:aws:iam::111122223333:role/App"
	root.kind == "root"
	root.arn == "arn:aws:iam::111122223333:root"
	principal.parse("arn:aws:iam::111122223333:root", null).kind == "root"
	logs.kind == "service"
	principal.parse("arn:aws:sts::111122223333:federated-user/bob", null).kind == "federated"
	principal.parse("arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", null).service_linked
}

# docs/aws-rules.md#i-gkeys: assumed-role ARNs carry no role path; role_arn supplies it.
test_session_role_path if {
	s := principal.parse("arn:aws:sts::111122223333:assumed-role/App/s1", "arn:aws:iam::111122223333:role/team/App")
	s.role_arn == "arn:aws:iam::111122223333:role/team/App"
	not principal.parse("arn:aws:sts::111122223333:assumed-role/App/s1", "arn:aws:iam::111122223333:role/Other")
}

test_parse_rejects if {
	not principal.parse("alice", null)
	not principal.parse("arn:aws:iam::1111:user/alice", null)
	not principal.parse("arn:aws:iam::111122223333:user/*", null)
	not principal.parse("arn:aws:iam::111122223333:group/admins", null)
	not principal.parse("arn:aws:sts::111122223333:assumed-role/App", null)
}

# docs/aws-rules.md#i-prin: "*" and {"AWS": "*"} name everyone.
test_everyone if {
	kinds("*", alice) == {"any"}
	kinds({"AWS": "*"}, alice) == {"any"}
}

# docs/aws-rules.md#i-prin: a bare account id is the same as the account's root ARN.
test_account_principal if {
	kinds({"AWS": "111122223333"}, alice) == {"account"}
	kinds({"AWS": "arn:aws:iam::111122223333:root"}, alice) == {"account"}
	kinds({"AWS": "arn:aws:iam::444455556666:root"}, alice) == set()
	kinds({"AWS": "arn:aws:iam::111122223333:root"}, root) == {"account"}
}

# docs/aws-rules.md#i-prin: a role session matches its session ARN, its role ARN and its account.
test_session_matches if {
	kinds({"AWS": "arn:aws:iam::111122223333:role/App"}, session) == {"role"}
	kinds({"AWS": "arn:aws:sts::111122223333:assumed-role/App/s1"}, session) == {"self"}
	kinds({"AWS": "arn:aws:sts::111122223333:assumed-role/App/s2"}, session) == set()
}

# docs/aws-rules.md#i-prin: user names are case-sensitive in a Principal element.
test_user_case_sensitive if kinds({"AWS": "arn:aws:iam::111122223333:user/Alice"}, alice) == set()

# docs/aws-rules.md#i-prin: partial wildcards are not valid in principals and match nothing.
test_partial_wildcard if kinds({"AWS": "arn:aws:iam::111122223333:user/*"}, alice) == set()

# docs/aws-rules.md#i-prin: service principals match Service entries by exact name, never AWS
# entries or account principals.
test_service if {
	kinds({"Service": "logs.us-west-2.amazonaws.com"}, logs) == {"self"}
	kinds({"Service": ["logs.amazonaws.com"]}, logs) == set()
	kinds({"AWS": "arn:aws:iam::111122223333:root"}, logs) == set()
	kinds({"Service": "logs.us-west-2.amazonaws.com"}, alice) == set()
}

# docs/aws-rules.md#i-notprin: a Deny's NotPrincipal exempts a session only when the account,
# the role and the session are all listed.
test_not_principal_deny if {
	principal.exempt_from_deny(
		principal.normalize({"AWS": [
			"arn:aws:iam::111122223333:root",
			"arn:aws:iam::111122223333:role/App",
			"arn:aws:sts::111122223333:assumed-role/App/s1",
		]}),
		session,
	)
	not principal.exempt_from_deny(principal.normalize({"AWS": ["arn:aws:sts::111122223333:assumed-role/App/s1"]}), session)
	principal.exempt_from_deny(principal.normalize({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"]}), alice)
	not principal.exempt_from_deny(principal.normalize({"AWS": ["arn:aws:iam::111122223333:user/alice"]}), alice)
}

test_errors if {
	count(principal.errors("P", "*")) == 0
	count(principal.errors("P", {"AWS": ["arn:aws:iam::111122223333:root"]})) == 0
	principal.errors("P", {"Group": "x"}) == {"P: unknown principal type \"Group\" (expected AWS, Service, Federated or CanonicalUser)"}
	principal.errors("P", {"AWS": []}) == {"P.AWS: must be a string or a non-empty list of strings"}
	count(principal.errors("P", "alice")) == 1
}

# PutKeyPolicy rejects a key policy with an invalid principal
# (MalformedPolicyDocumentException), and "You cannot use a wildcard to match
# part of a principal name or ARN"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
# such a value is an error, not a principal that silently matches nobody.
test_errors_invalid_values if {
	count(principal.errors("P", {"AWS": [
		"*", "111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/a/b",
		"arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/R", "arn:aws:sts::111122223333:assumed-role/R/session",
		"arn:aws-cn:sts::111122223333:federated-user/fed", "AROA1234567890EXAMPLE",
	]})) == 0
	count(principal.errors("P", {"Service": ["logs.us-east-1.amazonaws.com", "ec2.amazonaws.com.cn"]})) == 0
	principal.errors("P", {"AWS": "alice"}) == {`P.AWS: "alice" is not a valid AWS principal (expected "*", a 12-digit account id, or the ARN of an account root, IAM user or role, assumed-role session or federated user)`}
	principal.errors("P", {"AWS": ["11112222333", "arn:aws:iam::111122223333:user/*", "logs.amazonaws.com"]}) == {
		`P.AWS: "11112222333" is not a valid AWS principal (expected "*", a 12-digit account id, or the ARN of an account root, IAM user or role, assumed-role session or federated user)`,
		`P.AWS: "arn:aws:iam::111122223333:user/*" is not a valid AWS principal (expected "*", a 12-digit account id, or the ARN of an account root, IAM user or role, assumed-role session or federated user)`,
		`P.AWS: "logs.amazonaws.com" is not a valid AWS principal (expected "*", a 12-digit account id, or the ARN of an account root, IAM user or role, assumed-role session or federated user)`,
	}
	principal.errors("P", {"Service": "alice"}) == {`P.Service: "alice" is not a valid Service principal (expected a service principal such as logs.us-east-1.amazonaws.com)`}

	# valid, the quick test policy validation starts with, agrees.
	principal.valid({"AWS": ["111122223333", "AROA1234567890EXAMPLE"], "Service": "logs.amazonaws.com"})
	not principal.valid({"AWS": "alice"})
	not principal.valid({"AWS": ["111122223333", "arn:aws:iam::111122223333:user/*"]})
	not principal.valid({"Service": "alice"})
}

# A value a template reader could not resolve is not judged (docs/check.md:
# no finding comes from a value kmsguard could not see) and matches nobody.
test_unresolved_template_values_not_judged if {
	p := {"AWS": ["arn:aws:iam::kmsguard-unresolved-TrustedAccountId:root", "kmsguard-unresolved-AdminArn"], "Service": "kmsguard-unresolved-Svc"}
	count(principal.errors("P", p)) == 0
	principal.valid(p)
}
