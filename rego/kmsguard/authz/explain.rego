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
	"statements": explained_statements,
	"grants": explained_grants,
}

explained_statements := array.concat(
	array.concat(
		[explain_resource_statement({"policy": "key_policy"}, s, key_policy_context) | key_policy_consulted; some s in key_policy_statements],
		[explain_identity_statement({"policy": "identity_policy", "index": i}, s) | some [i, s] in identity_statements],
	),
	array.concat(
		array.concat(
			[explain_identity_statement({"policy": "permissions_boundary"}, s) | some s in boundary_statements],
			[explain_identity_statement({"policy": "session_policy"}, s) | some s in session_statements],
		),
		array.concat(
			array.concat(
				[explain_identity_statement({"policy": "scp", "level": l, "index": i}, s) | scps_apply; some [l, i, s] in scp_statements],
				[explain_resource_statement({"policy": "rcp", "level": l, "index": i}, s, context) | rcps_apply; some [l, i, s] in rcp_statements],
			),
			[explain_resource_statement({"policy": "vpc_endpoint_policy"}, s, context) | some s in endpoint_statements],
		),
	),
)

explain_resource_statement(where, s, ctx) := object.union_n([where, sid_field(s), {
	"statement": s.index,
	"effect": s.effect,
	"action": action_ok_bool(s),
	"principal": principal_ok_bool(s),
	"resource": resource_ok_bool(s, ctx),
	"conditions": conditions_ok_bool(s, ctx),
	"failed_conditions": condition.failures(s.condition, ctx, s.vars),
	"applies": applies_bool(s, ctx),
}])

explain_identity_statement(where, s) := object.union_n([where, sid_field(s), {
	"statement": s.index,
	"effect": s.effect,
	"action": action_ok_bool(s),
	"principal": true,
	"resource": resource_ok_bool(s, context),
	"conditions": conditions_ok_bool(s, context),
	"failed_conditions": condition.failures(s.condition, context, s.vars),
	"applies": identity_applies_bool(s),
}])

action_ok_bool(s) := action_ok(s, action_name)

default action_ok_bool(_) := false

principal_ok_bool(s) if {
	s.effect == "Allow"
	count(allow_kinds(s)) > 0
} else if {
	s.effect == "Deny"
	denial_names_caller(s)
} else := false

resource_ok_bool(s, ctx) := resource_ok(s, request_resource, ctx)

default resource_ok_bool(_, _) := false

conditions_ok_bool(s, ctx) := conditions_ok(s, ctx)

default conditions_ok_bool(_, _) := false

applies_bool(s, ctx) if {
	s.effect == "Allow"
	resource_allow(s, ctx)
} else if {
	resource_deny(s, ctx)
} else := false

identity_applies_bool(s) := identity_applies(s, action_name, request_resource)

default identity_applies_bool(_) := false

explained_grants := [object.union(grant_reason(i, g), {
	"grantee": grantee_bool(g),
	"operation": grant_has_operation_bool(g),
	"constraints": constraints_bool(g),
	"applies": grant_applies_bool(i),
}) |
	some i, g in grants
]

grantee_bool(g) if grantee_kind(g)

else := false

grant_has_operation_bool(g) if grant_has_operation(g, action.name)

else := false

constraints_bool(g) if constraints_ok(g)

else := false

grant_applies_bool(i) if {
	some [r, _] in usable_grants
	r.index == i
} else := false
