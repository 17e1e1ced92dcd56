package kmsguard.authz

import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.principal

_question_fields := {
	"id", "principal", "action", "resource", "context", "key_policy", "identity_policies",
	"permissions_boundary", "session_policy", "scps", "rcps", "grants", "vpc_endpoint_policy",
	"role_arn", "key", "management_account", "grant", "request_time",
}

# _errors: what is wrong with the question, each "field: what is wrong".
_errors contains "the question must be a JSON object" if not is_object(input)

_errors contains sprintf("%s: unknown field (expected one of %s)", [k, concat(", ", sort(_question_fields))]) if {
	is_object(input)
	some k in (object.keys(input) - _question_fields)
}

_errors contains sprintf("%s: missing", [k]) if {
	is_object(input)
	some k in ["principal", "action", "resource"]
	not k in object.keys(_question)
}

_errors contains "key_policy: missing (neither the question nor the loaded data has a key policy for this key)" if {
	is_object(input)
	not "key_policy" in object.keys(_question)
}

_errors contains "id: must be a string" if {
	"id" in object.keys(_question)
	not is_string(_question.id)
}

_errors contains sprintf("%s: must be a string", [k]) if {
	some k in ["principal", "action", "resource", "role_arn"]
	k in object.keys(_question)
	not is_string(_question[k])
}

_errors contains "management_account: must be a 12-digit account id" if {
	"management_account" in object.keys(_question)
	not regex.match(`^[0-9]{12}$`, object.get(_question, "management_account", ""))
}

_errors contains sprintf("principal: %q is not a principal (expected an IAM user, role, assumed-role or federated-user ARN, an account root ARN or 12-digit account id, or a service principal such as logs.us-east-1.amazonaws.com)", [_question.principal]) if {
	is_string(_question.principal)
	not principal.parse(_question.principal, null)
}

_errors contains sprintf("role_arn: %q is not the ARN of role %q of the assumed-role session", [_question.role_arn, p.name]) if {
	is_string(_question.role_arn)
	p := principal.parse(_question.principal, null)
	p.kind == "session"
	not _valid_role_arn(_question.role_arn, p)
}

_errors contains "role_arn: only an assumed-role session principal takes a role_arn" if {
	is_string(_question.role_arn)
	p := principal.parse(_question.principal, null)
	p.kind != "session"
}

_valid_role_arn(r, p) if {
	q := principal.parse(r, null)
	q.kind == "role"
	q.account == p.account
	q.name == p.name
}

_errors contains sprintf("action: %q is not a KMS action (expected kms:Name, e.g. kms:Decrypt, with no wildcards)", [_question.action]) if {
	is_string(_question.action)
	not regex.match(`^(?i)kms:[a-z]+$`, _question.action)
}

_errors contains sprintf("action: %q is not a KMS action", [_question.action]) if {
	is_string(_question.action)
	regex.match(`^(?i)kms:[a-z]+$`, _question.action)
	not _action
}

_errors contains sprintf("resource: %q is not a KMS key ARN (expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)", [_question.resource]) if {
	is_string(_question.resource)
	not _key
}

_errors contains msg if {
	"key_policy" in object.keys(_question)
	some msg in _errors_of("key_policy", _question.key_policy, "resource", _prepared_key_policy)
}

_errors contains msg if {
	"permissions_boundary" in object.keys(_question)
	some msg in _errors_of("permissions_boundary", _question.permissions_boundary, "identity", _prepared_boundary)
}

_errors contains msg if {
	"session_policy" in object.keys(_question)
	some msg in _errors_of("session_policy", _question.session_policy, "identity", _prepared_session_policy)
}

_errors contains msg if {
	"vpc_endpoint_policy" in object.keys(_question)
	some msg in _errors_of("vpc_endpoint_policy", _question.vpc_endpoint_policy, "resource", _prepared_endpoint_policy)
}

_errors contains "identity_policies: must be a list of policies" if {
	"identity_policies" in object.keys(_question)
	not is_array(_question.identity_policies)
}

_errors contains msg if {
	is_array(_question.identity_policies)
	some i, doc in _question.identity_policies
	some msg in _errors_of(sprintf("identity_policies[%d]", [i]), doc, "identity", _prepared_identity_policy(i))
}

_errors contains sprintf("%s: must be a list of levels, each a list of policies", [k]) if {
	some k in ["scps", "rcps"]
	k in object.keys(_question)
	not _list_of_lists(_question[k])
}

