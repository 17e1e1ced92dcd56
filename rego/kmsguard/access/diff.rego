package kmsguard.access

# ---- comparing two snapshots ---------------------------------------------------------------

# flat_access(names): every (key, principal, action) of the snapshot in
# data.kmsguard.snapshot that has access, with its level and what it takes;
# names gives, by key ARN, further principals to analyse (those the other
# snapshot names).
flat_access(names) := {[arn, r.principal, action]: {"access": g.access, "terms": terms(g)} |
	some arn, _ in object.get(snapshot, "keys", {})
	kv := key_view(arn)
	some r in key_rows(kv, object.get(names, arn, []))
	some g in r.access
	some action in g.actions
}

key_names := {arn: [p | some p in named_principals(key_view(arn))] | some arn, _ in object.get(snapshot, "keys", {})}

# terms(g): what a request must meet, independent of statement positions:
# per path the sorted condition and requirement texts, and the texts of the
# conditional denies.
terms(g) := {
	"paths": sort({sort([t | some e in p; some t in element_texts(e)]) | some p in g.paths}),
	"unless": sort({sort([c.text | some c in d.conditions]) | some d in g.unless}),
}

element_texts(e) := [e.text] if e.requires

element_texts(e) := [c.text | some c in e.conditions] if not e.requires

level_rank := {"denied": 0, "conditional": 1, "allowed": 2}

# METADATA
# title: Access diff
# description: |
#   Input {"old": SNAPSHOT, "new": SNAPSHOT, "principals"?: [...]}: the access
#   (key x principal x action) the new snapshot adds, removes or changes
#   (same level, different conditions) against the old one.
# entrypoint: true
diff := {
	"added": [change(id, old, new) |
		some id, new in new_access
		old := lookup(old_access, id)
		level_rank[new.access] > level_rank[old.access]
	],
	"removed": [change(id, old, new) |
		some id, old in old_access
		new := lookup(new_access, id)
		level_rank[new.access] < level_rank[old.access]
	],
	"changed": [change(id, old, new) |
		some id, new in new_access
		old := old_access[id]
		new.access == old.access
		new.terms != old.terms
	],
}

# lookup: object.get would read an array key as a path.
lookup(m, id) := m[id]

lookup(m, id) := denied if not m[id]

denied := {"access": "denied", "terms": {"paths": [], "unless": []}}

change([key, p, action], old, new) := {
	"key": key,
	"principal": p,
	"action": action,
	"old": old,
	"new": new,
}

old_names := names if {
	names := key_names with data.kmsguard.snapshot as input.old
}

new_names := names if {
	names := key_names with data.kmsguard.snapshot as input.new
}

# Principals to analyse for each key: those either snapshot names for it,
# and those the input lists.
both_names := {arn: array.concat(array.concat(object.get(old_names, arn, []), object.get(new_names, arn, [])), object.get(input, "principals", [])) |
	some arn in ({a | some a, _ in old_names} | {a | some a, _ in new_names})
}

old_access := access if {
	access := flat_access(both_names) with data.kmsguard.snapshot as input.old
}

new_access := access if {
	access := flat_access(both_names) with data.kmsguard.snapshot as input.new
}
