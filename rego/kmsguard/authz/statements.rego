package kmsguard.authz

import data.kmsguard.iam.condition
import data.kmsguard.iam.pattern
import data.kmsguard.iam.principal

_caller_identities := principal.identity_map(_caller)

_service_caller_bool := _caller.kind == "service"

# ---- matching one statement -----------------------------------------------------

_action_ok(s, a) if {
	s.action != null
	_action_in(s.action, a)
}

_action_ok(s, a) if {
	s.not_action != null
	not _action_in(s.not_action, a)
}

_action_in(set, a) if a in set.exact

_action_in(set, a) if {
	not a in set.exact
	set.wild != null
	glob.match(set.wild, pattern.no_delimiters, a)
}

# METADATA
# title: Resource matches
# description: |
#   Prepared statement s covers resource ARN r in request context ctx: a
#   Resource pattern matches, or no NotResource pattern does (an unresolvable
#   NotResource variable makes the statement apply to nothing).
resource_ok(s, r, ctx) if {
	s.resource != null
	some p in s.resource
	pattern.resource(p, r, ctx, s.vars)
}

# A NotResource whose variables cannot be resolved makes the statement invalid
# (docs/aws-rules.md#i-var: an unresolved variable may invalidate the whole statement): it
# applies to nothing rather than to everything.
resource_ok(s, r, ctx) if {
	s.not_resource != null
	every p in s.not_resource {
		pattern.resolvable(p, ctx, s.vars)
	}
	not _any_resource(s.not_resource, r, ctx, s.vars)
}

_any_resource(patterns, r, ctx, vars) if {
	some p in patterns
	pattern.resource(p, r, ctx, vars)
}

# METADATA
# title: Conditions hold
# description: |
#   The Condition block of prepared statement s holds in request context
#   ctx (lower-cased key -> list of strings).
conditions_ok(s, ctx) if condition.block_ok(s.condition, ctx, s.vars)

# _allow_kinds(s): how an Allow statement of a resource policy names the caller
# ("self", "role", "account", "any"); empty when it does not.
_allow_kinds(s) := principal.kinds(s.principal, _caller_identities, _service_caller_bool) if s.principal != null

_allow_kinds(s) := {"any"} if {
	s.not_principal != null
	not principal.exempt_from_allow(s.not_principal, _caller)
}

_allow_kinds(s) := set() if {
	s.not_principal != null
	principal.exempt_from_allow(s.not_principal, _caller)
}

# _denial_names_caller(s): a Deny statement of a resource policy covers the caller.
_denial_names_caller(s) if {
	s.principal != null
	count(principal.kinds(s.principal, _caller_identities, _service_caller_bool)) > 0
}

# A Deny with NotPrincipal always denies a caller with a permissions boundary.
_denial_names_caller(s) if {
	s.not_principal != null
	_question.permissions_boundary
}

_denial_names_caller(s) if {
	s.not_principal != null
	not principal.exempt_from_deny(s.not_principal, _caller)
}

# _resource_allow(s, ctx): the kinds by which an Allow of a resource policy
# applies to this request; undefined when it does not apply.
_resource_allow(s, ctx) := kinds if {
	s.effect == "Allow"
	_action_ok(s, _action_name)
	resource_ok(s, _request_resource, ctx)
	kinds := _allow_kinds(s)
	count(kinds) > 0
	conditions_ok(s, ctx)
}

_resource_deny(s, ctx) if {
	s.effect == "Deny"
	_action_ok(s, _action_name)
	resource_ok(s, _request_resource, ctx)
	_denial_names_caller(s)
	conditions_ok(s, ctx)
}

# _identity_applies(s, a, r): a statement of an identity policy, boundary,
# session policy or SCP applies to action a on resource r.
_identity_applies(s, a, r) if {
	_action_ok(s, a)
	resource_ok(s, r, _context)
	conditions_ok(s, _context)
}

# ---- policies of the question -------------------------------------------------------

_key_policy_statements := _statements_of(_question.key_policy, _prepared_key_policy)

_identity_statements := [[i, s] |
	some i, doc in object.get(_question, "identity_policies", [])
	some s in _statements_of(doc, _prepared_identity_policy(i))
]

_boundary_statements := _statements_of(_question.permissions_boundary, _prepared_boundary)

_session_statements := _statements_of(_question.session_policy, _prepared_session_policy)

_endpoint_statements := _statements_of(_question.vpc_endpoint_policy, _prepared_endpoint_policy)

_scp_statements := [[l, i, s] |
	some l, level in object.get(_question, "scps", [])
	some i, doc in level
	some s in _statements_of(doc, _prepared_level_policy("scps", _prepared_scps, l, i))
]

_rcp_statements := [[l, i, s] |
	some l, level in object.get(_question, "rcps", [])
	some i, doc in level
	some s in _statements_of(doc, _prepared_level_policy("rcps", _prepared_rcps, l, i))
]

# METADATA
# title: Reason
# description: |
#   The reason an answer gives for statement s of a policy of kind kind
#   ("key_policy", "identity_policy", ...; docs/decision-format.md):
#   policy, statement, effect and sid. indexed_reason adds the index of the
#   policy among several, levelled_reason the level of an SCP or RCP.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html
reason(kind, s) := object.union(_sid_field(s), {"policy": kind, "statement": s.index, "effect": s.effect})

# METADATA
# title: Reason of one of several policies
# description: |
#   reason(kind, s) for statement s of the i-th policy of its kind (identity
#   policies).
indexed_reason(kind, i, s) := object.union(reason(kind, s), {"index": i})