_list_of_lists(v) if {
	is_array(v)
	every level in v {
		is_array(level)
	}
}

_errors contains msg if {
	some [k, kind, _stored] in [["scps", "identity", _prepared_scps], ["rcps", "resource", _prepared_rcps]]
	_list_of_lists(_question[k])
	some l, level in _question[k]
	some i, doc in level
	some msg in _errors_of(sprintf("%s[%d][%d]", [k, l, i]), doc, kind, _prepared_level_policy(k, _stored, l, i))
}

_errors contains sprintf("%s: a service principal has no identity policies, boundary or session policy", [k]) if {
	_service_caller
	some k in ["identity_policies", "permissions_boundary", "session_policy"]
	k in object.keys(_question)
}

# ---- context --------------------------------------------------------------------------

_errors contains "context: must be an object of condition keys to values" if {
	"context" in object.keys(_question)
	not is_object(_question.context)
}

_errors contains sprintf("context[%q]: must be a string, boolean, number or a list of strings", [k]) if {
	is_object(_question.context)
	some k, v in _question.context
	not _context_value(v)
}

_context_value(v) if is_string(v)

_context_value(v) if is_boolean(v)

_context_value(v) if is_number(v)

_context_value(v) if {
	is_array(v)
	every x in v {
		is_string(x)
	}
}

# A given value must have its key's documented type (catalog
# condition_keys.types): a value that does not parse would otherwise match
# no policy value, which makes a negated operator true and can skip a Deny.
_errors contains sprintf("context[%q]: %s", [k, why]) if {
	is_object(_question.context)
	some k, v in _question.context
	t := _context_key_type(lower(k))
	some x in _context_list(v)
	why := _context_type_error(t, x)
}

# A kms:* key the requested action can never carry (the action's
# condition_keys in the catalog) is an error: the question describes a
# request AWS cannot receive. Global aws:* keys are not limited per action.
_errors contains sprintf("context[%q]: a kms:%s request never carries this key", [k, _action.name]) if {
	is_object(_question.context)
	some k, _ in _question.context
	startswith(lower(k), "kms:")
	not _action_carries(lower(k))
}

# _context_key_type(k): the documented type of condition key k (lower-cased);
# undefined for keys the catalog does not know.
_context_key_type(k) := catalog.condition_keys.types[k]

_context_key_type(k) := t if {
	not catalog.condition_keys.types[k]
	some prefix, t in catalog.condition_keys.prefixes
	startswith(k, prefix)
	count(k) > count(prefix)
}

_context_list(v) := v if is_array(v)

_context_list(v) := [v] if not is_array(v)

# _action_carries(k): requests for the question's action can carry kms:* key k.
_action_carries(k) if catalog.carries(_action, k)

# _context_type_error(t, x): why the single value x does not fit type t.
_context_type_error("Bool", x) := sprintf("%v is not true or false (Bool key)", [x]) if not _bool_value(x)

_context_type_error("Numeric", x) := sprintf("%v is not a whole number of 0 or more (Numeric key)", [x]) if not _count_value(x)

_context_type_error("Date", x) := sprintf("%v is not a W3C ISO 8601 date or epoch seconds (Date key)", [x]) if not condition.date_ns(condition.text(x))

_context_type_error("IP", x) := sprintf("%v is not an IPv4 or IPv6 address (IP key)", [x]) if not _ip_value(x)

_context_type_error("ARN", x) := sprintf("%v is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", [x]) if not _arn_value(x)

_context_type_error(t, x) := sprintf("%v is not a string (%s key)", [x, t]) if {
	t in {"String", "ArrayOfString"}
	is_boolean(x)
}

_bool_value(x) if is_boolean(x)

_bool_value(x) if {
	is_string(x)
	lower(x) in {"true", "false"}
}

# Every Numeric key KMS requests carry counts days or seconds.
_count_value(x) if {
	is_number(x)
	x >= 0
	x == floor(x)
	x < 1000000000000000
}

_count_value(x) if {
	is_string(x)
	regex.match(`^[0-9]{1,15}$`, x)
}

_ip_value(x) if {
	is_string(x)
	not contains(x, "/")
	net.cidr_is_valid(condition.cidr(x))
}

_arn_value(x) if {
	is_string(x)
	regex.match(`^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s]+$`, x)
}

_errors contains sprintf("context: %q is given twice (condition keys are case-insensitive)", [lower(k)]) if {
	is_object(_question.context)
	some k, _ in _question.context
	count([k2 | some k2, _ in _question.context; lower(k2) == lower(k)]) > 1
}

