package kmsguard.authz

# ---- the paths to an allow ---------------------------------------------------------------

# Key-policy statements that name the caller itself: not limited by a
# boundary or session policy (IAM users, sessions, federated users, services).
_direct_reasons := [reason("key_policy", s) |
	some [s, kinds] in _key_policy_allows
	_direct_kind(kinds)
]

_direct_kind(kinds) if "self" in kinds

_direct_kind(kinds) if {
	_service_caller
	"any" in kinds
}

# Statements that name the caller's role (or everyone): limited by the
# boundary and the session policy.
_role_reasons := [reason("key_policy", s) |
	some [s, kinds] in _key_policy_allows
	not _direct_kind(kinds)
	_role_kind(kinds)
]

_role_kind(kinds) if "role" in kinds

_role_kind(kinds) if {
	not _service_caller
	"any" in kinds
}

# Statements that name the caller's account: delegation to IAM.
_account_reasons := [reason("key_policy", s) |
	some [s, kinds] in _key_policy_allows
	_account_kind(kinds)
]

_account_kind(kinds) if "account" in kinds

_account_kind(kinds) if {
	not _service_caller
	"any" in kinds
}

_any_key_policy_reasons := [reason("key_policy", s) | some [s, _] in _key_policy_allows]

# _key_side: the reasons for which the key's side allows the request, or [].
_key_side := array.concat(_direct_reasons, limited) if {
	not _cross_account
	limited := _role_reasons_if_limits_ok
	count(_direct_reasons) + count(limited) > 0
} else := array.concat(_account_reasons, _identity_reasons(_action_name, _request_resource)) if {
	not _cross_account
	count(_account_reasons) > 0
	_identity_ok(_action_name, _request_resource)
} else := array.concat(_any_key_policy_reasons, _identity_reasons(_action_name, _request_resource)) if {
	_cross_account
	_action.cross_account
	count(_any_key_policy_reasons) > 0
	_identity_ok(_action_name, _request_resource)
} else := []

_role_reasons_if_limits_ok := _role_reasons if _limits_ok(_action_name, _request_resource)

_role_reasons_if_limits_ok := [] if not _limits_ok(_action_name, _request_resource)

# _extra_ok: further permissions some actions need besides the key's.
_extra_ok if not _action.scope in {"alias"}

_extra_ok if {
	_action.scope == "alias"
	_identity_ok(_action_name, _alias_resource)
}

# ReplicateKey creates the replica in the caller's account: kms:CreateKey.
_replicate_ok if _action_key != "replicatekey"

_replicate_ok if {
	_action_key == "replicatekey"
	_identity_ok("kms:createkey", "*")
}

# An alias the question cannot name: only a statement that covers every
# alias of the key's account and Region counts.
_alias_resource := sprintf("arn:%s:kms:%s:%s:alias/kmsguard-any-alias", [_key.partition, _key.region, _key.account])

# _allow_reasons: the statements and grants that allow the request ([] when
# nothing does). Guardrails are checked separately.
_allow_reasons := _identity_reasons(_action_name, "*") if {
	_account_action
	_identity_ok(_action_name, "*")
} else := _retire_reasons if {
	_action_key == "retiregrant"
} else := array.concat(_key_side, _grant_reasons) if {
	not _account_action
	_extra_ok
	_replicate_ok
} else := []

_allowed if {
	count(_allow_reasons) > 0
	_guardrails_ok
}

_allowed if {
	_root_caller
	_account_action
	_guardrails_ok
}

# ---- why an implicit deny --------------------------------------------------------------------

_missing contains sprintf("kms:%s cannot be used across accounts: the caller is in account %s, the key in account %s", [_action.name, _caller.account, _key.account]) if {
	_cross_account
	not _action.cross_account
}

_missing contains sprintf("SCP level %d allows nothing that matches kms:%s", [l, _action.name]) if some l in _scp_gaps

_missing contains "the VPC endpoint policy does not allow the request" if not _endpoint_ok

_missing contains sprintf("no statement of the key policy allows the caller, its role or its account kms:%s under the request's conditions", [_action.name]) if {
	not _account_action
	_action_key != "retiregrant"
	count(_key_policy_allows) == 0
	count(_grant_reasons) == 0
}

_missing contains sprintf("the key policy lets account %s delegate kms:%s, but no identity policy of the caller allows it%s", [_caller.account, _action.name, _limit_note]) if {
	not _account_action
	count(_account_reasons) > 0
	not _identity_ok(_action_name, _request_resource)
	count(_key_side) == 0
	count(_grant_reasons) == 0
}

_missing contains sprintf("the key is in another account: the caller's own identity policies must also allow kms:%s%s", [_action.name, _limit_note]) if {
	_cross_account
	_action.cross_account
	count(_any_key_policy_reasons) > 0
	count(_account_reasons) == 0
	not _identity_ok(_action_name, _request_resource)
	count(_grant_reasons) == 0
}

_missing contains "the key policy names the caller's role, but its permissions boundary or session policy does not allow the action" if {
	not _cross_account
	count(_role_reasons) > 0
	not _limits_ok(_action_name, _request_resource)
	count(_key_side) == 0
}

_missing contains sprintf("no identity policy of the caller allows kms:%s", [_action.name]) if {
	_account_action
	not _root_caller
	not _identity_ok(_action_name, "*")
}

_missing contains "no grant lets the caller retire a grant on this key (retiring principal, grantee with RetireGrant, or the key's account through IAM)" if {
	_action_key == "retiregrant"
	count(_retire_reasons) == 0
}

_missing contains sprintf("%s also needs an identity-policy allow on the alias (covering every alias of the account and Region)", [_action.name]) if {
	_action.scope == "alias"
	not _extra_ok
}

_missing contains "a federated-user session without a session policy has no permissions except those a resource policy or grant gives the session itself" if {
	_caller.kind == "federated"
	not _question.session_policy
}

_missing contains "ReplicateKey also needs an identity-policy allow for kms:CreateKey" if not _replicate_ok

_limit_note := " (or its permissions boundary / session policy does not)" if {
	count(_identity_allows(_action_name, _request_resource)) > 0
} else := ""

# ---- the answer ----------------------------------------------------------------------------

# The question's id is echoed when it is a string other than "" (an empty id
# joins nothing; the answer leaves it out, as the native engine does).
_id_field := {"id": _question.id} if _echo_id

_id_field := {} if not _echo_id

_echo_id if {
	is_string(object.get(_question, "id", null))
	_question.id != ""
}

# METADATA
# title: Decision
# description: |
#   The answer to one question: {"decision", "allowed", "reasons"} (and
#   "missing" for implicit denies, "request_time" when the request time was
#   used), or {"error"} for a malformed question.
#   Never an allow on an error.
# entrypoint: true
decision := object.union(_id_field, {"error": concat("; ", sort(_errors))}) if {
	count(_errors) > 0
} else := object.union_n([_id_field, _request_time_field, {"decision": "ExplicitlyDenied", "allowed": false}, _listed("reasons", _denial_reasons)]) if {
	count(_denial_reasons) > 0
} else := object.union_n([_id_field, _request_time_field, {"decision": "Allowed", "allowed": true}, _listed("reasons", _allow_reasons)]) if {
	_allowed
} else := object.union_n([_id_field, _request_time_field, {"decision": "ImplicitlyDenied", "allowed": false}, _listed("missing", sort(_missing))])

# _listed(k, list): {k: list}, or nothing for an empty list (the answer has no
# empty fields, whichever server renders it).
_listed(_, []) := {}

_listed(k, list) := {k: list} if count(list) > 0
