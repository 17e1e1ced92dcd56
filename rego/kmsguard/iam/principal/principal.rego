# METADATA
# title: Principals
# description: |
#   Parses the calling principal of a request, normalises Principal /
#   NotPrincipal elements, and matches one against the other.
#   A caller is an object: kind (root | user | role | session | federated |
#   service), account, partition, arn (as called), role_arn (role and session
#   callers), name, principal_arn (the value of aws:PrincipalArn), type (the
#   value of aws:PrincipalType), service_linked (bool), service (service name).
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
package kmsguard.iam.principal

service_pattern := `^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`

# parse(p, role_arn): the caller described by the principal string p; role_arn
# (or null) gives the full role ARN, with path, of an assumed-role session.
parse(p, _) := {
	"kind": "root", "account": p, "partition": "aws",
	"arn": sprintf("arn:aws:iam::%s:root", [p]),
	"principal_arn": sprintf("arn:aws:iam::%s:root", [p]),
	"type": "Account", "service_linked": false,
} if regex.match(`^[0-9]{12}$`, p)

parse(p, _) := {"kind": "service", "service": p, "type": "Service", "service_linked": false} if regex.match(service_pattern, p)

parse(p, role_arn) := c if {
	startswith(p, "arn:")
	parts := split(p, ":")
	count(parts) == 6
	regex.match(`^[0-9]{12}$`, parts[4])
	parts[3] == ""
	c := arn_caller(parts[1], parts[2], parts[4], parts[5], p, role_arn)
}

arn_caller(part, "iam", acct, "root", arn, _) := {
	"kind": "root", "account": acct, "partition": part, "arn": arn,
	"principal_arn": arn, "type": "Account", "service_linked": false,
}

arn_caller(part, "iam", acct, res, arn, _) := {
	"kind": "user", "account": acct, "partition": part, "arn": arn,
	"name": last(res), "principal_arn": arn, "type": "User", "service_linked": false,
} if {
	startswith(res, "user/")
	name_ok(res)
}

arn_caller(part, "iam", acct, res, arn, _) := {
	"kind": "role", "account": acct, "partition": part, "arn": arn, "role_arn": arn,
	"name": last(res), "principal_arn": arn, "type": "AssumedRole",
	"service_linked": startswith(res, "role/aws-service-role/"),
} if {
	startswith(res, "role/")
	name_ok(res)
}

arn_caller(part, "sts", acct, res, arn, role_arn) := {
	"kind": "session", "account": acct, "partition": part, "arn": arn,
	"role_arn": r, "name": segs[1], "session": segs[2],
	"principal_arn": r, "type": "AssumedRole",
	"service_linked": contains(r, ":role/aws-service-role/"),
} if {
	segs := split(res, "/")
	count(segs) == 3
	segs[0] == "assumed-role"
	regex.match(name_pattern, segs[1])
	regex.match(session_pattern, segs[2])
	r := session_role(part, acct, segs[1], role_arn)
}

arn_caller(part, "sts", acct, res, arn, _) := {
	"kind": "federated", "account": acct, "partition": part, "arn": arn,
	"name": segs[1], "principal_arn": arn, "type": "FederatedUser", "service_linked": false,
} if {
	segs := split(res, "/")
	count(segs) == 2
	segs[0] == "federated-user"
	regex.match(federated_pattern, segs[1])
}

session_role(part, acct, name, null) := sprintf("arn:%s:iam::%s:role/%s", [part, acct, name])

session_role(_, _, name, role_arn) := role_arn if {
	is_string(role_arn)
	endswith(role_arn, concat("", ["/", name]))
}

name_ok(res) if {
	not contains(res, "*")
	not contains(res, "?")
	regex.match(path_name_pattern, res)
}

# IAM's character rules (IAM User Guide, "IAM object quotas" and the
# CreateUser / CreateRole / AssumeRole / GetFederationToken API references):
# user and role names 1-64 of [A-Za-z0-9+=,.@_-]; paths of printable ASCII
# between slashes; role session names 2-64 and federated-user names 2-32 of
# the same characters. Anything else (NUL, controls, whitespace, non-ASCII)
# is not a principal.
name_pattern := `^[\w+=,.@-]{1,64}$`

session_pattern := `^[\w+=,.@-]{2,64}$`

federated_pattern := `^[\w+=,.@-]{2,32}$`

path_name_pattern := `^(user|role)/([!-.0-~]+/)*[\w+=,.@-]{1,64}$`

last(res) := x if {
	segs := split(res, "/")
	x := segs[count(segs) - 1]
}

# identities: every principal value that names this caller, with how it
# names it. "self": the caller itself; "role": the role of a session;
# "account": the caller's account.
identities(c) := {[c.service, "self"]} if c.kind == "service"

identities(c) := {[c.arn, "account"], [c.account, "account"]} if c.kind == "root"

identities(c) := {[c.arn, "self"], [root_arn(c), "account"], [c.account, "account"]} if c.kind in {"user", "federated"}

identities(c) := {[c.role_arn, "role"], [root_arn(c), "account"], [c.account, "account"]} if c.kind == "role"

identities(c) := {
	[c.arn, "self"], [c.role_arn, "role"],
	[root_arn(c), "account"], [c.account, "account"],
} if c.kind == "session"

