package kmsguard.authz

import data.kmsguard.iam.condition
import data.kmsguard.iam.pattern
import data.kmsguard.iam.principal

caller_identities := principal.identity_map(caller)

service_caller_bool := caller.kind == "service"

# ---- matching one statement -----------------------------------------------------

action_ok(s, a) if {
	s.action != null
	action_in(s.action, a)
}

action_ok(s, a) if {
	s.not_action != null
	not action_in(s.not_action, a)
}

action_in(set, a) if a in set.exact

action_in(set, a) if {
	not a in set.exact
	set.wild != null
	glob.match(set.wild, pattern.no_delimiters, a)
}

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
	not any_resource(s.not_resource, r, ctx, s.vars)
}

any_resource(patterns, r, ctx, vars) if {
	some p in patterns
	pattern.resource(p, r, ctx, vars)
}

conditions_ok(s, ctx) if condition.block_ok(s.condition, ctx, s.vars)

# allow_kinds(s): how an Allow statement of a resource policy names the caller
# ("self", "role", "account", "any"); empty when it does not.
allow_kinds(s) := principal.kinds(s.principal, caller_identities, service_caller_bool) if s.principal != null

allow_kinds(s) := {"any"} if {
	s.not_principal != null
	not principal.exempt_from_allow(s.not_principal, caller)
}

allow_kinds(s) := set() if {
	s.not_principal != null
	principal.exempt_from_allow(s.not_principal, caller)
}

# denial_names_caller(s): a Deny statement of a resource policy covers the caller.
denial_names_caller(s) if {
	s.principal != null
	count(principal.kinds(s.principal, caller_identities, service_caller_bool)) > 0
}

# A Deny with NotPrincipal always denies a caller with a permissions boundary.
denial_names_caller(s) if {
	s.not_principal != null
	question.permissions_boundary
}

denial_names_caller(s) if {
	s.not_principal != null
	not principal.exempt_from_deny(s.not_principal, caller)
}

# resource_allow(s, ctx): the kinds by which an Allow of a resource policy
# applies to this request; undefined when it does not apply.
resource_allow(s, ctx) := kinds if {
	s.effect == "Allow"
	action_ok(s, action_name)
	resource_ok(s, request_resource, ctx)
	kinds := allow_kinds(s)
	count(kinds) > 0
	conditions_ok(s, ctx)
}

resource_deny(s, ctx) if {
	s.effect == "Deny"
	action_ok(s, action_name)
	resource_ok(s, request_resource, ctx)
	denial_names_caller(s)
	conditions_ok(s, ctx)
}

# identity_applies(s, a, r): a statement of an identity policy, boundary,
# session policy or SCP applies to action a on resource r.
identity_applies(s, a, r) if {
	action_ok(s, a)
	resource_ok(s, r, context)
	conditions_ok(s, context)
}

# ---- policies of the question -------------------------------------------------------

key_policy_statements := statements_of(question.key_policy, prepared_key_policy)

identity_statements := [[i, s] |
	some i, doc in object.get(question, "identity_policies", [])
	some s in statements_of(doc, prepared_identity_policy(i))
]

boundary_statements := statements_of(question.permissions_boundary, prepared_boundary)

session_statements := statements_of(question.session_policy, prepared_session_policy)

endpoint_statements := statements_of(question.vpc_endpoint_policy, prepared_endpoint_policy)

scp_statements := [[l, i, s] |
	some l, level in object.get(question, "scps", [])
	some i, doc in level
	some s in statements_of(doc, prepared_level_policy("scps", prepared_scps, l, i))
]

rcp_statements := [[l, i, s] |
	some l, level in object.get(question, "rcps", [])
	some i, doc in level
	some s in statements_of(doc, prepared_level_policy("rcps", prepared_rcps, l, i))
]

reason(kind, s) := object.union(sid_field(s), {"policy": kind, "statement": s.index, "effect": s.effect})

indexed_reason(kind, i, s) := object.union(reason(kind, s), {"index": i})

levelled_reason(kind, l, i, s) := object.union(reason(kind, s), {"level": l, "index": i})

sid_field(s) := {"sid": s.sid} if is_string(s.sid)

sid_field(s) := {} if not is_string(s.sid)

# ---- key policy ---------------------------------------------------------------------

key_policy_consulted if not account_action

key_policy_allows := [[s, kinds] |
	key_policy_consulted
	some s in key_policy_statements
	kinds := resource_allow(s, key_policy_context)
]

