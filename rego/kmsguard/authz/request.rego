# METADATA
# title: KMS authorization decision
# description: |
#   Decides a KMS request as AWS does: the key policy is the primary
#   authority; identity policies count only through the key policy's account
#   principal; grants are a third path; SCPs, RCPs, permissions boundaries,
#   session policies and VPC endpoint policies are guardrails; an explicit
#   deny anywhere wins. Entry points: decision and explain.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
package kmsguard.authz

import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.principal

# ---- the request -------------------------------------------------------------

caller := principal.parse(question.principal, object.get(question, "role_arn", stored_role_arn))

service_caller if caller.kind == "service"

root_caller if caller.kind == "root"

action_key := lower(trim_prefix(lower(question.action), "kms:"))

# action: the catalogue entry of the requested KMS action.
action := catalog.actions[action_key]

action_name := lower(question.action)

key := {"partition": p[1], "region": p[3], "account": p[4], "arn": question.resource} if {
	p := split(question.resource, ":")
	count(p) == 6
	p[0] == "arn"
	p[2] == "kms"
	regex.match(`^[0-9]{12}$`, p[4])
	regex.match(`^key/[A-Za-z0-9-]+$`, p[5])
	p[3] != ""
}

# Actions that need no key are authorized on resource "*" by identity policies.
account_action if action.scope == "account"

request_resource := "*" if account_action

request_resource := key.arn if not account_action

cross_account if {
	not service_caller
	caller.account != key.account
}

key_info := object.get(question, "key", {})

customer_managed_key if object.get(key_info, "key_manager", "CUSTOMER") != "AWS"

# ---- request context -----------------------------------------------------------
# Context objects map lower-cased key names to lists of strings.

given_context := {lower(k): context_values(v) | some k, v in object.get(question, "context", {})}

context_values(v) := [condition.text(x) | some x in v] if is_array(v)

context_values(v) := [condition.text(v)] if not is_array(v)

derived_caller_keys := {k: v |
	some k, v in caller_keys
	v != null
}

caller_keys := {
	"aws:principalisawsservice": ["true"],
	"aws:principalservicename": [caller.service],
} if service_caller

caller_keys := object.union_n([
	{
		"aws:principalarn": [caller.principal_arn],
		"aws:principalaccount": [caller.account],
		"kms:calleraccount": [caller.account],
		"aws:principaltype": [caller.type],
		"aws:principalisawsservice": ["false"],
	},
	identity_keys,
	org_keys("aws:principalorgid", caller.account),
	org_path_keys("aws:principalorgpaths", caller.account),
]) if not service_caller

identity_keys := {"aws:username": [caller.name]} if caller.kind == "user"

identity_keys := {"aws:userid": [caller.account]} if caller.kind == "root"

identity_keys := {} if not caller.kind in {"user", "root"}

resource_keys := object.union_n([
	{
		"aws:resourceaccount": [key.account],
		"aws:requestedregion": [key.region],
	},
	org_keys("aws:resourceorgid", key.account),
	org_path_keys("aws:resourceorgpaths", key.account),
])

# account_org(account): the AWS Organizations organization the loaded data
# records for an account (docs/snapshot-format.md): its id, or null for an
# account in no organization; undefined when the data does not say.
account_org(account) := snapshot.accounts[account].organization_id

# org_recorded(account): the loaded data says whether the account is in an
# organization (so the org keys are decided, present or absent).
org_recorded(account) if "organization_id" in object.keys(object.get(object.get(snapshot, "accounts", {}), account, {}))

# org_keys(k, account): {k: [organization id]} for an account the loaded
# data places in an organization (aws:PrincipalOrgID for the caller's
# account, aws:ResourceOrgID for the key's); {} otherwise, so the key is
# absent unless the question's context gives it.
org_keys(k, account) := {k: [org]} if {
	org := account_org(account)
	is_string(org)
} else := {}

# org_path_keys(k, account): {k: [path]} for an account whose path in its
# organization the loaded data records (accounts[A].org_path, written by
# scan --organization: "o-ORG/r-ROOT/ou-.../"), the value of
# aws:PrincipalOrgPaths for its callers and aws:ResourceOrgPaths for its
# keys; {} otherwise, so the key is left to the question's context.
org_path_keys(k, account) := {k: [path]} if {
	path := snapshot.accounts[account].org_path
	is_string(path)
} else := {}

# Encryption context pairs as given, with the case of their keys kept (grant
# constraints compare them case-sensitively).
encryption_context := {substring(k, 22, -1): condition.text(v) |
	some k, v in object.get(question, "context", {})
	startswith(lower(k), "kms:encryptioncontext:")
}

