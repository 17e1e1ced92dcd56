package kmsguard.authz

import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.principal

question_fields := {
	"id", "principal", "action", "resource", "context", "key_policy", "identity_policies",
	"permissions_boundary", "session_policy", "scps", "rcps", "grants", "vpc_endpoint_policy",
	"role_arn", "key", "management_account", "grant", "request_time",
}

# errors: what is wrong with the question, each "field: what is wrong".
errors contains "the question must be a JSON object" if not is_object(input)

errors contains sprintf("%s: unknown field (expected one of %s)", [k, concat(", ", sort(question_fields))]) if {
	is_object(input)
	some k in (object.keys(input) - question_fields)
}

errors contains sprintf("%s: missing", [k]) if {
	is_object(input)
	some k in ["principal", "action", "resource"]
	not k in object.keys(question)
}

errors contains "key_policy: missing (neither the question nor the loaded data has a key policy for this key)" if {
	is_object(input)
	not "key_policy" in object.keys(question)
}

errors contains "id: must be a string" if {
	"id" in object.keys(question)
	not is_string(question.id)
}

errors contains sprintf("%s: must be a string", [k]) if {
	some k in ["principal", "action", "resource", "role_arn"]
	k in object.keys(question)
	not is_string(question[k])
}

errors contains "management_account: must be a 12-digit account id" if {
	"management_account" in object.keys(question)
	not regex.match(`^[0-9]{12}$`, object.get(question, "management_account", ""))
}

errors contains sprintf("principal: %q is not a principal (expected an IAM user, role, assumed-role or federated-user ARN, an account root ARN or 12-digit account id, or a service principal such as logs.us-east-1.amazonaws.com)", [question.principal]) if {
	is_string(question.principal)
	not principal.parse(question.principal, null)
}

errors contains sprintf("role_arn: %q is not the ARN of role %q of the assumed-role session", [question.role_arn, p.name]) if {
	is_string(question.role_arn)
	p := principal.parse(question.principal, null)
	p.kind == "session"
	not valid_role_arn(question.role_arn, p)
}

errors contains "role_arn: only an assumed-role session principal takes a role_arn" if {
	is_string(question.role_arn)
	p := principal.parse(question.principal, null)
	p.kind != "session"
}

valid_role_arn(r, p) if {
	q := principal.parse(r, null)
	q.kind == "role"
	q.account == p.account
	q.name == p.name
}

errors contains sprintf("action: %q is not a KMS action (expected kms:Name, e.g. kms:Decrypt, with no wildcards)", [question.action]) if {
	is_string(question.action)
	not regex.match(`^(?i)kms:[a-z]+$`, question.action)
}

errors contains sprintf("action: %q is not a KMS action", [question.action]) if {
	is_string(question.action)
	regex.match(`^(?i)kms:[a-z]+$`, question.action)
	not action
}

errors contains sprintf("resource: %q is not a KMS key ARN (expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)", [question.resource]) if {
	is_string(question.resource)
	not key
}

errors contains msg if {
	"key_policy" in object.keys(question)
	some msg in errors_of("key_policy", question.key_policy, "resource", prepared_key_policy)
}

errors contains msg if {
	"permissions_boundary" in object.keys(question)
	some msg in errors_of("permissions_boundary", question.permissions_boundary, "identity", prepared_boundary)
}

errors contains msg if {
	"session_policy" in object.keys(question)
	some msg in errors_of("session_policy", question.session_policy, "identity", prepared_session_policy)
}

errors contains msg if {
	"vpc_endpoint_policy" in object.keys(question)
	some msg in errors_of("vpc_endpoint_policy", question.vpc_endpoint_policy, "resource", prepared_endpoint_policy)
}

errors contains "identity_policies: must be a list of policies" if {
	"identity_policies" in object.keys(question)
	not is_array(question.identity_policies)
}

errors contains msg if {
	is_array(question.identity_policies)
	some i, doc in question.identity_policies
	some msg in errors_of(sprintf("identity_policies[%d]", [i]), doc, "identity", prepared_identity_policy(i))
}