root_arn(c) := sprintf("arn:%s:iam::%s:root", [c.partition, c.account])

# normalize reads a Principal or NotPrincipal element into
# {"any": bool, "aws": [...], "service": [...], "other": [...]}.
normalize("*") := {"any": true, "aws": [], "service": []}

normalize(p) := {
	"any": "*" in aws,
	"aws": aws,
	"service": split(lower(concat("\n", values(p, "Service"))), "\n"),
} if {
	is_object(p)
	aws := values(p, "AWS")
}

normalize(p) := {"any": false, "aws": [], "service": []} if {
	not is_object(p)
	p != "*"
}

values(p, k) := as_list(object.get(p, k, []))

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

# identity_map(c): principal value -> how it names caller c.
identity_map(c) := {value: kind | some [value, kind] in identities(c)}

# match_kinds(np, c): how the normalised principal np names caller c — a set
# of "any", "self", "role", "account"; empty when it does not.
match_kinds(np, c) := kinds(np, identity_map(c), c.kind == "service")

# kinds is match_kinds with the caller's identity map computed beforehand.
kinds(np, _, _) := {"any"} if np.any

kinds(np, ids, true) := {ids[v] | some v in np.service; ids[v]} if not np.any

kinds(np, ids, false) := {ids[v] | some v in np.aws; ids[v]} if not np.any

# exempt_from_deny(np, c): a NotPrincipal of a Deny statement leaves the
# caller out only when it lists every identity AWS checks for it — the
# account, and for a session its role and the session itself.
exempt_from_deny(np, _) if np.any

exempt_from_deny(np, c) if {
	not np.any
	every kind in required_kinds(c) {
		kind in match_kinds(np, c)
	}
}

required_kinds(c) := {"self"} if c.kind == "service"

required_kinds(c) := {"account"} if c.kind == "root"

required_kinds(c) := {"self", "account"} if c.kind in {"user", "federated"}

required_kinds(c) := {"role", "account"} if c.kind == "role"

required_kinds(c) := {"self", "role", "account"} if c.kind == "session"

# exempt_from_allow(np, c): an Allow with NotPrincipal (which AWS no longer
# supports) is read narrowly: naming any identity of the caller leaves it out.
exempt_from_allow(np, _) if np.any

exempt_from_allow(np, c) if count(match_kinds(np, c)) > 0

# valid(p): a well-formed Principal element (quick test; see errors).
valid("*")

valid(p) if {
	is_object(p)
	count(p) > 0
	count(object.keys(p) - {"AWS", "Service", "Federated", "CanonicalUser"}) == 0
	every k, v in p {
		string_list(v)
		_valid_values(k, v)
	}
}

_valid_values(k, _) if k in {"Federated", "CanonicalUser"}

_valid_values(k, v) if {
	k in {"AWS", "Service"}
	every x in _as_list(v) {
		_valid_value(k, x)
	}
}

# errors(path, p) lists malformed Principal elements.
errors(_, p) := set() if p == "*"

errors(path, p) := {sprintf("%s: must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}", [path])} if {
	not is_object(p)
	p != "*"
}

errors(path, p) := {msg |
	some k, v in p
	some msg in element_errors(path, k, v)
} if {
	is_object(p)
	count(p) > 0
}

errors(path, p) := {sprintf("%s: an empty object names no principal", [path])} if p == {}

element_errors(path, k, _) := {sprintf("%s: unknown principal type %q (expected AWS, Service, Federated or CanonicalUser)", [path, k])} if not k in {"AWS", "Service", "Federated", "CanonicalUser"}

element_errors(path, k, v) := {sprintf("%s.%s: must be a string or a non-empty list of strings", [path, k])} if {
	k in {"AWS", "Service", "Federated", "CanonicalUser"}
	not string_list(v)
}

element_errors(_, k, v) := set() if {
	k in {"Federated", "CanonicalUser"}
	string_list(v)
}

# A value AWS does not accept for the principal type is an error, not a
# principal that matches nobody: PutKeyPolicy rejects a policy with an
# invalid principal (MalformedPolicyDocumentException), and a wildcard may
# only be the whole value ("You cannot use a wildcard to match part of a
# principal name or ARN",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
element_errors(path, k, v) := {sprintf("%s.%s: %q is not a valid %s principal%s", [path, k, x, k, _expected[k]]) |
	some x in _as_list(v)
	not _valid_value(k, x)
} if {
	k in {"AWS", "Service"}
	string_list(v)
}

_expected := {
	"AWS": " (expected \"*\", a 12-digit account id, or the ARN of an account root, IAM user or role, assumed-role session or federated user)",
	"Service": " (expected a service principal such as logs.us-east-1.amazonaws.com)",
}

_as_list(v) := v if is_array(v)

_as_list(v) := [v] if is_string(v)

_valid_value(_, "*")

_valid_value("AWS", x) if {
	c := parse(x, null)
	c.kind != "service"
}

# The unique id (AIDA..., AROA...) AWS shows in place of a deleted principal.
_valid_value("AWS", x) if regex.match(`^A[A-Z0-9]{15,127}$`, x)

_valid_value("Service", x) if regex.match(service_pattern, x)

string_list(v) if is_string(v)

# A non-empty list of strings (concat fails on anything else).
string_list(v) if {
	is_array(v)
	count(v) > 0
	is_string(concat("", v))
}
