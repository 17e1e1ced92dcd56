package kmsguard.authz

import data.kmsguard.iam.principal

# ---- the question, completed from stored data ------------------------------------
# A question may leave out what the store knows (docs/snapshot-format.md):
# the key policy, grants and key properties by key ARN, the caller's identity
# policies and boundary by principal ARN, SCPs and RCPs by account. What the
# question gives wins.

default snapshot := {}

snapshot := data.kmsguard.snapshot

question := object.union(stored, input) if is_object(input)

question := input if not is_object(input)

stored := {} if count(snapshot) == 0

stored := object.union_n([stored_key, stored_principal, stored_scps, stored_rcps]) if count(snapshot) > 0

stored_key := object.filter(snapshot.keys[input.resource], {"key_policy", "grants", "key"}) if {
	is_string(input.resource)
	snapshot.keys[input.resource]
} else := {}

stored_principal := object.filter(snapshot.principals[stored_principal_arn], {"identity_policies", "permissions_boundary"}) if {
	snapshot.principals[stored_principal_arn]
} else := {}

# The stored caller: a user or role ARN as given; for an assumed-role session
# its role, whose full ARN (with path) the snapshot's role index gives.
stored_caller := principal.parse(input.principal, object.get(input, "role_arn", stored_role_arn)) if is_string(input.principal)

stored_role_arn := snapshot.roles[concat(":", [parts[4], name])] if {
	is_string(input.principal)
	parts := split(input.principal, ":")
	count(parts) == 6
	[kind, name, _] := split(parts[5], "/")
	kind == "assumed-role"
} else := null

stored_principal_arn := stored_caller.role_arn if stored_caller.kind in {"role", "session"}

stored_principal_arn := stored_caller.arn if stored_caller.kind == "user"

stored_scps := {"scps": snapshot.accounts[stored_caller.account].scps} if {
	not stored_caller.kind in {"service"}
	snapshot.accounts[stored_caller.account].scps
} else := {}

stored_rcps := {"rcps": snapshot.accounts[parts[4]].rcps} if {
	is_string(input.resource)
	parts := split(input.resource, ":")
	count(parts) == 6
	snapshot.accounts[parts[4]].rcps
} else := {}