key_policy_denies := [reason("key_policy", s) |
	key_policy_consulted
	some s in key_policy_statements
	resource_deny(s, key_policy_context)
]

# ---- identity side ------------------------------------------------------------------

identity_allows(a, r) := [indexed_reason("identity_policy", i, s) |
	some [i, s] in identity_statements
	s.effect == "Allow"
	identity_applies(s, a, r)
]

identity_denies := [indexed_reason("identity_policy", i, s) |
	some [i, s] in identity_statements
	s.effect == "Deny"
	identity_applies(s, action_name, request_resource)
]

boundary_allows(_, _) if not question.permissions_boundary

boundary_allows(a, r) if {
	some s in boundary_statements
	s.effect == "Allow"
	identity_applies(s, a, r)
}

boundary_denies := [reason("permissions_boundary", s) |
	some s in boundary_statements
	s.effect == "Deny"
	identity_applies(s, action_name, request_resource)
]

# A federated-user session (GetFederationToken) without a session policy
# has no permissions: only resource policies that name the session itself
# apply (IAM, "Session policies").
session_allows(_, _) if {
	not question.session_policy
	caller.kind != "federated"
}

session_allows(a, r) if {
	some s in session_statements
	s.effect == "Allow"
	identity_applies(s, a, r)
}

session_denies := [reason("session_policy", s) |
	some s in session_statements
	s.effect == "Deny"
	identity_applies(s, action_name, request_resource)
]

# limits_ok: the boundary and session policy allow the action (they limit
# identity policies and key-policy grants made to a role).
limits_ok(a, r) if {
	boundary_allows(a, r)
	session_allows(a, r)
}

# identity_ok(a, r): the caller's own account allows it. The root user is
# not subject to IAM's implicit deny.
identity_ok(_, _) if root_caller

identity_ok(a, r) if {
	not root_caller
	not service_caller
	count(identity_allows(a, r)) > 0
	limits_ok(a, r)
}

identity_reasons(a, r) := identity_allows(a, r) if identity_ok(a, r)

# ---- guardrails ------------------------------------------------------------------------

# SCPs do not affect service-linked roles or principals of the management
# account (Organizations, SCPs: "Tasks and entities not restricted by
# SCPs"); service principals are no principals of a member account.
scps_apply if {
	not service_caller
	not caller.service_linked
	not management_account(caller.account)
	count(object.get(question, "scps", [])) > 0
}

scp_denies := [levelled_reason("scp", l, i, s) |
	scps_apply
	some [l, i, s] in scp_statements
	s.effect == "Deny"
	identity_applies(s, action_name, request_resource)
]

# scp_gaps: the levels whose SCPs allow nothing that matches.
scp_gaps := [l |
	scps_apply
	some l, _ in question.scps
	not scp_level_allows(l)
]

scp_level_allows(l) if {
	some [level, _, s] in scp_statements
	level == l
	s.effect == "Allow"
	identity_applies(s, action_name, request_resource)
}

# RCPs: RCPFullAWSAccess is attached at every level and cannot be detached,
# so only their Deny statements matter. They do not apply to AWS managed
# keys, to account-level actions, to kms:RetireGrant, to keys of the
# management account, or to actions of service-linked roles
# (Organizations, RCPs: "Resources and entities not restricted by RCPs").
# They do apply to AWS service principals (the KMS RCP examples restrict
# them by aws:PrincipalIsAWSService).
rcps_apply if {
	customer_managed_key
	not account_action
	action_key != "retiregrant"
	not caller.service_linked
	not management_account(key.account)
}

# management_account(a): the question names account a as its
# organization's management account.
management_account(a) if object.get(question, "management_account", null) == a

rcp_denies := [levelled_reason("rcp", l, i, s) |
	rcps_apply
	some [l, i, s] in rcp_statements
	resource_deny(s, context)
]

endpoint_denies := [reason("vpc_endpoint_policy", s) |
	some s in endpoint_statements
	resource_deny(s, context)
]

endpoint_ok if not question.vpc_endpoint_policy

endpoint_ok if {
	some s in endpoint_statements
	resource_allow(s, context)
}

guardrails_ok if {
	count(scp_gaps) == 0
	endpoint_ok
}

denial_reasons := array.concat(
	array.concat(array.concat(key_policy_denies, identity_denies), array.concat(boundary_denies, session_denies)),
	array.concat(array.concat(scp_denies, rcp_denies), endpoint_denies),
)
