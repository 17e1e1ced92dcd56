package kmsguard.authz

import data.kmsguard.iam.condition

# METADATA
# title: Explanation
# description: |
#   The decision plus, for every statement of every policy and every grant,
#   whether its action, principal, resource and conditions matched the request,
#   and which conditions failed.
# entrypoint: true
explain := {
	"decision": decision,
	"statements": _explained_statements,
	"grants": _explained_grants,
}

_explained_statements := array.concat(
	array.concat(
		[_explain_resource_statement({"policy": "key_policy"}, s, _key_policy_context) | _key_policy_consulted; some s in _key_policy_statements],
		[_explain_identity_statement({"policy": "identity_policy", "index": i}, s) | some [i, s] in _identity_statements],
	),
	array.concat(
		array.concat(
			[_explain_identity_statement({"policy": "permissions_boundary"}, s) | some s in _boundary_statements],
			[_explain_identity_statement({"policy": "session_policy"}, s) | some s in _session_statements],
		),
		array.concat(
			array.concat(
				[_explain_identity_statement({"policy": "scp", "level": l, "index": i}, s) | _scps_apply; some [l, i, s] in _scp_statements],
				[_explain_resource_statement({"policy": "rcp", "level": l, "index": i}, s, _context) | _rcps_apply; some [l, i, s] in _rcp_statements],
			),
			[_explain_resource_statement({"policy": "vpc_endpoint_policy"}, s, _context) | some s in _endpoint_statements],
		),
	),
)

_explain_resource_statement(where, s, ctx) := object.union_n([where, _sid_field(s), {
	"statement": s.index,
	"effect": s.effect,
	"action": _action_ok_bool(s),
	"principal": _principal_ok_bool(s),
	"resource": _resource_ok_bool(s, ctx),
	"conditions": _conditions_ok_bool(s, ctx),
	"failed_conditions": condition.failures(s.condition, ctx, s.vars),
	"applies": _applies_bool(s, ctx),
}])

_explain_identity_statement(where, s) := object.union_n([where, _sid_field(s), {
	"statement": s.index,
	"effect": s.effect,
	"action": _action_ok_bool(s),
	"principal": true,
	"resource": _resource_ok_bool(s, _context),
	"conditions": _conditions_ok_bool(s, _context),
	"failed_conditions": condition.failures(s.condition, _context, s.vars),
	"applies": _identity_applies_bool(s),
}])

_action_ok_bool(s) := _action_ok(s, _action_name)

default _action_ok_bool(_) := false

_principal_ok_bool(s) if {
	s.effect == "Allow"
	count(_allow_kinds(s)) > 0
} else if {
	s.effect == "Deny"
	_denial_names_caller(s)
} else := false

_resource_ok_bool(s, ctx) := resource_ok(s, _request_resource, ctx)

default _resource_ok_bool(_, _) := false

_conditions_ok_bool(s, ctx) := conditions_ok(s, ctx)

default _conditions_ok_bool(_, _) := false

_applies_bool(s, ctx) if {
	s.effect == "Allow"
	_resource_allow(s, ctx)
} else if {
	_resource_deny(s, ctx)
} else := false

_identity_applies_bool(s) := _identity_applies(s, _action_name, _request_resource)

default _identity_applies_bool(_) := false

_explained_grants := [object.union(grant_reason(i, g), {
	"grantee": _grantee_bool(g),
	"operation": _grant_has_operation_bool(g),
	"constraints": _constraints_bool(g),
	"applies": _grant_applies_bool(i),
}) |
	some i, g in _grants
]

_grantee_bool(g) if _grantee_kind(g)

else := false

_grant_has_operation_bool(g) if _grant_has_operation(g, _action.name)

else := false

_constraints_bool(g) if _constraints_ok(g)

else := false

_grant_applies_bool(i) if {
	some [r, _] in _usable_grants
	r.index == i
} else := false