ec_keys := {"kms:encryptioncontextkeys": [k | some k, _ in encryption_context]} if count(encryption_context) > 0

ec_keys := {} if count(encryption_context) == 0

# Key properties, known from question.key, exist only for actions on a key.
key_property_keys := object.union(key_scalar_keys, key_iam_keys) if not account_action

key_property_keys := {} if account_action

key_field_keys := {
	"key_spec": "kms:keyspec",
	"key_usage": "kms:keyusage",
	"origin": "kms:keyorigin",
	"multi_region": "kms:multiregion",
}

# The deprecated kms:CustomerMasterKeySpec and kms:CustomerMasterKeyUsage
# hold the values of kms:KeySpec and kms:KeyUsage (the catalog's
# condition_keys.replaced_by: replacement -> deprecated key).
deprecated_keys := catalog.condition_keys.replaced_by.keys

key_scalar_keys := object.union(scalar, {deprecated_keys[k]: v | some k, v in scalar; deprecated_keys[k]}) if {
	scalar := {ck: [condition.text(key_info[f])] |
		some f, ck in key_field_keys
		key_info[f] != null
	}
}

# Keys KMS supports only in IAM policies (aws:ResourceTag/*,
# kms:ResourceAliases): they are left out of the key policy's context.
key_iam_keys := object.union(
	{concat("", ["aws:resourcetag/", lower(k)]): [condition.text(v)] | some k, v in object.get(key_info, "tags", {})},
	aliases_key,
)

aliases_key := {"kms:resourcealiases": key_info.aliases} if is_array(object.get(key_info, "aliases", null))

aliases_key := {} if not is_array(object.get(key_info, "aliases", null))

# ---- keys filled in from the catalog's request_context table --------------------
# One table (catalog request_context.rows) names the keys AWS puts in every
# KMS request and the documented defaults of request parameters, each row
# with its AWS sentence; what follows computes each kind of row.

rc_rows := catalog.request_context.rows

# fixed_keys: rows with fixed values (request-parameter defaults and keys
# every KMS request carries) that apply to the action and the key.
fixed_keys := {r.key: r.value |
	some r in rc_rows
	r.value
	row_action_ok(r)
	row_key_spec_ok(r)
}

fixed_facts := {r.key: r.value |
	some r in rc_rows
	r.value
	r.fact
	row_action_ok(r)
	row_key_spec_ok(r)
}

row_action_ok(r) if not r.actions

row_action_ok(r) if action_key in r.actions

row_key_spec_ok(r) if not r.key_specs

row_key_spec_ok(_) if not is_string(given_key_spec)

row_key_spec_ok(r) if given_key_spec in r.key_specs

given_key_spec := object.get(key_info, "key_spec", null) if is_object(key_info)

derive_rows(kind) := [r | some r in rc_rows; r.derive == kind]

# The time of the request, in whole seconds since the epoch: the question's
# request_time; without it, now, but only when a policy of the question
# tests aws:CurrentTime or aws:EpochTime and the context gives neither (the
# answer then echoes the time as request_time, so answers of questions that
# do not use the time stay as they are and every answer can be reproduced).
request_secs := floor(time.parse_rfc3339_ns(question.request_time) / 1000000000) if is_string(question.request_time)

request_secs := floor(time.now_ns() / 1000000000) if {
	not "request_time" in object.keys(question)
	not given_time_key
	policy_tests_time
}

time_keys := {r.key | some r in derive_rows("request_time")}

given_time_key if {
	some k in time_keys
	given_context[k]
}

policy_tests_time if {
	some s in question_statements
	is_object(s.condition)
	some _, block in s.condition
	is_object(block)
	some k, _ in block
	lower(k) in time_keys
}

# question_statements: every statement of every policy of the question.
question_statements contains s if some s in key_policy_statements

question_statements contains s if some [_, s] in identity_statements

question_statements contains s if some s in boundary_statements

question_statements contains s if some s in session_statements

question_statements contains s if some s in endpoint_statements

question_statements contains s if some [_, _, s] in scp_statements

question_statements contains s if some [_, _, s] in rcp_statements

request_time_keys := {r.key: [time_text(r.format, request_secs)] | some r in derive_rows("request_time")} if {
	request_secs
} else := {}

time_text("rfc3339", secs) := time.format([secs * 1000000000, "UTC", "2006-01-02T15:04:05Z07:00"])

time_text("epoch_seconds", secs) := format_int(secs, 10)

