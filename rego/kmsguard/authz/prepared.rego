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

default _prepared := {}

_prepared := data.kmsguard.prepared

# _statements_of(v, p): the normalised statements of document v, taken from
# the prepared entry p (or null) when p was made from v.
_statements_of(v, p) := p.statements if p.document == v

else := policy.statements(v)

# _errors_of(path, v, kind, p): policy.errors(path, v, kind), taken from the
# prepared entry p (or null) when p was made from v. Prepared messages are
# made with an empty path: every message starts with its path.
_errors_of(path, v, kind, p) := {concat("", [path, m]) | some m in p.errors} if p.document == v

else := policy.errors(path, v, kind)

# Entries come from two places: prepared.question, entries for the
# question's own documents by field (kmsguard's runner keeps them for
# documents that recur across questions, see prepare_question), and the
# entries of the stored document the question takes from the snapshot.
_question_entries := object.get(_prepared, "question", {})

default _prepared_key_policy := null

_prepared_key_policy := _question_entries.key_policy if {
	count(_prepared) > 0
	_question_entries.key_policy
} else := object.get(_prepared, ["keys", input.resource, "key_policy"], null) if {
	count(_prepared) > 0
	is_string(input.resource)
}

default _prepared_principal := {}

_prepared_principal := object.get(_prepared, ["principals", _stored_principal_arn], {}) if count(_prepared) > 0

_prepared_identity_policy(i) := p if {
	p := _question_entries.identity_policies[i]
	p != null
} else := p if {
	p := _prepared_principal.identity_policies[i]
} else := null

default _prepared_boundary := null

_prepared_boundary := _question_entries.permissions_boundary if {
	_question_entries.permissions_boundary
} else := object.get(_prepared_principal, "permissions_boundary", null)

_prepared_session_policy := object.get(_question_entries, "session_policy", null)

_prepared_endpoint_policy := object.get(_question_entries, "vpc_endpoint_policy", null)

default _prepared_scps := []

_prepared_scps := object.get(_prepared, ["accounts", _stored_caller.account, "scps"], []) if count(_prepared) > 0

default _prepared_rcps := []

_prepared_rcps := object.get(_prepared, ["accounts", parts[4], "rcps"], []) if {
	count(_prepared) > 0
	is_string(input.resource)
	parts := split(input.resource, ":")
	count(parts) == 6
}

# _prepared_level_policy(k, stored, l, i): the entry of document i of level l
# of the question's SCPs or RCPs (k), from the question's entries or the
# stored levels.
_prepared_level_policy(k, _stored, l, i) := p if {
	p := _question_entries[k][l][i]
	p != null
} else := p if {
	p := _stored[l][i]
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
	"keys": {arn: _entries_of(object.filter(k, {"key_policy"})) |
		some arn, k in object.get(_snapshot, "keys", {})
		is_object(k)
	},
	"principals": {arn: _entries_of(object.filter(p, {"identity_policies", "permissions_boundary"})) |
		some arn, p in object.get(_snapshot, "principals", {})
		is_object(p)
	},
	"accounts": {account: _entries_of(object.filter(a, {"scps", "rcps"})) |
		some account, a in object.get(_snapshot, "accounts", {})
		is_object(a)
	},
}

_prepared_entry(v, kind) := {"document": v, "statements": policy.statements(v), "errors": policy.errors("", v, kind)}

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
prepare_question := _entries_of(input)

# _entries_of(q): the prepared entries of the policy documents in q, an
# object with a question's policy fields, in the same shape.
_entries_of(q) := object.union_n([
	{k: _prepared_entry(q[k], kind) |
		some k, kind in {"key_policy": "resource", "permissions_boundary": "identity", "session_policy": "identity", "vpc_endpoint_policy": "resource"}
		k in object.keys(q)
	},
	{"identity_policies": [_prepared_entry(d, "identity") | some d in q.identity_policies] | is_array(q.identity_policies)},
	{k: [[_prepared_entry(d, kind) | some d in level] | some level in q[k]] |
		some k, kind in {"scps": "identity", "rcps": "resource"}
		_list_of_lists(q[k])
	},
])
