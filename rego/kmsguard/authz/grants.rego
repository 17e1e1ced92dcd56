package kmsguard.authz

grants := object.get(question, "grants", [])

# grantee_kind(g): how the grant's grantee names the caller — "self" (the
# caller itself or its service principal), "role" (the role of a session),
# "account" (the caller's account: its principals still need an IAM allow).
grantee_kind(g) := "self" if {
	caller.kind != "role"
	g.grantee_principal == caller.arn
}

grantee_kind(g) := "self" if {
	service_caller
	lower(object.get(g, "grantee_principal", "")) == caller.service
}

grantee_kind(g) := "self" if {
	service_caller
	lower(object.get(g, "grantee_service_principal", "")) == caller.service
}

grantee_kind(g) := "role" if {
	caller.kind == "session"
	g.grantee_principal == caller.role_arn
}

# A grant to a role ARN is limited by the boundary and session policy
# whether the caller is given as the role or as a session of it.
grantee_kind(g) := "role" if {
	caller.kind == "role"
	g.grantee_principal == caller.role_arn
}

grantee_kind(g) := "account" if {
	not service_caller
	not root_caller
	g.grantee_principal in {caller.account, principal_root_arn}
}

principal_root_arn := sprintf("arn:%s:iam::%s:root", [caller.partition, caller.account])

grant_has_operation(g, name) if {
	some op in g.operations
	lower(op) == lower(name)
}

# Encryption-context constraints apply only to operations that take an
# encryption context, and compare keys and values case-sensitively.
constraints_ok(_) if not action.encryption_context

constraints_ok(g) if {
	action.encryption_context
	c := object.get(g, "constraints", {})
	ec_equals_ok(c)
	ec_subset_ok(c)
}

ec_equals_ok(c) if not c.encryption_context_equals

ec_equals_ok(c) if c.encryption_context_equals == encryption_context

ec_subset_ok(c) if not c.encryption_context_subset

ec_subset_ok(c) if {
	every k, v in c.encryption_context_subset {
		encryption_context[k] == v
	}
}

# A grantee that holds CreateGrant through a grant may only pass on
# operations of its own grant.
child_operations_ok(_) if action_key != "creategrant"

child_operations_ok(g) if {
	action_key == "creategrant"
	every op in object.get(context, "kms:grantoperations", []) {
		grant_has_operation(g, op)
	}
}

# The constraints of a grant created through a grant must be at least as
# strict as the parent's (API CreateGrant, Constraints): none on the parent
# leaves the child free; Equals stays Equals with the same pairs; Subset may
# become Equals or add pairs but not drop any. Without the child grant
# described (question.grant), a constrained parent allows no CreateGrant.
child_constraints_ok(_) if action_key != "creategrant"

child_constraints_ok(g) if {
	action_key == "creategrant"
	count(object.get(g, "constraints", {})) == 0
}

child_constraints_ok(g) if {
	action_key == "creategrant"
	count(object.get(g, "constraints", {})) > 0
	child := object.get(new_grant, "constraints", {})
	equals_kept(object.get(g.constraints, "encryption_context_equals", null), child)
	subset_kept(object.get(g.constraints, "encryption_context_subset", null), child)
}

equals_kept(null, _)

equals_kept(pairs, child) if {
	pairs != null
	child.encryption_context_equals == pairs
}

subset_kept(null, _)

subset_kept(pairs, child) if {
	pairs != null
	some k in ["encryption_context_equals", "encryption_context_subset"]
	every pk, pv in pairs {
		child[k][pk] == pv
	}
}

grant_reason(i, g) := object.union({"policy": "grant", "index": i, "effect": "Allow"}, grant_id_field(g))

grant_id_field(g) := {"grant_id": g.grant_id} if is_string(object.get(g, "grant_id", null))

grant_id_field(g) := {} if not is_string(object.get(g, "grant_id", null))

# usable_grants: grants that allow this request, with the path they give.
usable_grants := [[grant_reason(i, g), kind] |
	action.grant_operation
	action_key != "retiregrant"
	some i, g in grants
	kind := grantee_kind(g)
	grant_has_operation(g, action.name)
	constraints_ok(g)
	child_operations_ok(g)
	child_constraints_ok(g)
	grant_path_ok(kind)
]

grant_path_ok("self")

grant_path_ok("role") if limits_ok(action_name, request_resource)

grant_path_ok("account") if identity_ok(action_name, request_resource)

grant_reasons := [r | some [r, _] in usable_grants]

# ---- RetireGrant ----------------------------------------------------------------------
# Authorized by the grant: its retiring principal, its grantee when the grant
# includes RetireGrant, or the key's account (and principals it delegates to
# through IAM). A key-policy allow for kms:RetireGrant has no effect.

retire_reasons := [grant_reason(i, g) |
	action_key == "retiregrant"
	some i, g in grants
	may_retire(g)
]

may_retire(g) if object.get(g, "retiring_principal", null) in ({object.get(caller, "arn", null), object.get(caller, "role_arn", null)} - {null})

may_retire(g) if {
	service_caller
	lower(object.get(g, "retiring_principal", "")) == caller.service
}

# A retiring principal that is an account delegates kms:RetireGrant to its
# IAM principals through their identity policies.
may_retire(g) if {
	not service_caller
	object.get(g, "retiring_principal", null) in {caller.account, principal_root_arn}
	identity_ok(action_name, request_resource)
}

may_retire(g) if {
	grantee_kind(g) in {"self", "role"}
	grant_has_operation(g, "RetireGrant")
}

may_retire(_) if {
	not cross_account
	not service_caller
	identity_ok(action_name, request_resource)
}
