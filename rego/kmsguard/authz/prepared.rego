package kmsguard.authz

import data.kmsguard.iam.policy

# ---- policy documents read once ---------------------------------------------------
# data.kmsguard.prepared holds, for every policy document of the snapshot, its
# normalised statements and validation messages, computed by `prepare` when
# the data is loaded (kmsguard's runner) or the bundle is built (`kmsguard
# bundle build --data`). An entry keeps the document it was read from and is
# used only for that very document: a question that brings its own policy,
# or data changed after preparing, falls back to reading the document, so the
# answer is the same with or without prepared entries.

default prepared := {}

prepared := data.kmsguard.prepared

# statements_of(v, p): the normalised statements of document v, taken from
# the prepared entry p (or null) when p was made from v.
statements_of(v, p) := p.statements if p.document == v

else := policy.statements(v)

# errors_of(path, v, kind, p): policy.errors(path, v, kind), taken from the
# prepared entry p (or null) when p was made from v. Prepared messages are
# made with an empty path: every message starts with its path.
errors_of(path, v, kind, p) := {concat("", [path, m]) | some m in p.errors} if p.document == v

else := policy.errors(path, v, kind)

# Entries come from two places: prepared.question, entries for the
# question's own documents by field (kmsguard's runner keeps them for
# documents that recur across questions, see prepare_question), and the
# entries of the stored document the question takes from the snapshot.
question_entries := object.get(prepared, "question", {})

default prepared_key_policy := null

prepared_key_policy := question_entries.key_policy if {
	count(prepared) > 0
	question_entries.key_policy
} else := object.get(prepared, ["keys", input.resource, "key_policy"], null) if {
	count(prepared) > 0
	is_string(input.resource)
}

default prepared_principal := {}

prepared_principal := object.get(prepared, ["principals", stored_principal_arn], {}) if count(prepared) > 0

prepared_identity_policy(i) := p if {
	p := question_entries.identity_policies[i]
	p != null
} else := p if {
	p := prepared_principal.identity_policies[i]
} else := null

default prepared_boundary := null

prepared_boundary := question_entries.permissions_boundary if {
	question_entries.permissions_boundary
} else := object.get(prepared_principal, "permissions_boundary", null)

prepared_session_policy := object.get(question_entries, "session_policy", null)

prepared_endpoint_policy := object.get(question_entries, "vpc_endpoint_policy", null)

default prepared_scps := []

prepared_scps := object.get(prepared, ["accounts", stored_caller.account, "scps"], []) if count(prepared) > 0

default prepared_rcps := []

prepared_rcps := object.get(prepared, ["accounts", parts[4], "rcps"], []) if {
	count(prepared) > 0
	is_string(input.resource)
	parts := split(input.resource, ":")
	count(parts) == 6
}

# prepared_level_policy(k, stored, l, i): the entry of document i of level l
# of the question's SCPs or RCPs (k), from the question's entries or the
# stored levels.
prepared_level_policy(k, stored, l, i) := p if {
	p := question_entries[k][l][i]
	p != null
} else := p if {
	p := stored[l][i]
} else := null

# ---- preparing --------------------------------------------------------------------

# METADATA
# title: Prepare
# description: |
#   The prepared entries (data.kmsguard.prepared) of every policy document
#   of the snapshot at data.kmsguard.snapshot: its key policies, identity
#   policies, permissions boundaries, SCPs and RCPs.
# entrypoint: true
prepare := {
	"keys": {arn: entries_of(object.filter(k, {"key_policy"})) |
		some arn, k in object.get(snapshot, "keys", {})
		is_object(k)
	},
	"principals": {arn: entries_of(object.filter(p, {"identity_policies", "permissions_boundary"})) |
		some arn, p in object.get(snapshot, "principals", {})
		is_object(p)
	},
	"accounts": {account: entries_of(object.filter(a, {"scps", "rcps"})) |
		some account, a in object.get(snapshot, "accounts", {})
		is_object(a)
	},
}

prepared_entry(v, kind) := {"document": v, "statements": policy.statements(v), "errors": policy.errors("", v, kind)}

# METADATA
# title: Prepare a question's documents
# description: |
#   The prepared entries of the policy documents a question (the input)
#   carries, by field and in the question's shape: an entry for key_policy,
#   permissions_boundary, session_policy and vpc_endpoint_policy, a list of
#   entries for identity_policies, lists of lists for scps and rcps. This is
#   what data.kmsguard.prepared.question holds; kmsguard's runner keeps
#   entries for documents that recur across questions.
# entrypoint: true
prepare_question := entries_of(input)

# entries_of(q): the prepared entries of the policy documents in q, an
# object with a question's policy fields, in the same shape.
entries_of(q) := object.union_n([
	{k: prepared_entry(q[k], kind) |
		some k, kind in {"key_policy": "resource", "permissions_boundary": "identity", "session_policy": "identity", "vpc_endpoint_policy": "resource"}
		k in object.keys(q)
	},
	{"identity_policies": [prepared_entry(d, "identity") | some d in q.identity_policies] | is_array(q.identity_policies)},
	{k: [[prepared_entry(d, kind) | some d in level] | some level in q[k]] |
		some k, kind in {"scps": "identity", "rcps": "resource"}
		list_of_lists(q[k])
	},
])
