# METADATA
# title: KMS authorization decision
# description: |
#   Decides a KMS request as AWS does: the key policy is the primary
#   authority; identity policies count only through the key policy's account
#   principal; grants are a third path; SCPs, RCPs, permissions boundaries,
#   session policies and VPC endpoint policies are guardrails; an explicit
#   deny anywhere wins.
#
#   The public surface (every other rule is private, _name, and may change
#   without notice):
#
#   - entry points: decision, explain, prepare, prepare_question;
#   - for the access analysis (data.kmsguard.access), which evaluates the
#     same rules once per key and once per principal: context_values,
#     conditions_ok, resource_ok, reason, indexed_reason, levelled_reason,
#     grant_reason, org_keys, org_recorded, key_field_keys;
#   - for the rule pack (data.kmsguard.lint.facts): caller_key_names.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
package kmsguard.authz

import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.principal

# ---- the request -------------------------------------------------------------

_caller := principal.parse(_question.principal, object.get(_question, "role_arn", _stored_role_arn))

_service_caller if _caller.kind == "service"

_root_caller if _caller.kind == "root"

_action_key := lower(trim_prefix(lower(_question.action), "kms:"))

# _action: the catalogue entry of the requested KMS action.
_action := catalog.actions[_action_key]

_action_name := lower(_question.action)

_key := {"partition": p[1], "region": p[3], "account": p[4], "arn": _question.resource} if {
	p := split(_question.resource, ":")
	count(p) == 6
	p[0] == "arn"
	p[2] == "kms"
	regex.match(`^[0-9]{12}$`, p[4])
	regex.match(`^key/[A-Za-z0-9-]+$`, p[5])
	p[3] != ""
}

# Actions that need no key are authorized on resource "*" by identity policies.
_account_action if _action.scope == "account"

_request_resource := "*" if _account_action

_request_resource := _key.arn if not _account_action

_cross_account if {
	not _service_caller
	_caller.account != _key.account
}

_key_info := object.get(_question, "key", {})

_customer_managed_key if object.get(_key_info, "key_manager", "CUSTOMER") != "AWS"

# ---- request context -----------------------------------------------------------
# Context objects map lower-cased key names to lists of strings.

_given_context := {k: context_values(v) | some k, v in _lower_unique(object.get(_question, "context", {}))}

# _lower_unique(obj): obj with its keys lower-cased, without a key that two
# of obj's keys lower to. Such a key is an error (condition key names are
# case-insensitive, and so are tag keys in aws:ResourceTag/: validate.rego);
# left out, its two values cannot make the object conflict before the error
# is reported.
_lower_unique(obj) := {lower(k): v | some k, v in obj} if {
	count({lower(k) | some k, _ in obj}) == count(obj)
} else := {lk: v |
	some k, v in obj
	lk := lower(k)
	count([k2 | some k2, _ in obj; lower(k2) == lk]) == 1
}

# METADATA
# title: Context values
# description: |
#   A context value as a request context holds it: a list of strings (one
#   value becomes a one-element list; numbers and booleans their text).
context_values(v) := [condition.text(x) | some x in v] if is_array(v)

context_values(v) := [condition.text(v)] if not is_array(v)

# METADATA
# title: Caller keys
# description: |
#   The names (lower case) of the context keys the decision derives from the
#   caller alone: its ARN, account, type, user name or id, and whether it is
#   a service and which. A question's context cannot change them
#   (aws:PrincipalOrgID and aws:PrincipalOrgPaths, which come from loaded
#   data, are not among them).
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
caller_key_names := {
	"aws:principalarn", "aws:principalaccount", "kms:calleraccount", "aws:principaltype",
	"aws:username", "aws:userid", "aws:principalisawsservice", "aws:principalservicename",
}

_derived_caller_keys := {k: v |
	some k, v in _caller_keys
	v != null
}

_caller_keys := {
	"aws:principalisawsservice": ["true"],
	"aws:principalservicename": [_caller.service],
} if _service_caller