# request_time: the time of the request (aws:CurrentTime, aws:EpochTime).
_errors contains sprintf("request_time: %v is not an RFC 3339 date and time (e.g. 2026-06-01T12:00:00Z)", [_question.request_time]) if {
	"request_time" in object.keys(_question)
	not _rfc3339(_question.request_time)
}

_rfc3339(x) if {
	is_string(x)
	time.parse_rfc3339_ns(x)
}

# A context value may not contradict what the principal, the key, the
# request time or every KMS request fix (context_facts): the question would
# describe a request AWS cannot receive, and a contradicting value could
# turn a condition the request fails into one it passes.
_errors contains sprintf("context[%q]: %s contradicts %s: %s", [k, _quoted_values(context_values(v)), _fact_name(lower(k)), concat(", ", want)]) if {
	is_object(_question.context)
	some k, v in _question.context
	want := _context_facts[lower(k)]
	not _context_agrees(lower(k), context_values(v), want)
}

_quoted_values(vs) := concat(", ", [sprintf("%q", [x]) | some x in vs])

_context_agrees(_, given, want) if _same_values(given, want)

_context_agrees(k, given, want) if {
	_context_key_type(k) == "Bool"
	_same_values([lower(x) | some x in given], want)
}

_context_agrees(k, [given], [want]) if {
	_context_key_type(k) == "Date"
	floor(condition.date_ns(given) / 1000000000) == floor(condition.date_ns(want) / 1000000000)
}

# A list-valued key may hold more than the derived values (a service has
# several names in aws:PrincipalServiceNamesList).
_context_agrees(k, given, want) if {
	_context_key_type(k) == "ArrayOfString"
	every x in want {
		x in given
	}
}

# A session's role ARN is known without its path unless the question gives
# role_arn: an aws:PrincipalArn of the role with a path agrees.
_context_agrees("aws:principalarn", [given], _) if {
	_caller.kind == "session"
	not _caller_role_path_known
	startswith(given, sprintf("arn:%s:iam::%s:role/", [_caller.partition, _caller.account]))
	endswith(given, concat("", ["/", _caller.name]))
}

_caller_role_path_known if is_string(object.get(_question, "role_arn", _stored_role_arn))

_fact_name(k) := n if {
	some r in _rc_rows
	r.key == k
	n := r.fact_name
} else := _fact_names[k] if {
	_fact_names[k]
} else := "the key's metadata (key)"

_fact_names := {
	"aws:principalarn": "the caller's principal ARN",
	"aws:principalaccount": "the caller's account",
	"kms:calleraccount": "the caller's account",
	"aws:principaltype": "the caller's principal type",
	"aws:principalisawsservice": "whether the caller is an AWS service principal",
	"aws:principalservicename": "the calling service principal",
	"aws:username": "the caller's user name",
	"aws:userid": "the caller's user id",
	"aws:resourceaccount": "the key's account",
	"aws:requestedregion": "the key's Region",
}

# ---- grants -----------------------------------------------------------------------------

_grant_fields := {"grantee_principal", "grantee_service_principal", "operations", "constraints", "retiring_principal", "grant_id", "name"}

_grant_operations := {lower(a.name) | some a in catalog.actions; a.grant_operation}

_errors contains "grants: must be a list of grants" if {
	"grants" in object.keys(_question)
	not is_array(_question.grants)
}

_errors contains msg if {
	is_array(_question.grants)
	some i, g in _question.grants
	some msg in _grant_errors(sprintf("grants[%d]", [i]), g)
}

_grant_errors(path, g) := {sprintf("%s: a grant must be an object", [path])} if not is_object(g)

_grant_errors(path, g) := {msg |
	some check in [
		{sprintf("%s.%s: unknown grant field", [path, k]) | some k, _ in g; not k in _grant_fields},
		{sprintf("%s: needs exactly one of grantee_principal and grantee_service_principal", [path]) | count({k | some k in ["grantee_principal", "grantee_service_principal"]; is_string(g[k])}) != 1},
		{sprintf("%s.operations: must be a non-empty list of grant operations", [path]) | not _non_empty_strings(object.get(g, "operations", null))},
		{sprintf("%s.operations: %q is not a grant operation", [path, op]) | some op in g.operations; is_string(op); not lower(op) in _grant_operations},
		{sprintf("%s.operations: %q is not spelled as KMS spells the operation (%s)", [path, op, catalog.actions[lower(op)].name]) |
			some op in g.operations
			is_string(op)
			lower(op) in _grant_operations
			op != catalog.actions[lower(op)].name
		},
		_constraint_errors(sprintf("%s.constraints", [path]), g),
	]
	some msg in check
} if is_object(g)