# METADATA
# title: Reason of an SCP or RCP
# description: |
#   reason(kind, s) for statement s of the i-th policy at level l of the
#   organization's SCPs or RCPs.
levelled_reason(kind, l, i, s) := object.union(reason(kind, s), {"level": l, "index": i})

_sid_field(s) := {"sid": s.sid} if is_string(s.sid)

_sid_field(s) := {} if not is_string(s.sid)

# ---- key policy ---------------------------------------------------------------------

_key_policy_consulted if not _account_action

_key_policy_allows := [[s, kinds] |
	_key_policy_consulted
	some s in _key_policy_statements
	kinds := _resource_allow(s, _key_policy_context)
]

_key_policy_denies := [reason("key_policy", s) |
	_key_policy_consulted
	some s in _key_policy_statements
	_resource_deny(s, _key_policy_context)
]

# ---- identity side ------------------------------------------------------------------

_identity_allows(a, r) := [indexed_reason("identity_policy", i, s) |
	some [i, s] in _identity_statements
	s.effect == "Allow"
	_identity_applies(s, a, r)
]

_identity_denies := [indexed_reason("identity_policy", i, s) |
	some [i, s] in _identity_statements
	s.effect == "Deny"
	_identity_applies(s, _action_name, _request_resource)
]

_boundary_allows(_, _) if not _question.permissions_boundary

_boundary_allows(a, r) if {
	some s in _boundary_statements
	s.effect == "Allow"
	_identity_applies(s, a, r)
}

_boundary_denies := [reason("permissions_boundary", s) |
	some s in _boundary_statements
	s.effect == "Deny"
	_identity_applies(s, _action_name, _request_resource)
]

# A federated-user session (GetFederationToken) without a session policy
# has no permissions: only resource policies that name the session itself
# apply (IAM, "Session policies").
_session_allows(_, _) if {
	not _question.session_policy
	_caller.kind != "federated"
}

_session_allows(a, r) if {
	some s in _session_statements
	s.effect == "Allow"
	_identity_applies(s, a, r)
}

_session_denies := [reason("session_policy", s) |
	some s in _session_statements
	s.effect == "Deny"
	_identity_applies(s, _action_name, _request_resource)
]

# _limits_ok: the boundary and session policy allow the action (they limit
# identity policies and key-policy grants made to a role).
_limits_ok(a, r) if {
	_boundary_allows(a, r)
	_session_allows(a, r)
}

# _identity_ok(a, r): the caller's own account allows it. The root user is
# not subject to IAM's implicit deny.
_identity_ok(_, _) if _root_caller

_identity_ok(a, r) if {
	not _root_caller
	not _service_caller
	count(_identity_allows(a, r)) > 0
	_limits_ok(a, r)
}

_identity_reasons(a, r) := _identity_allows(a, r) if _identity_ok(a, r)

# ---- guardrails ------------------------------------------------------------------------

# SCPs do not affect service-linked roles or principals of the management
# account (Organizations, SCPs: "Tasks and entities not restricted by
# SCPs"); service principals are no principals of a member account.
_scps_apply if {
	not _service_caller
	not _caller.service_linked
	not _management_account(_caller.account)
	count(object.get(_question, "scps", [])) > 0
}

_scp_denies := [levelled_reason("scp", l, i, s) |
	_scps_apply
	some [l, i, s] in _scp_statements
	s.effect == "Deny"
	_identity_applies(s, _action_name, _request_resource)
]

# _scp_gaps: the levels whose SCPs allow nothing that matches.
_scp_gaps := [l |
	_scps_apply
	some l, _ in _question.scps
	not _scp_level_allows(l)
]

_scp_level_allows(l) if {
	some [level, _, s] in _scp_statements
	level == l
	s.effect == "Allow"
	_identity_applies(s, _action_name, _request_resource)
}

# RCPs: RCPFullAWSAccess is attached at every level and cannot be detached,
# so only their Deny statements matter. They do not apply to AWS managed
# keys, to account-level actions, to kms:RetireGrant, to keys of the
# management account, or to actions of service-linked roles
# (Organizations, RCPs: "Resources and entities not restricted by RCPs").
# They do apply to AWS service principals (the KMS RCP examples restrict
# them by aws:PrincipalIsAWSService).
_rcps_apply if {
	_customer_managed_key
	not _account_action
	_action_key != "retiregrant"
	not _caller.service_linked
	not _management_account(_key.account)
}

# _management_account(a): the question names account a as its
# organization's management account.
_management_account(a) if object.get(_question, "management_account", null) == a

_rcp_denies := [levelled_reason("rcp", l, i, s) |
	_rcps_apply
	some [l, i, s] in _rcp_statements
	_resource_deny(s, _context)
]

_endpoint_denies := [reason("vpc_endpoint_policy", s) |
	some s in _endpoint_statements
	_resource_deny(s, _context)
]

_endpoint_ok if not _question.vpc_endpoint_policy

_endpoint_ok if {
	some s in _endpoint_statements
	_resource_allow(s, _context)
}

_guardrails_ok if {
	count(_scp_gaps) == 0
	_endpoint_ok
}

_denial_reasons := array.concat(
	array.concat(array.concat(_key_policy_denies, _identity_denies), array.concat(_boundary_denies, _session_denies)),
	array.concat(array.concat(_scp_denies, _rcp_denies), _endpoint_denies),
)