_caller_keys := object.union_n([
	{
		"aws:principalarn": [_caller.principal_arn],
		"aws:principalaccount": [_caller.account],
		"kms:calleraccount": [_caller.account],
		"aws:principaltype": [_caller.type],
		"aws:principalisawsservice": ["false"],
	},
	_identity_keys,
	org_keys("aws:principalorgid", _caller.account),
	_org_path_keys("aws:principalorgpaths", _caller.account),
]) if not _service_caller

_identity_keys := {"aws:username": [_caller.name]} if _caller.kind == "user"

_identity_keys := {"aws:userid": [_caller.account]} if _caller.kind == "root"

_identity_keys := {} if not _caller.kind in {"user", "root"}

_resource_keys := object.union_n([
	{
		"aws:resourceaccount": [_key.account],
		"aws:requestedregion": [_key.region],
	},
	org_keys("aws:resourceorgid", _key.account),
	_org_path_keys("aws:resourceorgpaths", _key.account),
])

# _account_org(account): the AWS Organizations organization the loaded data
# records for an account (docs/snapshot-format.md): its id, or null for an
# account in no organization; undefined when the data does not say.
_account_org(account) := _snapshot.accounts[account].organization_id

# METADATA
# title: Organization recorded
# description: |
#   The loaded data says whether the account is in an organization (so the
#   organization keys are decided, present or absent).
org_recorded(account) if "organization_id" in object.keys(object.get(object.get(_snapshot, "accounts", {}), account, {}))

# METADATA
# title: Organization keys
# description: |
#   {k: [organization id]} for an account the loaded data places in an
#   organization (aws:PrincipalOrgID for the caller's account,
#   aws:ResourceOrgID for the key's); {} otherwise, so the key is absent
#   unless the question's context gives it.
org_keys(k, account) := {k: [org]} if {
	org := _account_org(account)
	is_string(org)
} else := {}

# _org_path_keys(k, account): {k: [path]} for an account whose path in its
# organization the loaded data records (accounts[A].org_path, written by
# scan --organization: "o-ORG/r-ROOT/ou-.../"), the value of
# aws:PrincipalOrgPaths for its callers and aws:ResourceOrgPaths for its
# keys; {} otherwise, so the key is left to the question's context.
_org_path_keys(k, account) := {k: [path]} if {
	path := _snapshot.accounts[account].org_path
	is_string(path)
} else := {}

# Encryption context pairs as given, with the case of their keys kept (grant
# constraints compare them case-sensitively).
_encryption_context := {substring(k, 22, -1): condition.text(v) |
	some k, v in object.get(_question, "context", {})
	startswith(lower(k), "kms:encryptioncontext:")
}

_ec_keys := {"kms:encryptioncontextkeys": [k | some k, _ in _encryption_context]} if count(_encryption_context) > 0

_ec_keys := {} if count(_encryption_context) == 0

# Key properties, known from question.key, exist only for actions on a key.
_key_property_keys := object.union(_key_scalar_keys, _key_iam_keys) if not _account_action

_key_property_keys := {} if _account_action

# METADATA
# title: Key field keys
# description: |
#   The fields of a question's key metadata and the condition keys they
#   give (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion).
key_field_keys := {
	"key_spec": "kms:keyspec",
	"key_usage": "kms:keyusage",
	"origin": "kms:keyorigin",
	"multi_region": "kms:multiregion",
}

# The deprecated kms:CustomerMasterKeySpec and kms:CustomerMasterKeyUsage
# hold the values of kms:KeySpec and kms:KeyUsage (the catalog's
# condition_keys.replaced_by: replacement -> deprecated key).
_deprecated_keys := catalog.condition_keys.replaced_by.keys

_key_scalar_keys := object.union(scalar, {_deprecated_keys[k]: v | some k, v in scalar; _deprecated_keys[k]}) if {
	scalar := {ck: [condition.text(_key_info[f])] |
		some f, ck in key_field_keys
		_key_info[f] != null
	}
}

