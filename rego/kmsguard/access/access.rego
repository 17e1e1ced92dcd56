package kmsguard.access

import data.kmsguard.catalog

# ---- what was asked ---------------------------------------------------------------------

default asked_actions := set()

asked_actions := {k | some k, _ in key_actions} if not "action" in object.keys(input)

asked_actions := {k} if {
	k := lower(trim_prefix(lower(input.action), "kms:"))
	key_actions[k]
}

asked_names := sort([sprintf("kms:%s", [catalog.actions[a].name]) | some a in asked_actions])

input_errors contains sprintf("action: %v is not a KMS action on a key (for example kms:Decrypt)", [input.action]) if {
	"action" in object.keys(input)
	count(asked_actions) == 0
}

input_errors contains sprintf("action: kms:%s is an account-level action: no key policy governs it", [catalog.actions[k].name]) if {
	is_string(input.action)
	k := lower(trim_prefix(lower(input.action), "kms:"))
	catalog.actions[k]
	not key_actions[k]
}

# ---- rows -----------------------------------------------------------------------------

principal_type(c) := "account" if c.kind == "root"

principal_type(c) := c.kind if c.kind != "root"

# accesses(pv): the caller's access to each asked action, actions with the
# same access grouped. Actions that the same statements and grants cover, and
# that the decision engine treats alike (action_signature), get the same
# answer: it is computed once, for the first of them.
accesses(pv) := group([object.union(e, {"actions": names}) |
	lists := element_lists(pv)
	used := {k |
		some list in lists
		some x in list
		some c in object.get(x, "conditions", [])
		k := lower(c.key)
		startswith(k, "kms:")
	}
	sigs := {a: json.marshal([
		pair_props(pv, a),
		[i | some i, gv in pv.grants; a in gv.ops],
		[[i | some i, x in list; a in x.acts] | some list in lists],
		# kms:* keys the conditions test that requests for a never carry
		sort([k | some k in used; not catalog.carries(catalog.actions[a], k)]),
	]) |
		some a in (asked_actions & reachable(pv))
	}
	some sig in {x | some _, x in sigs}
	same := sort([a | some a, x in sigs; x == sig])
	e := access(pv, same[0])
	names := [sprintf("kms:%s", [catalog.actions[a].name]) | some a in same]
])

# group merges the groups whose answers are equal.
group(entries) := [object.union(answer, {"actions": sort([a |
	some e in entries
	object.remove(e, ["actions"]) == answer
	some a in e.actions
])}) |
	some answer in {object.remove(e, ["actions"]) | some e in entries}
]

# row(p, kv): what principal p can do with the key, or undefined when it
# can do nothing.
row(p, kv) := {
	"principal": p,
	"type": principal_type(cv.caller),
	"external": cross_account(cv, kv),
	"in_snapshot": cv.known_identity,
	"access": list,
} if {
	cv := caller_view(p)
	list := accesses(pair(cv, kv))
	count(list) > 0
}

# may_have_access(p, named, open): a quick test that lets through every
# principal who-can could list: any principal outside the snapshot's IAM
# data, any the key names, any when the key policy lets in everyone, and any
# whose identity policies allow some KMS action. A snapshot user or role
# with none of these has nothing to delegate to and is named by nothing.
may_have_access(p, _, _) if not snapshot.principals[p]

may_have_access(p, named, _) if p in named

may_have_access(_, _, true)

may_have_access(p, _, _) if {
	some doc in object.get(snapshot.principals[p], "identity_policies", [])
	some s in kms_statements(doc)
	s.effect == "Allow"
}

open_key(kv) if names_anyone(kv)

else := false

# anyone_row(kv): what "*" (a principal of an account the snapshot does not
# know) can do with the key.
anyone_row(kv) := {
	"principal": "*",
	"type": "anyone",
	"external": true,
	"in_snapshot": false,
	"evaluated_as": arn,
	"access": list,
} if {
	arn := anyone_arn(kv.partition)
	list := accesses(pair(caller_view(arn), kv))
	count(list) > 0
}

key_rows(kv, extra) := array.concat(
	[r |
		named := named_principals(kv)
		open := open_key(kv)
		some p in candidates(kv, extra)
		may_have_access(p, named, open)
		r := row(p, kv)
	],
	[r | r := anyone_row(kv)],
)

unparsed(kv, extra) := sort([p |
	some p in candidates(kv, extra)
	not caller_view(p)
])

# ---- entry points -------------------------------------------------------------------------

who_can_errors contains "key: missing (a key ARN of the snapshot)" if not is_string(input.key)

who_can_errors contains sprintf("key: %s is not in the snapshot", [input.key]) if {
	is_string(input.key)
	not snapshot.keys[input.key]
}

who_can_errors contains msg if some msg in input_errors

# METADATA
# title: Who can use a key
# description: |
#   Input {"key": ARN, "action"?: "kms:Decrypt", "principals"?: [...]}: every
#   principal that can call each KMS action on the key (the snapshot's
#   users and roles, the principals the key policy and grants name, the
#   key's account, and "*" for anyone else), with the statements and grants
#   that allow it and the conditions a request must still meet. "access" is
#   "allowed" (a request with no context is allowed) or "conditional".
# entrypoint: true
who_can := {"errors": sort(who_can_errors)} if {
	count(who_can_errors) > 0
} else := {
	"key": input.key,
	"actions": asked_names,
	"principals": key_rows(kv, object.get(input, "principals", [])),
	"unparsed_principals": unparsed(kv, object.get(input, "principals", [])),
} if {
	kv := key_view(input.key)
}

can_use_errors contains "principal: missing (an IAM or STS ARN, an account id or a service principal)" if not is_string(input.principal)

can_use_errors contains sprintf("principal: %q is not a principal kmsguard can evaluate", [input.principal]) if {
	is_string(input.principal)
	not caller_view(input.principal)
}

can_use_errors contains msg if some msg in input_errors

# METADATA
# title: What a principal can use
# description: |
#   Input {"principal": ARN, "action"?: "kms:Decrypt"}: every key of the
#   snapshot the principal can use, with the actions, the statements and
#   grants that allow them and the conditions a request must still meet.
# entrypoint: true
can_use := {"errors": sort(can_use_errors)} if {
	count(can_use_errors) > 0
} else := {
	"principal": input.principal,
	"actions": asked_names,
	"type": principal_type(cv.caller),
	"in_snapshot": cv.known_identity,
	"keys": [{"key": arn, "external": cross_account(cv, kv), "access": list} |
		some arn, _ in object.get(snapshot, "keys", {})
		kv := key_view(arn)
		list := accesses(pair(cv, kv))
		count(list) > 0
	],
} if {
	cv := caller_view(input.principal)
}