errors contains sprintf("%s: must be a list of levels, each a list of policies", [k]) if {
	some k in ["scps", "rcps"]
	k in object.keys(question)
	not list_of_lists(question[k])
}

list_of_lists(v) if {
	is_array(v)
	every level in v {
		is_array(level)
	}
}

errors contains msg if {
	some [k, kind, stored] in [["scps", "identity", prepared_scps], ["rcps", "resource", prepared_rcps]]
	list_of_lists(question[k])
	some l, level in question[k]
	some i, doc in level
	some msg in errors_of(sprintf("%s[%d][%d]", [k, l, i]), doc, kind, prepared_level_policy(k, stored, l, i))
}

errors contains sprintf("%s: a service principal has no identity policies, boundary or session policy", [k]) if {
	service_caller
	some k in ["identity_policies", "permissions_boundary", "session_policy"]
	k in object.keys(question)
}

# ---- context --------------------------------------------------------------------------

errors contains "context: must be an object of condition keys to values" if {
	"context" in object.keys(question)
	not is_object(question.context)
}

errors contains sprintf("context[%q]: must be a string, boolean, number or a list of strings", [k]) if {
	is_object(question.context)
	some k, v in question.context
	not context_value(v)
}

context_value(v) if is_string(v)

context_value(v) if is_boolean(v)

context_value(v) if is_number(v)

context_value(v) if {
	is_array(v)
	every x in v {
		is_string(x)
	}
}

# A given value must have its key's documented type (catalog
# condition_keys.types): a value that does not parse would otherwise match
# no policy value, which makes a negated operator true and can skip a Deny.
errors contains sprintf("context[%q]: %s", [k, why]) if {
	is_object(question.context)
	some k, v in question.context
	t := context_key_type(lower(k))
	some x in context_list(v)
	why := context_type_error(t, x)
}

# A kms:* key the requested action can never carry (the action's
# condition_keys in the catalog) is an error: the question describes a
# request AWS cannot receive. Global aws:* keys are not limited per action.
errors contains sprintf("context[%q]: a kms:%s request never carries this key", [k, action.name]) if {
	is_object(question.context)
	some k, _ in question.context
	startswith(lower(k), "kms:")
	not action_carries(lower(k))
}

# context_key_type(k): the documented type of condition key k (lower-cased);
# undefined for keys the catalog does not know.
context_key_type(k) := catalog.condition_keys.types[k]

context_key_type(k) := t if {
	not catalog.condition_keys.types[k]
	some prefix, t in catalog.condition_keys.prefixes
	startswith(k, prefix)
	count(k) > count(prefix)
}

context_list(v) := v if is_array(v)

context_list(v) := [v] if not is_array(v)

# action_carries(k): requests for the question's action can carry kms:* key k.
action_carries(k) if carries(action, k)

# carries(act, k): requests for catalog action act can carry kms:* key k.
carries(_, k) if k in catalog.condition_keys.every_action

carries(act, k) if k in act.condition_keys

carries(act, k) if {
	some prefix in act.condition_keys
	endswith(prefix, ":")
	startswith(k, prefix)
	count(k) > count(prefix)
}

# context_type_error(t, x): why the single value x does not fit type t.
context_type_error("Bool", x) := sprintf("%v is not true or false (Bool key)", [x]) if not bool_value(x)

context_type_error("Numeric", x) := sprintf("%v is not a whole number of 0 or more (Numeric key)", [x]) if not count_value(x)

context_type_error("Date", x) := sprintf("%v is not a W3C ISO 8601 date or epoch seconds (Date key)", [x]) if not condition.date_ns(condition.text(x))

context_type_error("IP", x) := sprintf("%v is not an IPv4 or IPv6 address (IP key)", [x]) if not ip_value(x)

context_type_error("ARN", x) := sprintf("%v is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", [x]) if not arn_value(x)

context_type_error(t, x) := sprintf("%v is not a string (%s key)", [x, t]) if {
	t in {"String", "ArrayOfString"}
	is_boolean(x)
}

bool_value(x) if is_boolean(x)

bool_value(x) if {
	is_string(x)
	lower(x) in {"true", "false"}
}