# Keys KMS supports only in IAM policies (aws:ResourceTag/*,
# kms:ResourceAliases): they are left out of the key policy's context.
_key_iam_keys := object.union(
	{concat("", ["aws:resourcetag/", k]): [condition.text(v)] | some k, v in _lower_unique(object.get(_key_info, "tags", {}))},
	_aliases_key,
)

_aliases_key := {"kms:resourcealiases": _key_info.aliases} if is_array(object.get(_key_info, "aliases", null))

_aliases_key := {} if not is_array(object.get(_key_info, "aliases", null))

# ---- keys filled in from the catalog's request_context table --------------------
# One table (catalog request_context.rows) names the keys AWS puts in every
# KMS request and the documented defaults of request parameters, each row
# with its AWS sentence; what follows computes each kind of row.

_rc_rows := catalog.request_context.rows

# _fixed_keys: rows with fixed values (request-parameter defaults and keys
# every KMS request carries) that apply to the action and the key.
_fixed_keys := {r.key: r.value |
	some r in _rc_rows
	r.value
	_row_action_ok(r)
	_row_key_spec_ok(r)
}

_fixed_facts := {r.key: r.value |
	some r in _rc_rows
	r.value
	r.fact
	_row_action_ok(r)
	_row_key_spec_ok(r)
}

_row_action_ok(r) if not r.actions

_row_action_ok(r) if _action_key in r.actions

_row_key_spec_ok(r) if not r.key_specs

_row_key_spec_ok(_) if not is_string(_given_key_spec)

_row_key_spec_ok(r) if _given_key_spec in r.key_specs

_given_key_spec := object.get(_key_info, "key_spec", null) if is_object(_key_info)

_derive_rows(kind) := [r | some r in _rc_rows; r.derive == kind]

# The time of the request, in whole seconds since the epoch: the question's
# request_time; without it, now, but only when a policy of the question
# tests aws:CurrentTime or aws:EpochTime and the context gives neither (the
# answer then echoes the time as request_time, so answers of questions that
# do not use the time stay as they are and every answer can be reproduced).
_request_secs := floor(time.parse_rfc3339_ns(_question.request_time) / 1000000000) if is_string(_question.request_time)

_request_secs := floor(time.now_ns() / 1000000000) if {
	not "request_time" in object.keys(_question)
	not _given_time_key
	_policy_tests_time
}

_time_keys := {r.key | some r in _derive_rows("request_time")}

_given_time_key if {
	some k in _time_keys
	_given_context[k]
}

_policy_tests_time if {
	some s in _question_statements
	is_object(s.condition)
	some _, block in s.condition
	is_object(block)
	some k, _ in block
	lower(k) in _time_keys
}

# _question_statements: every statement of every policy of the question.
_question_statements contains s if some s in _key_policy_statements

_question_statements contains s if some [_, s] in _identity_statements

_question_statements contains s if some s in _boundary_statements

_question_statements contains s if some s in _session_statements

_question_statements contains s if some s in _endpoint_statements

_question_statements contains s if some [_, _, s] in _scp_statements

_question_statements contains s if some [_, _, s] in _rcp_statements

_request_time_keys := {r.key: [_time_text(r.format, _request_secs)] | some r in _derive_rows("request_time")} if {
	_request_secs
} else := {}

_time_text("rfc3339", secs) := time.format([secs * 1000000000, "UTC", "2006-01-02T15:04:05Z07:00"])

_time_text("epoch_seconds", secs) := format_int(secs, 10)

# The answer echoes the request time it used.
_request_time_field := {"request_time": _question.request_time} if {
	is_string(_question.request_time)
} else := {"request_time": _time_text("rfc3339", _request_secs)} if {
	_request_secs
} else := {}

# aws:ViaAWSService: true when the question says a service called on the
# principal's behalf (kms:ViaService or aws:CalledVia given), false otherwise
# (a direct call) unless the question gives it.
_via_given if _given_context["kms:viaservice"]

_via_given if _given_context["aws:calledvia"]

_via_keys := {r.key: ["true"] | some r in _derive_rows("via_service")} if _via_given

_via_keys := {r.key: ["false"] | some r in _derive_rows("via_service")} if not _via_given

