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
]) if not service_caller

identity_keys := {"aws:username": [caller.name]} if caller.kind == "user"

identity_keys := {"aws:userid": [caller.account]} if caller.kind == "root"

identity_keys := {} if not caller.kind in {"user", "root"}

resource_keys := object.union(
	{
		"aws:resourceaccount": [key.account],
		"aws:requestedregion": [key.region],
	},
	org_keys("aws:resourceorgid", key.account),
)

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
# hold the values of kms:KeySpec and kms:KeyUsage (KMS condition keys).
deprecated_keys := {"kms:keyspec": "kms:customermasterkeyspec", "kms:keyusage": "kms:customermasterkeyusage"}

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

request_defaults := object.get(catalog.request_defaults, action_key, {})

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

# context: what IAM policies and guardrails see — derived keys, then the
# documented defaults of request parameters, overridden by what the question
# gives.
context := object.union_n([
	derived_caller_keys,
	resource_keys,
	key_property_keys,
	request_defaults,
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