# Every Numeric key KMS requests carry counts days or seconds.
count_value(x) if {
	is_number(x)
	x >= 0
	x == floor(x)
	x < 1000000000000000
}

count_value(x) if {
	is_string(x)
	regex.match(`^[0-9]{1,15}$`, x)
}

ip_value(x) if {
	is_string(x)
	not contains(x, "/")
	net.cidr_is_valid(condition.cidr(x))
}

arn_value(x) if {
	is_string(x)
	regex.match(`^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s]+$`, x)
}

errors contains sprintf("context: %q is given twice (condition keys are case-insensitive)", [lower(k)]) if {
	is_object(question.context)
	some k, _ in question.context
	count([k2 | some k2, _ in question.context; lower(k2) == lower(k)]) > 1
}

# request_time: the time of the request (aws:CurrentTime, aws:EpochTime).
errors contains sprintf("request_time: %v is not an RFC 3339 date and time (e.g. 2026-06-01T12:00:00Z)", [question.request_time]) if {
	"request_time" in object.keys(question)
	not rfc3339(question.request_time)
}

rfc3339(x) if {
	is_string(x)
	time.parse_rfc3339_ns(x)
}

# A context value may not contradict what the principal, the key, the
# request time or every KMS request fix (context_facts): the question would
# describe a request AWS cannot receive, and a contradicting value could
# turn a condition the request fails into one it passes.
errors contains sprintf("context[%q]: %s contradicts %s: %s", [k, quoted_values(context_values(v)), fact_name(lower(k)), concat(", ", want)]) if {
	is_object(question.context)
	some k, v in question.context
	want := context_facts[lower(k)]
	not context_agrees(lower(k), context_values(v), want)
}

quoted_values(vs) := concat(", ", [sprintf("%q", [x]) | some x in vs])

context_agrees(_, given, want) if same_values(given, want)

context_agrees(k, given, want) if {
	context_key_type(k) == "Bool"
	same_values([lower(x) | some x in given], want)
}

context_agrees(k, [given], [want]) if {
	context_key_type(k) == "Date"
	floor(condition.date_ns(given) / 1000000000) == floor(condition.date_ns(want) / 1000000000)
}

# A list-valued key may hold more than the derived values (a service has
# several names in aws:PrincipalServiceNamesList).
context_agrees(k, given, want) if {
	context_key_type(k) == "ArrayOfString"
	every x in want {
		x in given
	}
}

# A session's role ARN is known without its path unless the question gives
# role_arn: an aws:PrincipalArn of the role with a path agrees.
context_agrees("aws:principalarn", [given], _) if {
	caller.kind == "session"
	not caller_role_path_known
	startswith(given, sprintf("arn:%s:iam::%s:role/", [caller.partition, caller.account]))
	endswith(given, concat("", ["/", caller.name]))
}

caller_role_path_known if is_string(object.get(question, "role_arn", stored_role_arn))

fact_name(k) := n if {
	some r in rc_rows
	r.key == k
	n := r.fact_name
} else := fact_names[k] if {
	fact_names[k]
} else := "the key's metadata (key)"

