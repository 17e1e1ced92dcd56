package kmsguard.authz

# ---- the paths to an allow ---------------------------------------------------------------

# Key-policy statements that name the caller itself: not limited by a
# boundary or session policy (IAM users, sessions, federated users, services).
direct_reasons := [reason("key_policy", s) |
	some [s, kinds] in key_policy_allows
	direct_kind(kinds)
]

direct_kind(kinds) if "self" in kinds

direct_kind(kinds) if {
	service_caller
	"any" in kinds
}

# Statements that name the caller's role (or everyone): limited by the
# boundary and the session policy.
role_reasons := [reason("key_policy", s) |
	some [s, kinds] in key_policy_allows
	not direct_kind(kinds)
	role_kind(kinds)
]

role_kind(kinds) if "role" in kinds

role_kind(kinds) if {
	not service_caller
	"any" in kinds
}

# Statements that name the caller's account: delegation to IAM.
account_reasons := [reason("key_policy", s) |
	some [s, kinds] in key_policy_allows
	account_kind(kinds)
]

account_kind(kinds) if "account" in kinds

account_kind(kinds) if {
	not service_caller
	"any" in kinds
}

any_key_policy_reasons := [reason("key_policy", s) | some [s, _] in key_policy_allows]

# key_side: the reasons for which the key's side allows the request, or [].
key_side := array.concat(direct_reasons, limited) if {
	not cross_account
	limited := role_reasons_if_limits_ok
	count(direct_reasons) + count(limited) > 0
} else := array.concat(account_reasons, identity_reasons(action_name, request_resource)) if {
	not cross_account
	count(account_reasons) > 0
	identity_ok(action_name, request_resource)
} else := array.concat(any_key_policy_reasons, identity_reasons(action_name, request_resource)) if {
	cross_account
	action.cross_account
	count(any_key_policy_reasons) > 0
	identity_ok(action_name, request_resource)
} else := []

role_reasons_if_limits_ok := role_reasons if limits_ok(action_name, request_resource)

role_reasons_if_limits_ok := [] if not limits_ok(action_name, request_resource)

# extra_ok: further permissions some actions need besides the key's.
extra_ok if not action.scope in {"alias"}

extra_ok if {
	action.scope == "alias"
	identity_ok(action_name, alias_resource)
}

# ReplicateKey creates the replica in the caller's account: kms:CreateKey.
replicate_ok if action_key != "replicatekey"

replicate_ok if {
	action_key == "replicatekey"
	identity_ok("kms:createkey", "*")
}

# An alias the question cannot name: only a statement that covers every
# alias of the key's account and Region counts.
alias_resource := sprintf("arn:%s:kms:%s:%s:alias/kmsguard-any-alias", [key.partition, key.region, key.account])

# allow_reasons: the statements and grants that allow the request ([] when
# nothing does). Guardrails are checked separately.
allow_reasons := identity_reasons(action_name, "*") if {
	account_action
	identity_ok(action_name, "*")
} else := retire_reasons if {
	action_key == "retiregrant"
} else := array.concat(key_side, grant_reasons) if {
	not account_action
	extra_ok
	replicate_ok
} else := []

allowed if {
	count(allow_reasons) > 0
	guardrails_ok
}

allowed if {
	root_caller
	account_action
	guardrails_ok
}

# ---- why an implicit deny --------------------------------------------------------------------

missing contains sprintf("kms:%s cannot be used across accounts: the caller is in account %s, the key in account %s", [action.name, caller.account, key.account]) if {
	cross_account
	not action.cross_account
}

missing contains sprintf("SCP level %d allows nothing that matches kms:%s", [l, action.name]) if some l in scp_gaps

missing contains "the VPC endpoint policy does not allow the request" if not endpoint_ok

missing contains sprintf("no statement of the key policy allows the caller, its role or its account kms:%s under the request's conditions", [action.name]) if {
	not account_action
	action_key != "retiregrant"
	count(key_policy_allows) == 0
	count(grant_reasons) == 0
}

missing contains sprintf("the key policy lets account %s delegate kms:%s, but no identity policy of the caller allows it%s", [caller.account, action.name, limit_note]) if {
	not account_action
	count(account_reasons) > 0
	not identity_ok(action_name, request_resource)
	count(key_side) == 0
	count(grant_reasons) == 0
}

missing contains sprintf("the key is in another account: the caller's own identity policies must also allow kms:%s%s", [action.name, limit_note]) if {
	cross_account
	action.cross_account
	count(any_key_policy_reasons) > 0
	count(account_reasons) == 0
	not identity_ok(action_name, request_resource)
	count(grant_reasons) == 0
}

missing contains "the key policy names the caller's role, but its permissions boundary or session policy does not allow the action" if {
	not cross_account
	count(role_reasons) > 0
	not limits_ok(action_name, request_resource)
	count(key_side) == 0
}

missing contains sprintf("no identity policy of the caller allows kms:%s", [action.name]) if {
	account_action
	not root_caller
	not identity_ok(action_name, "*")
}

missing contains "no grant lets the caller retire a grant on this key (retiring principal, grantee with RetireGrant, or the key's account through IAM)" if {
	action_key == "retiregrant"
	count(retire_reasons) == 0
}

missing contains sprintf("%s also needs an identity-policy allow on the alias (covering every alias of the account and Region)", [action.name]) if {
	action.scope == "alias"
	not extra_ok
}

missing contains "a federated-user session without a session policy has no permissions except those a resource policy or grant gives the session itself" if {
	caller.kind == "federated"
	not question.session_policy
}

missing contains "ReplicateKey also needs an identity-policy allow for kms:CreateKey" if not replicate_ok

limit_note := " (or its permissions boundary / session policy does not)" if {
	count(identity_allows(action_name, request_resource)) > 0
} else := ""

# ---- the answer ----------------------------------------------------------------------------

id_field := {"id": question.id} if is_string(object.get(question, "id", null))

id_field := {} if not is_string(object.get(question, "id", null))

# METADATA
# title: Decision
# description: |
#   The answer to one question: {"decision", "allowed", "reasons"} (and
#   "missing" for implicit denies, "request_time" when the request time was
#   used), or {"error"} for a malformed question.
#   Never an allow on an error.
# entrypoint: true
decision := object.union(id_field, {"error": concat("; ", sort(errors))}) if {
	count(errors) > 0
} else := object.union_n([id_field, request_time_field, {"decision": "ExplicitlyDenied", "allowed": false}, listed("reasons", denial_reasons)]) if {
	count(denial_reasons) > 0
} else := object.union_n([id_field, request_time_field, {"decision": "Allowed", "allowed": true}, listed("reasons", allow_reasons)]) if {
	allowed
} else := object.union_n([id_field, request_time_field, {"decision": "ImplicitlyDenied", "allowed": false}, listed("missing", sort(missing))])

# listed(k, list): {k: list}, or nothing for an empty list (the answer has no
# empty fields, whichever server renders it).
listed(_, []) := {}

listed(k, list) := {k: list} if count(list) > 0
