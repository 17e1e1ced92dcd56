package kmsguard.authz

import data.kmsguard.iam.principal

# ---- the question, completed from stored data ------------------------------------
# A question may leave out what the store knows (docs/snapshot-format.md):
# the key policy, grants and key properties by key ARN, the caller's identity
# policies and boundary by principal ARN, SCPs and RCPs by account. What the
# question gives wins.

default _snapshot := {}

_snapshot := data.kmsguard.snapshot

_question := object.union(_stored, input) if is_object(input)

_question := input if not is_object(input)

_stored := {} if count(_snapshot) == 0

_stored := object.union_n([_stored_key, _stored_principal, _stored_scps, _stored_rcps]) if count(_snapshot) > 0

_stored_key := object.filter(_snapshot.keys[input.resource], {"key_policy", "grants", "key"}) if {
	is_string(input.resource)
	_snapshot.keys[input.resource]
} else := {}

_stored_principal := object.filter(_snapshot.principals[_stored_principal_arn], {"identity_policies", "permissions_boundary"}) if {
	_snapshot.principals[_stored_principal_arn]
} else := {}

# The stored caller: a user or role ARN as given; for an assumed-role session
# its role, whose full ARN (with path) the snapshot's role index gives.
_stored_caller := principal.parse(input.principal, object.get(input, "role_arn", _stored_role_arn)) if is_string(input.principal)

_stored_role_arn := _snapshot.roles[concat(":", [parts[4], name])] if {
	is_string(input.principal)
	parts := split(input.principal, ":")
	count(parts) == 6
	[kind, name, _] := split(parts[5], "/")
	kind == "assumed-role"
} else := null

_stored_principal_arn := _stored_caller.role_arn if _stored_caller.kind in {"role", "session"}

_stored_principal_arn := _stored_caller.arn if _stored_caller.kind == "user"

_stored_scps := {"scps": _snapshot.accounts[_stored_caller.account].scps} if {
	not _stored_caller.kind in {"service"}
	_snapshot.accounts[_stored_caller.account].scps
} else := {}

_stored_rcps := {"rcps": _snapshot.accounts[parts[4]].rcps} if {
	is_string(input.resource)
	parts := split(input.resource, ":")
	count(parts) == 6
	_snapshot.accounts[parts[4]].rcps
} else := {}