_via_facts := _via_keys if _via_given

_via_facts := {} if not _via_given

# aws:CalledViaFirst and aws:CalledViaLast from a given aws:CalledVia list.
_called_via_keys := {r.key: [_called_via_pick(r.position, cv)] | some r in _derive_rows("called_via")} if {
	cv := _given_context["aws:calledvia"]
	count(cv) > 0
} else := {}

_called_via_pick("first", cv) := cv[0]

_called_via_pick("last", cv) := cv[count(cv) - 1]

# aws:PrincipalServiceNamesList for a service principal caller.
_service_caller_keys := {r.key: [_caller.service] | some r in _derive_rows("service_caller")} if _service_caller

_service_caller_keys := {} if not _service_caller

# kms:MultiRegion from the key id on actions on a key: multi-Region key ids
# begin with mrk-. The key's metadata (key.multi_region, as DescribeKey
# reports it), when given, wins (key_property_keys comes after it).
_key_id := substring(split(_question.resource, ":")[5], 4, -1) if _key

_key_id_keys := {r.key: [_multi_region_text] | some r in _derive_rows("key_id")} if {
	not _account_action
	_key_id
} else := {}

_multi_region_text := "true" if startswith(_key_id, "mrk-")

_multi_region_text := "false" if not startswith(_key_id, "mrk-")

# _context_facts: what the principal, the key, the request time and every KMS
# request fix; a context value the question gives must agree.
# The organization keys of loaded data are left out: a question may ask
# "what if" of another organization (their given values win).
_context_facts := object.union_n([
	object.remove(_derived_caller_keys, _org_key_names),
	object.remove(_resource_keys, _org_key_names),
	_key_id_keys,
	_key_property_keys,
	_fixed_facts,
	_time_facts,
	_via_facts,
	_called_via_keys,
	_service_caller_keys,
])

_org_key_names := {"aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid", "aws:resourceorgpaths"}

_time_facts := _request_time_keys if is_string(object.get(_question, "request_time", null))

_time_facts := {} if not is_string(object.get(_question, "request_time", null))

# The grant a CreateGrant question describes (question.grant), or {}.
_new_grant := object.get(_question, "grant", {})

# _new_grant_keys: the CreateGrant context the described grant determines
# (kms:GrantOperations, kms:GranteePrincipal, kms:GranteeServicePrincipal,
# kms:RetiringPrincipal, kms:GrantConstraintType).
_new_grant_keys := {k: v |
	some k, v in {
		"kms:grantoperations": object.get(_new_grant, "operations", []),
		"kms:granteeprincipal": [p | p := _new_grant.grantee_principal],
		"kms:granteeserviceprincipal": [p | p := _new_grant.grantee_service_principal],
		"kms:retiringprincipal": [p | p := _new_grant.retiring_principal],
		"kms:grantconstrainttype": [t |
			some f, t in {"encryption_context_equals": "EncryptionContextEquals", "encryption_context_subset": "EncryptionContextSubset"}
			object.get(object.get(_new_grant, "constraints", {}), f, null) != null
		],
	}
	count(v) > 0
}

# _context: what IAM policies and guardrails see — keys derived from the
# principal and the key, the request_context table's keys, then the
# question's own context (which may not contradict a fact, see validate).
_context := object.union_n([
	_derived_caller_keys,
	_resource_keys,
	_key_id_keys,
	_key_property_keys,
	_fixed_keys,
	_request_time_keys,
	_via_keys,
	_called_via_keys,
	_service_caller_keys,
	_ec_keys,
	_new_grant_keys,
	_given_context,
	_given_deprecated_keys,
])

# A kms:KeySpec or kms:KeyUsage the question gives also sets its deprecated
# twin, unless the question gives that too.
_given_deprecated_keys := {_deprecated_keys[k]: v |
	some k, v in _given_context
	_deprecated_keys[k]
	not _given_context[_deprecated_keys[k]]
}

# _key_policy_context: what a key policy sees.
_key_policy_context := {k: v |
	some k, v in _context
	not catalog.iam_only(k)
}
