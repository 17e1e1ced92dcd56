package kmsguard.authz

_grants := object.get(_question, "grants", [])

# _grantee_kind(g): how the grant's grantee names the caller — "self" (the
# caller itself or its service principal), "role" (the role of a session),
# "account" (the caller's account: its principals still need an IAM allow).
_grantee_kind(g) := "self" if {
	_caller.kind != "role"
	g.grantee_principal == _caller.arn
}

_grantee_kind(g) := "self" if {
	_service_caller
	lower(object.get(g, "grantee_principal", "")) == _caller.service
}

_grantee_kind(g) := "self" if {
	_service_caller
	lower(object.get(g, "grantee_service_principal", "")) == _caller.service
}

_grantee_kind(g) := "role" if {
	_caller.kind == "session"
	g.grantee_principal == _caller.role_arn
}

# A grant to a role ARN is limited by the boundary and session policy
# whether the caller is given as the role or as a session of it.
_grantee_kind(g) := "role" if {
	_caller.kind == "role"
	g.grantee_principal == _caller.role_arn
}

_grantee_kind(g) := "account" if {
	not _service_caller
	not _root_caller
	g.grantee_principal in {_caller.account, _principal_root_arn}
}

_principal_root_arn := sprintf("arn:%s:iam::%s:root", [_caller.partition, _caller.account])

_grant_has_operation(g, name) if {
	some op in g.operations
	lower(op) == lower(name)
}

# Encryption-context constraints apply only to operations that take an
# encryption context, and compare keys and values case-sensitively.
_constraints_ok(_) if not _action.encryption_context

_constraints_ok(g) if {
	_action.encryption_context
	c := object.get(g, "constraints", {})
	_ec_equals_ok(c)
	_ec_subset_ok(c)
}

_ec_equals_ok(c) if not c.encryption_context_equals

_ec_equals_ok(c) if c.encryption_context_equals == _encryption_context

_ec_subset_ok(c) if not c.encryption_context_subset

_ec_subset_ok(c) if {
	every k, v in c.encryption_context_subset {
		_encryption_context[k] == v
	}
}

# A grantee that holds CreateGrant through a grant may only pass on
# operations of its own grant.
_child_operations_ok(_) if _action_key != "creategrant"

_child_operations_ok(g) if {
	_action_key == "creategrant"
	every op in object.get(_context, "kms:grantoperations", []) {
		_grant_has_operation(g, op)
	}
}

# The constraints of a grant created through a grant must be at least as
# strict as the parent's (API CreateGrant, Constraints): none on the parent
# leaves the child free; Equals stays Equals with the same pairs; Subset may
# become Equals or add pairs but not drop any. Without the child grant
# described (question.grant), a constrained parent allows no CreateGrant.
_child_constraints_ok(_) if _action_key != "creategrant"

_child_constraints_ok(g) if {
	_action_key == "creategrant"
	count(object.get(g, "constraints", {})) == 0
}

_child_constraints_ok(g) if {
	_action_key == "creategrant"
	count(object.get(g, "constraints", {})) > 0
	child := object.get(_new_grant, "constraints", {})
	_equals_kept(object.get(g.constraints, "encryption_context_equals", null), child)
	_subset_kept(object.get(g.constraints, "encryption_context_subset", null), child)
}

_equals_kept(null, _)

_equals_kept(pairs, child) if {
	pairs != null
	child.encryption_context_equals == pairs
}

_subset_kept(null, _)

_subset_kept(pairs, child) if {
	pairs != null
	some k in ["encryption_context_equals", "encryption_context_subset"]
	every pk, pv in pairs {
		child[k][pk] == pv
	}
}

# METADATA
# title: Grant reason
# description: |
#   The reason an answer gives for grant g, the i-th of the question.
grant_reason(i, g) := object.union({"policy": "grant", "index": i, "effect": "Allow"}, _grant_id_field(g))

_grant_id_field(g) := {"grant_id": g.grant_id} if is_string(object.get(g, "grant_id", null))

_grant_id_field(g) := {} if not is_string(object.get(g, "grant_id", null))

# _usable_grants: grants that allow this request, with the path they give.
_usable_grants := [[grant_reason(i, g), kind] |
	_action.grant_operation
	_action_key != "retiregrant"
	some i, g in _grants
	kind := _grantee_kind(g)
	_grant_has_operation(g, _action.name)
	_constraints_ok(g)
	_child_operations_ok(g)
	_child_constraints_ok(g)
	_grant_path_ok(kind)
]

_grant_path_ok("self")

_grant_path_ok("role") if _limits_ok(_action_name, _request_resource)

_grant_path_ok("account") if _identity_ok(_action_name, _request_resource)

_grant_reasons := [r | some [r, _] in _usable_grants]

# ---- RetireGrant ----------------------------------------------------------------------
# Authorized by the grant: its retiring principal, its grantee when the grant
# includes RetireGrant, or the key's account (and principals it delegates to
# through IAM). A key-policy allow for kms:RetireGrant has no effect.

_retire_reasons := [grant_reason(i, g) |
	_action_key == "retiregrant"
	some i, g in _grants
	_may_retire(g)
]

_may_retire(g) if object.get(g, "retiring_principal", null) in ({object.get(_caller, "arn", null), object.get(_caller, "role_arn", null)} - {null})

_may_retire(g) if {
	_service_caller
	lower(object.get(g, "retiring_principal", "")) == _caller.service
}

# A retiring principal that is an account delegates kms:RetireGrant to its
# IAM principals through their identity policies.
_may_retire(g) if {
	not _service_caller
	object.get(g, "retiring_principal", null) in {_caller.account, _principal_root_arn}
	_identity_ok(_action_name, _request_resource)
}

_may_retire(g) if {
	_grantee_kind(g) in {"self", "role"}
	_grant_has_operation(g, "RetireGrant")
}

_may_retire(_) if {
	not _cross_account
	not _service_caller
	_identity_ok(_action_name, _request_resource)
}