# The answer echoes the request time it used.
request_time_field := {"request_time": question.request_time} if {
	is_string(question.request_time)
} else := {"request_time": time_text("rfc3339", request_secs)} if {
	request_secs
} else := {}

# aws:ViaAWSService: true when the question says a service called on the
# principal's behalf (kms:ViaService or aws:CalledVia given), false otherwise
# (a direct call) unless the question gives it.
via_given if given_context["kms:viaservice"]

via_given if given_context["aws:calledvia"]

via_keys := {r.key: ["true"] | some r in derive_rows("via_service")} if via_given

via_keys := {r.key: ["false"] | some r in derive_rows("via_service")} if not via_given

via_facts := via_keys if via_given

via_facts := {} if not via_given

# aws:CalledViaFirst and aws:CalledViaLast from a given aws:CalledVia list.
called_via_keys := {r.key: [called_via_pick(r.position, cv)] | some r in derive_rows("called_via")} if {
	cv := given_context["aws:calledvia"]
	count(cv) > 0
} else := {}

called_via_pick("first", cv) := cv[0]

called_via_pick("last", cv) := cv[count(cv) - 1]

# aws:PrincipalServiceNamesList for a service principal caller.
service_caller_keys := {r.key: [caller.service] | some r in derive_rows("service_caller")} if service_caller

service_caller_keys := {} if not service_caller

# kms:MultiRegion from the key id on actions on a key: multi-Region key ids
# begin with mrk-. The key's metadata (key.multi_region, as DescribeKey
# reports it), when given, wins (key_property_keys comes after it).
key_id := substring(split(question.resource, ":")[5], 4, -1) if key

key_id_keys := {r.key: [multi_region_text] | some r in derive_rows("key_id")} if {
	not account_action
	key_id
} else := {}

multi_region_text := "true" if startswith(key_id, "mrk-")

multi_region_text := "false" if not startswith(key_id, "mrk-")

# context_facts: what the principal, the key, the request time and every KMS
# request fix; a context value the question gives must agree.
# The organization keys of loaded data are left out: a question may ask
# "what if" of another organization (their given values win).
context_facts := object.union_n([
	object.remove(derived_caller_keys, org_key_names),
	object.remove(resource_keys, org_key_names),
	key_id_keys,
	key_property_keys,
	fixed_facts,
	time_facts,
	via_facts,
	called_via_keys,
	service_caller_keys,
])

org_key_names := {"aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid", "aws:resourceorgpaths"}

time_facts := request_time_keys if is_string(object.get(question, "request_time", null))

time_facts := {} if not is_string(object.get(question, "request_time", null))

# The grant a CreateGrant question describes (question.grant), or {}.
new_grant := object.get(question, "grant", {})

# new_grant_keys: the CreateGrant context the described grant determines
# (kms:GrantOperations, kms:GranteePrincipal, kms:GranteeServicePrincipal,
# kms:RetiringPrincipal, kms:GrantConstraintType).
new_grant_keys := {k: v |
	some k, v in {
		"kms:grantoperations": object.get(new_grant, "operations", []),
		"kms:granteeprincipal": [p | p := new_grant.grantee_principal],
		"kms:granteeserviceprincipal": [p | p := new_grant.grantee_service_principal],
		"kms:retiringprincipal": [p | p := new_grant.retiring_principal],
		"kms:grantconstrainttype": [t |
			some f, t in {"encryption_context_equals": "EncryptionContextEquals", "encryption_context_subset": "EncryptionContextSubset"}
			object.get(object.get(new_grant, "constraints", {}), f, null) != null
		],
	}
	count(v) > 0
}

# context: what IAM policies and guardrails see — keys derived from the
# principal and the key, the request_context table's keys, then the
# question's own context (which may not contradict a fact, see validate).
context := object.union_n([
	derived_caller_keys,
	resource_keys,
	key_id_keys,
	key_property_keys,
	fixed_keys,
	request_time_keys,
	via_keys,
	called_via_keys,
	service_caller_keys,
	ec_keys,
	new_grant_keys,
	given_context,
	given_deprecated_keys,
])

# A kms:KeySpec or kms:KeyUsage the question gives also sets its deprecated
# twin, unless the question gives that too.
given_deprecated_keys := {deprecated_keys[k]: v |
	some k, v in given_context
	deprecated_keys[k]
	not given_context[deprecated_keys[k]]
}

# key_policy_context: what a key policy sees.
key_policy_context := {k: v |
	some k, v in context
	not iam_only_key(k)
}

iam_only_key(k) if startswith(k, "aws:resourcetag/")

iam_only_key("kms:resourcealiases")