_non_empty_strings(v) if {
	is_array(v)
	count(v) > 0
	every x in v {
		is_string(x)
	}
}

_constraint_errors(_, g) := set() if not "constraints" in object.keys(g)

_constraint_errors(path, g) := {sprintf("%s: must be an object with encryption_context_equals or encryption_context_subset", [path])} if {
	"constraints" in object.keys(g)
	not is_object(g.constraints)
}

_constraint_errors(path, g) := {msg |
	some k, v in g.constraints
	some msg in _constraint_field_errors(sprintf("%s.%s", [path, k]), k, v)
} if is_object(g.constraints)

_constraint_field_errors(path, k, _) := {sprintf("%s: unknown constraint", [path])} if not k in {"encryption_context_equals", "encryption_context_subset"}

_constraint_field_errors(path, k, v) := {sprintf("%s: must be an object of strings", [path])} if {
	k in {"encryption_context_equals", "encryption_context_subset"}
	not _string_map(v)
}

_constraint_field_errors(_, k, v) := set() if {
	k in {"encryption_context_equals", "encryption_context_subset"}
	_string_map(v)
}

_string_map(v) if {
	is_object(v)
	every _, x in v {
		is_string(x)
	}
}

# The grant a CreateGrant question creates.
_errors contains "grant: only a kms:CreateGrant question describes the grant it creates" if {
	"grant" in object.keys(_question)
	_action_key != "creategrant"
}

_errors contains msg if {
	"grant" in object.keys(_question)
	some msg in _grant_errors("grant", _question.grant)
}

# Context the described grant determines must not contradict it.
_errors contains sprintf("context[%q]: %v contradicts the described grant (%v)", [k, v, _new_grant_keys[lower(k)]]) if {
	is_object(_question.context)
	some k, v in _question.context
	want := _new_grant_keys[lower(k)]
	not _same_values(context_values(v), want)
}

_same_values(a, b) if {
	{x | some x in a} == {x | some x in b}
	count(a) == count(b)
}

# ---- key -------------------------------------------------------------------------------------

_key_fields := {"aliases", "tags", "key_spec", "key_usage", "origin", "multi_region", "key_manager"}

_errors contains "key: must be an object" if {
	"key" in object.keys(_question)
	not is_object(_question.key)
}

_errors contains sprintf("key.%s: unknown field (expected one of %s)", [k, concat(", ", sort(_key_fields))]) if {
	is_object(_question.key)
	some k, _ in _question.key
	not k in _key_fields
}

_errors contains "key.aliases: must be a list of alias names" if {
	is_object(_question.key)
	"aliases" in object.keys(_question.key)
	not _all_strings(_question.key.aliases)
}

_all_strings(v) if {
	is_array(v)
	every x in v {
		is_string(x)
	}
}

_errors contains "key.tags: must be an object of strings" if {
	is_object(_question.key)
	"tags" in object.keys(_question.key)
	not _string_map(_question.key.tags)
}

# Tag keys are case-sensitive in KMS, but not in aws:ResourceTag/<key>: a
# condition on it matches a tag of either case, "but not both" (IAM), so a
# key with two tags whose names differ only in case has no defined value.
_errors contains sprintf("key.tags: %q is given twice in different cases (tag keys are case-insensitive in conditions)", [lower(k)]) if {
	is_object(_question.key)
	_string_map(object.get(_question.key, "tags", null))
	some k, _ in _question.key.tags
	count([k2 | some k2, _ in _question.key.tags; lower(k2) == lower(k)]) > 1
}

_errors contains sprintf("key.%s: must be a string", [k]) if {
	is_object(_question.key)
	some k in ["key_spec", "key_usage", "origin"]
	k in object.keys(_question.key)
	not is_string(_question.key[k])
}

_errors contains "key.multi_region: must be true or false" if {
	is_object(_question.key)
	"multi_region" in object.keys(_question.key)
	not is_boolean(_question.key.multi_region)
}

_errors contains "key.key_manager: must be \"CUSTOMER\" or \"AWS\"" if {
	is_object(_question.key)
	"key_manager" in object.keys(_question.key)
	not _question.key.key_manager in {"CUSTOMER", "AWS"}
}