fact_names := {
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

grant_fields := {"grantee_principal", "grantee_service_principal", "operations", "constraints", "retiring_principal", "grant_id", "name"}

grant_operations := {lower(a.name) | some a in catalog.actions; a.grant_operation}

errors contains "grants: must be a list of grants" if {
	"grants" in object.keys(question)
	not is_array(question.grants)
}

errors contains msg if {
	is_array(question.grants)
	some i, g in question.grants
	some msg in grant_errors(sprintf("grants[%d]", [i]), g)
}

grant_errors(path, g) := {sprintf("%s: a grant must be an object", [path])} if not is_object(g)

grant_errors(path, g) := {msg |
	some check in [
		{sprintf("%s.%s: unknown grant field", [path, k]) | some k, _ in g; not k in grant_fields},
		{sprintf("%s: needs exactly one of grantee_principal and grantee_service_principal", [path]) | count({k | some k in ["grantee_principal", "grantee_service_principal"]; is_string(g[k])}) != 1},
		{sprintf("%s.operations: must be a non-empty list of grant operations", [path]) | not non_empty_strings(object.get(g, "operations", null))},
		{sprintf("%s.operations: %q is not a grant operation", [path, op]) | some op in g.operations; is_string(op); not lower(op) in grant_operations},
		{sprintf("%s.operations: %q is not spelled as KMS spells the operation (%s)", [path, op, catalog.actions[lower(op)].name]) |
			some op in g.operations
			is_string(op)
			lower(op) in grant_operations
			op != catalog.actions[lower(op)].name
		},
		constraint_errors(sprintf("%s.constraints", [path]), g),
	]
	some msg in check
} if is_object(g)

non_empty_strings(v) if {
	is_array(v)
	count(v) > 0
	every x in v {
		is_string(x)
	}
}

constraint_errors(_, g) := set() if not "constraints" in object.keys(g)

constraint_errors(path, g) := {sprintf("%s: must be an object with encryption_context_equals or encryption_context_subset", [path])} if {
	"constraints" in object.keys(g)
	not is_object(g.constraints)
}

constraint_errors(path, g) := {msg |
	some k, v in g.constraints
	some msg in constraint_field_errors(sprintf("%s.%s", [path, k]), k, v)
} if is_object(g.constraints)

constraint_field_errors(path, k, _) := {sprintf("%s: unknown constraint", [path])} if not k in {"encryption_context_equals", "encryption_context_subset"}

constraint_field_errors(path, k, v) := {sprintf("%s: must be an object of strings", [path])} if {
	k in {"encryption_context_equals", "encryption_context_subset"}
	not string_map(v)
}

constraint_field_errors(_, k, v) := set() if {
	k in {"encryption_context_equals", "encryption_context_subset"}
	string_map(v)
}

string_map(v) if {
	is_object(v)
	every _, x in v {
		is_string(x)
	}
}

# The grant a CreateGrant question creates.
errors contains "grant: only a kms:CreateGrant question describes the grant it creates" if {
	"grant" in object.keys(question)
	action_key != "creategrant"
}

errors contains msg if {
	"grant" in object.keys(question)
	some msg in grant_errors("grant", question.grant)
}

# Context the described grant determines must not contradict it.
errors contains sprintf("context[%q]: %v contradicts the described grant (%v)", [k, v, new_grant_keys[lower(k)]]) if {
	is_object(question.context)
	some k, v in question.context
	want := new_grant_keys[lower(k)]
	not same_values(context_values(v), want)
}

same_values(a, b) if {
	{x | some x in a} == {x | some x in b}
	count(a) == count(b)
}

# ---- key -------------------------------------------------------------------------------------

key_fields := {"aliases", "tags", "key_spec", "key_usage", "origin", "multi_region", "key_manager"}

errors contains "key: must be an object" if {
	"key" in object.keys(question)
	not is_object(question.key)
}

errors contains sprintf("key.%s: unknown field (expected one of %s)", [k, concat(", ", sort(key_fields))]) if {
	is_object(question.key)
	some k, _ in question.key
	not k in key_fields
}

errors contains "key.aliases: must be a list of alias names" if {
	is_object(question.key)
	"aliases" in object.keys(question.key)
	not all_strings(question.key.aliases)
}

all_strings(v) if {
	is_array(v)
	every x in v {
		is_string(x)
	}
}

errors contains "key.tags: must be an object of strings" if {
	is_object(question.key)
	"tags" in object.keys(question.key)
	not string_map(question.key.tags)
}

errors contains sprintf("key.%s: must be a string", [k]) if {
	is_object(question.key)
	some k in ["key_spec", "key_usage", "origin"]
	k in object.keys(question.key)
	not is_string(question.key[k])
}

errors contains "key.multi_region: must be true or false" if {
	is_object(question.key)
	"multi_region" in object.keys(question.key)
	not is_boolean(question.key.multi_region)
}

errors contains "key.key_manager: must be \"CUSTOMER\" or \"AWS\"" if {
	is_object(question.key)
	"key_manager" in object.keys(question.key)
	not question.key.key_manager in {"CUSTOMER", "AWS"}
}
