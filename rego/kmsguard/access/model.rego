# METADATA
# title: Access analysis
# description: |
#   Who can use a key, and which keys a principal can use, computed from the
#   snapshot at data.kmsguard.snapshot with the decision engine's own rules
#   (data.kmsguard.authz), but once per key and once per principal instead of
#   once per question: every statement is read once for the actions it
#   covers, and its conditions are split into those the snapshot decides
#   (about the principal and the key) and those only a request can decide
#   (kms:ViaService, encryption context, source IP, ...), which are reported.
#   Entry points: who_can, can_use and diff.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
package kmsguard.access

import data.kmsguard.authz
import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.pattern
import data.kmsguard.iam.policy
import data.kmsguard.iam.principal

default snapshot := {}

snapshot := data.kmsguard.snapshot

# key_actions: the catalogue entries of actions on a key (not account-level
# actions, which no key policy governs).
key_actions := {k: a |
	some k, a in catalog.actions
	a.scope in {"key", "alias", "grant"}
}

# The account and role standing for "anyone" (Principal "*") in an account
# the snapshot does not know.
anyone_account := "000000000000"

anyone_arn(partition) := sprintf("arn:%s:iam::%s:role/kmsguard-anyone", [partition, anyone_account])

# ---- statements, read once per document ---------------------------------------------

# statement_actions(s): the catalogue keys of the KMS actions s covers.
statement_actions(s) := pattern_actions(s.action) if s.action != null

statement_actions(s) := all_actions - pattern_actions(s.not_action) if s.not_action != null

all_actions := {k | some k, _ in catalog.actions}

# pattern_actions(set): the catalogue keys an Action element (as
# policy.statements reads it: exact names and one glob) covers, as
# authz._action_ok decides; the glob's share is computed once per pattern.
pattern_actions(set) := {k |
	some a in set.exact
	startswith(a, "kms:")
	k := substring(a, 4, -1)
	catalog.actions[k]
} | glob_actions(set.wild)

glob_actions(null) := set()

glob_actions(wild) := {k |
	kms_glob(wild)
	some k, _ in catalog.actions
	glob.match(wild, pattern.no_delimiters, concat("", ["kms:", k]))
} if wild != null

# A wildcard pattern can match a kms: action only when the text before its
# first wildcard is a prefix of "kms:".
kms_glob(wild) if regex.match(`[{,](kms:|kms[*?]|km[*?]|k[*?]|[*?])`, wild)

# kms_statements(doc): the statements of a document that cover some KMS
# action, each with "acts" (as policy.statements reads them). OPA's function
# cache computes each distinct statement once, however many keys' policies
# repeat it.
kms_statements(v) := [object.union(s, {"acts": acts}) |
	doc := policy.document(v)
	is_object(doc)
	vars := object.get(doc, "Version", "") == "2012-10-17"
	some i, raw in policy.raw_statements(doc)
	s := policy.normalize(i, raw, vars)
	acts := statement_actions(s)
	count(acts) > 0
]

# ---- the caller ---------------------------------------------------------------------

# caller_view(p): the parsed caller, the context keys derived from it, and its
# stored identity policies, boundary and SCPs, read as the decision engine
# reads them for a question from principal p (authz._caller,
# authz._derived_caller_keys, authz._stored_principal, authz._stored_scps), but
# without evaluating a whole question per principal. Undefined for a
# principal the engine cannot parse.
caller_view(p) := v if {
	c := principal.parse(p, session_role_arn(p))
	stored := stored_identity(c)
	v := {
		"principal": p,
		"caller": c,
		"service": c.kind == "service",
		"root": c.kind == "root",
		"keys": caller_keys(c),
		"known_identity": count(stored) > 0,
		"identity": [{"index": i, "s": s} |
			some i, doc in object.get(stored, "identity_policies", [])
			some s in kms_statements(doc)
		],
		"has_boundary": "permissions_boundary" in object.keys(stored),
		"boundary": kms_statements(object.get(stored, "permissions_boundary", {})),
	}
}

# session_role_arn: the role (with its path) of an assumed-role session, from
# the snapshot's role index; null otherwise.
session_role_arn(p) := object.get(object.get(snapshot, "roles", {}), concat(":", [parts[4], name]), null) if {
	parts := split(p, ":")
	count(parts) == 6
	[kind, name, _] := split(parts[5], "/")
	kind == "assumed-role"
} else := null

stored_identity(c) := object.filter(snapshot.principals[stored_arn(c)], {"identity_policies", "permissions_boundary"}) if {
	snapshot.principals[stored_arn(c)]
} else := {}

stored_arn(c) := c.role_arn if c.kind in {"role", "session"}

stored_arn(c) := c.arn if c.kind == "user"

stored_scps(c) := snapshot.accounts[c.account].scps if {
	c.kind != "service"
	snapshot.accounts[c.account].scps
} else := []

# caller_keys(c): authz._derived_caller_keys for caller c.
caller_keys(c) := {
	"aws:principalisawsservice": ["true"],
	"aws:principalservicename": [c.service],
} if c.kind == "service"

caller_keys(c) := object.union_n([
	{
		"aws:principalarn": [c.principal_arn],
		"aws:principalaccount": [c.account],
		"kms:calleraccount": [c.account],
		"aws:principaltype": [c.type],
		"aws:principalisawsservice": ["false"],
	},
	identity_keys(c),
	authz.org_keys("aws:principalorgid", c.account),
]) if c.kind != "service"

identity_keys(c) := {"aws:username": [c.name]} if c.kind == "user"

identity_keys(c) := {"aws:userid": [c.account]} if c.kind == "root"

identity_keys(c) := {} if not c.kind in {"user", "root"}

scp_levels(c, _) := [] if c.kind == "service"

scp_levels(c, _) := [] if c.service_linked

scp_levels(c, scps) := [[{"level": l, "index": i, "s": s} |
	some i, doc in level
	some s in kms_statements(doc)
] |
	c.kind != "service"
	not c.service_linked
	some l, level in scps
]

# The context keys the snapshot decides for a caller: derived from the
# principal (present or known to be absent). Everything else is up to the
# request.
caller_known_keys(v) := ({
	"aws:principalarn", "aws:principalaccount", "kms:calleraccount", "aws:principaltype",
	"aws:principalisawsservice", "aws:principalservicename", "aws:username",
} | {k | some k, _ in v.keys}) | org_known("aws:principalorgid", v.caller)

# org_known(k, c): {k} when the snapshot decides the organization key k for
# caller c: a service principal has none, and the snapshot records whether
# the account of another caller is in an organization.
org_known(k, c) := {k} if {
	c.kind != "service"
	authz.org_recorded(c.account)
} else := {k} if c.kind == "service"

else := set()

# ---- the key ------------------------------------------------------------------------

# key_view(arn): the key's policy statements (with the actions each covers),
# grants, properties and the context keys derived from it. Undefined for a
# key the snapshot does not hold.
key_view(arn) := v if {
	k := snapshot.keys[arn]
	parts := split(arn, ":")
	info := object.get(k, "key", {})
	ctx := key_keys(parts, info)
	v := {
		"arn": arn,
		"partition": parts[1],
		"account": parts[4],
		"region": parts[3],
		"root": sprintf("arn:%s:iam::%s:root", [parts[1], parts[4]]),
		"statements": kms_statements(object.get(k, "key_policy", {})),
		"grants": object.get(k, "grants", []),
		"customer_managed": object.get(info, "key_manager", "CUSTOMER") != "AWS",
		"ctx": ctx,
		"tags_known": is_object(object.get(info, "tags", null)),
		"aliases_known": is_array(object.get(info, "aliases", null)),
		"rcps": [[{"level": l, "index": i, "s": s} |
			some i, doc in level
			some s in kms_statements(doc)
		] |
			some l, level in object.get(object.get(object.get(snapshot, "accounts", {}), parts[4], {}), "rcps", [])
		],
		"alias_resource": sprintf("arn:%s:kms:%s:%s:alias/kmsguard-any-alias", [parts[1], parts[3], parts[4]]),
	}
}

# key_keys: authz._resource_keys and authz._key_property_keys for a key (its
# ARN split at ":") with properties info.
key_keys(parts, info) := object.union_n([
	{"aws:resourceaccount": [parts[4]], "aws:requestedregion": [parts[3]]},
	authz.org_keys("aws:resourceorgid", parts[4]),
	{ck: [condition.text(info[f])] |
		some f, ck in authz.key_field_keys
		info[f] != null
	},
	{concat("", ["aws:resourcetag/", lower(k)]): [condition.text(v)] | some k, v in object.get(info, "tags", {})},
	{"kms:resourcealiases": info.aliases | is_array(object.get(info, "aliases", null))},
])

# ---- one caller and one key ------------------------------------------------------------

# pair(cv, kv): the caller and the key together: the contexts, the keys the
# snapshot decides, the key-policy Allows that name the caller and the grants
# to it. The other statements (identity policies, boundary, denies,
# guardrails) are read by the functions below only for callers the key
# could give something (see reachable); OPA's function cache computes each
# once per pair.
pair(cv, kv) := {
	"cv": cv,
	"kv": kv,
	"service": cv.service,
	"root": cv.root,
	"cross": cross_account(cv, kv),
	"ctx": ctx,
	"kp_ctx": kp_ctx,
	"kp_known": kp_known,
	"id_known": id_known,
	"kp_allow": [object.union(e, {"kinds": kinds}) |
		some s in kv.statements
		s.effect == "Allow"
		kinds := allow_kinds(s, cv)
		count(kinds) > 0
		authz.resource_ok(s, kv.arn, kp_ctx)
		e := element(authz.reason("key_policy", s), s, kp_ctx, kp_known, true)
	],
	"grants": [g |
		some i, grant in kv.grants
		g := grant_view(i, grant, cv)
	],
} if {
	ctx := object.union(cv.keys, kv.ctx)
	kp_ctx := {k: v | some k, v in ctx; not catalog.iam_only(k)}
	known := ((caller_known_keys(cv) | {k | some k, _ in kv.ctx}) | {"aws:resourceaccount", "aws:requestedregion"}) | {"aws:resourceorgid" | authz.org_recorded(kv.account)}
	kp_known := known | {"kms:resourcealiases"}
	id_known := known | {"kms:resourcealiases" | kv.aliases_known}
}

# Statements of each policy that apply to the caller on this key, as path
# elements (see element).
kp_deny(pv) := [element(authz.reason("key_policy", s), s, pv.kp_ctx, pv.kp_known, true) |
	some s in pv.kv.statements
	s.effect == "Deny"
	denial_names(s, pv.cv)
	authz.resource_ok(s, pv.kv.arn, pv.kp_ctx)
]

# where: "key" (the key), "alias" (every alias of its account and Region),
# "any" ("*").
resource_of(pv, "key") := pv.kv.arn

resource_of(pv, "alias") := pv.kv.alias_resource

resource_of(_, "any") := "*"

id_allow(pv, where) := [identity_element(pv, authz.indexed_reason("identity_policy", x.index, x.s), x.s) |
	r := resource_of(pv, where)
	some x in pv.cv.identity
	x.s.effect == "Allow"
	authz.resource_ok(x.s, r, pv.ctx)
]

id_deny(pv) := [identity_element(pv, authz.indexed_reason("identity_policy", x.index, x.s), x.s) |
	some x in pv.cv.identity
	x.s.effect == "Deny"
	authz.resource_ok(x.s, pv.kv.arn, pv.ctx)
]

b_allow(pv, where) := [identity_element(pv, authz.reason("permissions_boundary", s), s) |
	r := resource_of(pv, where)
	some s in pv.cv.boundary
	s.effect == "Allow"
	authz.resource_ok(s, r, pv.ctx)
]

b_deny(pv) := [identity_element(pv, authz.reason("permissions_boundary", s), s) |
	some s in pv.cv.boundary
	s.effect == "Deny"
	authz.resource_ok(s, pv.kv.arn, pv.ctx)
]

scp_allow(pv) := [[identity_element(pv, authz.levelled_reason("scp", x.level, x.index, x.s), x.s) |
	some x in level
	x.s.effect == "Allow"
	authz.resource_ok(x.s, pv.kv.arn, pv.ctx)
] |
	some level in scp_levels(pv.cv.caller, stored_scps(pv.cv.caller))
]

scp_deny(pv) := [identity_element(pv, authz.levelled_reason("scp", x.level, x.index, x.s), x.s) |
	some level in scp_levels(pv.cv.caller, stored_scps(pv.cv.caller))
	some x in level
	x.s.effect == "Deny"
	authz.resource_ok(x.s, pv.kv.arn, pv.ctx)
]

rcp_deny(pv) := [identity_element(pv, authz.levelled_reason("rcp", x.level, x.index, x.s), x.s) |
	pv.kv.customer_managed
	some level in pv.kv.rcps
	some x in level
	x.s.effect == "Deny"
	rcp_names(x.s, pv.cv)
	authz.resource_ok(x.s, pv.kv.arn, pv.ctx)
]

identity_element(pv, reason, s) := element(reason, s, pv.ctx, pv.id_known, pv.kv.tags_known)

cross_account(cv, _) := false if cv.service

cross_account(cv, kv) := cv.caller.account != kv.account if not cv.service

# element(reason, s, ctx, known, tags_known): a statement that applies to
# the caller as far as the snapshot can tell: its reason, the actions it
# covers, and its open conditions. Undefined when a condition the snapshot
# decides fails.
element(reason, s, ctx, known, tags_known) := {
	"reason": reason,
	"acts": s.acts,
	"conditions": open,
	"statement": s,
	"context": ctx,
} if open := open_conditions(s.condition, ctx, s.vars, known, tags_known)

# How a resource-policy Allow names the caller (authz._allow_kinds for a
# given caller).
allow_kinds(s, cv) := principal.kinds(s.principal, principal.identity_map(cv.caller), cv.service) if s.principal != null

allow_kinds(s, cv) := {"any"} if {
	s.not_principal != null
	not principal.exempt_from_allow(s.not_principal, cv.caller)
}

allow_kinds(s, cv) := set() if {
	s.not_principal != null
	principal.exempt_from_allow(s.not_principal, cv.caller)
}

# denial_names(s, cv): a resource-policy Deny covers the caller
# (authz._denial_names_caller for a given caller).
denial_names(s, cv) if {
	s.principal != null
	count(principal.kinds(s.principal, principal.identity_map(cv.caller), cv.service)) > 0
}

denial_names(s, cv) if {
	s.not_principal != null
	cv.has_boundary
}

denial_names(s, cv) if {
	s.not_principal != null
	not principal.exempt_from_deny(s.not_principal, cv.caller)
}

rcp_names(s, cv) if denial_names(s, cv)

# ---- grants ----------------------------------------------------------------------------

grant_view(i, g, cv) := {
	"index": i,
	"grant": g,
	"kind": kind,
	"ops": {lower(op) | some op in g.operations},
	"reason": authz.grant_reason(i, g),
} if kind := grantee_kind(g, cv)

# grantee_kind is authz._grantee_kind for a given caller.
grantee_kind(g, cv) := "self" if g.grantee_principal == cv.caller.arn

grantee_kind(g, cv) := "self" if {
	cv.service
	lower(object.get(g, "grantee_principal", "")) == cv.caller.service
}

grantee_kind(g, cv) := "self" if {
	cv.service
	lower(object.get(g, "grantee_service_principal", "")) == cv.caller.service
}

grantee_kind(g, cv) := "role" if {
	cv.caller.kind == "session"
	g.grantee_principal == cv.caller.role_arn
}

grantee_kind(g, cv) := "self" if {
	cv.caller.kind == "role"
	g.grantee_principal == cv.caller.role_arn
}

grantee_kind(g, cv) := "account" if {
	not cv.service
	not cv.root
	g.grantee_principal in {cv.caller.account, sprintf("arn:%s:iam::%s:root", [cv.caller.partition, cv.caller.account])}
}

# grant_element(gv, a): the grant as a path element for action a, with its
# constraints as conditions.
grant_element(gv, a) := {
	"reason": gv.reason,
	"conditions": array.concat(ec_constraints(gv.grant, a), child_constraint(gv.grant, a)),
}

ec_constraints(_, a) := [] if not catalog.actions[a].encryption_context

ec_constraints(g, a) := [c |
	catalog.actions[a].encryption_context
	some field in ["encryption_context_equals", "encryption_context_subset"]
	pairs := object.get(object.get(g, "constraints", {}), field, null)
	pairs != null
	c := {"operator": constraint_operator[field], "key": "kms:EncryptionContext", "values": pairs, "source": "grant"}
]

constraint_operator := {
	"encryption_context_equals": "GrantConstraint:EncryptionContextEquals",
	"encryption_context_subset": "GrantConstraint:EncryptionContextSubset",
}

child_constraint(_, a) := [] if a != "creategrant"

child_constraint(g, "creategrant") := [{
	"operator": "ForAllValues:StringEqualsIgnoreCase",
	"key": "kms:GrantOperations",
	"values": g.operations,
	"source": "grant",
}]

# ---- paths to an allow -------------------------------------------------------------------
# A path is a list of elements that must all apply; an action is allowed
# when some path applies and no deny does.

direct_kind(kinds, _) if "self" in kinds

direct_kind(kinds, true) if "any" in kinds

role_kind(kinds, _) if "role" in kinds

role_kind(kinds, false) if "any" in kinds

account_kind(kinds, _) if "account" in kinds

account_kind(kinds, false) if "any" in kinds

# limits(pv, a, where): the boundary's share of a path ([[]] without a
# boundary).
limits(pv, _, _) := [[]] if not pv.cv.has_boundary

limits(pv, a, where) := [[b] |
	some b in b_allow(pv, where)
	a in b.acts
] if pv.cv.has_boundary

# identity_paths(pv, a, where): the caller's own account allowing action a
# on the key ("key"), on every alias ("alias") or on "*" ("any").
identity_paths(pv, _, _) := [[]] if pv.root

identity_paths(pv, _, _) := [] if pv.service

identity_paths(pv, a, where) := [[requirement(pv, a, where)]] if {
	not pv.root
	not pv.service
	not pv.cv.known_identity
}

identity_paths(pv, a, where) := [array.concat([i], l) |
	some i in id_allow(pv, where)
	a in i.acts
	some l in limits(pv, a, where)
] if {
	not pv.root
	not pv.service
	pv.cv.known_identity
}

requirement(pv, a, where) := {
	"requires": "identity_policy",
	"conditions": [],
	"text": sprintf("an identity policy of %s must allow %s", [pv.cv.principal, requirement_text(a, where)]),
}

requirement_text(_, "key") := "the action on the key"

requirement_text(_, "alias") := "the action on every alias of the key's account and Region"

requirement_text(a, "any") := sprintf("kms:%s", [catalog.actions[a].name])

key_paths(pv, a) := array.concat(array.concat(direct, role), array.concat(account, cross)) if {
	kp := [e | some e in pv.kp_allow; a in e.acts]
	direct := [[e] | some e in kp; direct_kind(e.kinds, pv.service)]
	role := [array.concat([e], l) |
		not pv.cross
		some e in kp
		not direct_kind(e.kinds, pv.service)
		role_kind(e.kinds, pv.service)
		some l in limits(pv, a, "key")
	]
	account := [array.concat([e], ip) |
		not pv.cross
		some e in kp
		account_kind(e.kinds, pv.service)
		some ip in identity_paths(pv, a, "key")
	]
	cross := [array.concat([e], ip) |
		pv.cross
		catalog.actions[a].cross_account
		some e in kp
		some ip in identity_paths(pv, a, "key")
	]
}

grant_paths(pv, a) := [array.concat([grant_element(gv, a)], rest) |
	catalog.actions[a].grant_operation
	a != "retiregrant"
	some gv in pv.grants
	a in gv.ops
	some rest in grant_rest(pv, gv.kind, a)
]

grant_rest(_, "self", _) := [[]]

grant_rest(pv, "role", a) := limits(pv, a, "key")

grant_rest(pv, "account", a) := identity_paths(pv, a, "key")

# RetireGrant: the grant's retiring principal, its grantee when the grant
# includes RetireGrant, or the key's account through IAM.
retire_paths(pv) := [p |
	some gv in pv.grants
	gv.kind in {"self", "role"}
	"retiregrant" in gv.ops
	p := [{"reason": gv.reason, "conditions": []}]
]

retiring_paths(pv) := [[{"reason": authz.grant_reason(i, g), "conditions": []}] |
	some i, g in pv.kv.grants
	retiring_matches(object.get(g, "retiring_principal", null), pv.cv)
]

retiring_matches(r, cv) if {
	not cv.service
	r in ({object.get(cv.caller, "arn", null), object.get(cv.caller, "role_arn", null)} - {null})
}

retiring_matches(r, cv) if {
	cv.service
	lower(r) == cv.caller.service
}

account_retire_paths(pv) := [array.concat([{"reason": authz.grant_reason(i, g), "conditions": []}], ip) |
	not pv.cross
	not pv.service
	some i, g in pv.kv.grants
	some ip in identity_paths(pv, "retiregrant", "key")
]

# base_paths: the key's side and the grants, before the further permissions
# some actions need.
base_paths(pv, "retiregrant") := array.concat(array.concat(retiring_paths(pv), retire_paths(pv)), account_retire_paths(pv))

base_paths(pv, a) := array.concat(key_paths(pv, a), grant_paths(pv, a)) if a != "retiregrant"

# Alias operations also need an identity allow on every alias; ReplicateKey
# needs kms:CreateKey.
extra_paths(pv, a) := identity_paths(pv, a, "alias") if catalog.actions[a].scope == "alias"

extra_paths(pv, "replicatekey") := identity_paths(pv, "createkey", "any")

extra_paths(_, a) := [[]] if {
	catalog.actions[a].scope != "alias"
	a != "replicatekey"
}

# scp_paths: each SCP level must allow the action. A level with an
# unconditional allow adds nothing; otherwise its first conditional allow
# is added (one way through, enough to show what it takes).
scp_paths(pv, a) := [] if {
	some level in scp_allow(pv)
	count([e | some e in level; a in e.acts]) == 0
}

scp_paths(pv, a) := [[e |
	some level in scp_allow(pv)
	allows := [x | some x in level; a in x.acts]
	count([x | some x in allows; count(x.conditions) == 0]) == 0
	e := allows[0]
]] if {
	every level in scp_allow(pv) {
		some x in level
		a in x.acts
	}
}

# reachable(pv): the actions some path could allow (a quick superset, so
# that a caller the key gives nothing costs no per-action work).
reachable(pv) := ((direct | delegated) | grants) | retire if {
	direct := {a |
		some e in pv.kp_allow
		own_kind(e.kinds, pv)
		some a in e.acts
	}
	delegated := {a |
		some a in identity_reach(pv)
		some e in pv.kp_allow
		delegating_kind(e.kinds, pv)
		a in e.acts
	}
	grants := {a |
		some gv in pv.grants
		some a in gv.ops
		gv.kind in {"self", "role"}
	} | ({a |
		some gv in pv.grants
		gv.kind == "account"
		some a in gv.ops
	} & identity_reach(pv))
	retire := {"retiregrant" | may_retire_some(pv)}
}

may_retire_some(pv) if count(retiring_paths(pv)) > 0

may_retire_some(pv) if count(retire_paths(pv)) > 0

may_retire_some(pv) if {
	count(pv.kv.grants) > 0
	not pv.cross
	"retiregrant" in identity_reach(pv)
}

own_kind(kinds, pv) if direct_kind(kinds, pv.service)

own_kind(kinds, pv) if {
	not pv.cross
	role_kind(kinds, pv.service)
}

delegating_kind(kinds, pv) if {
	not pv.cross
	account_kind(kinds, pv.service)
}

delegating_kind(kinds, pv) if {
	pv.cross
	count(kinds) > 0
}

all_key_actions := {a | some a, _ in key_actions}

identity_reach(pv) := all_key_actions if pv.root

identity_reach(pv) := set() if pv.service

identity_reach(pv) := all_key_actions if {
	not pv.root
	not pv.service
	not pv.cv.known_identity
}

identity_reach(pv) := {a |
	some i in id_allow(pv, "key")
	some a in i.acts
} if {
	not pv.root
	not pv.service
	pv.cv.known_identity
}

# pair_props(pv, a): what the decision engine's treatment of action a
# depends on for this caller and key, besides the statements and grants that
# cover it. Actions with the same props, covered by the same statements and
# grants, get the same answer (see accesses).
pair_props(pv, a) := [
	act.scope, special_action(a), a in object.keys(catalog.request_defaults),
	cross_prop(pv, act), grant_props(pv, act),
] if act := catalog.actions[a]

cross_prop(pv, act) := act.cross_account if pv.cross

cross_prop(pv, _) := null if not pv.cross

grant_props(pv, act) := [act.grant_operation, act.encryption_context] if count(pv.grants) > 0

grant_props(pv, _) := null if count(pv.grants) == 0

special_action(a) := a if a in {"retiregrant", "replicatekey", "creategrant"}

special_action(a) := "" if not a in {"retiregrant", "replicatekey", "creategrant"}

# element_lists(pv): the non-empty lists of statements that can apply to the
# caller on this key.
element_lists(pv) := [list |
	some list in array.concat(
		[
			pv.kp_allow, id_allow(pv, "key"), id_allow(pv, "alias"), b_allow(pv, "key"), b_allow(pv, "alias"),
			kp_deny(pv), id_deny(pv), b_deny(pv), scp_deny(pv), rcp_deny(pv),
		],
		scp_allow(pv),
	)
	count(list) > 0
]

special_action(a) := a if a in {"retiregrant", "replicatekey", "creategrant"}

special_action(a) := "" if not a in {"retiregrant", "replicatekey", "creategrant"}

covering(elements, a) := [i | some i, e in elements; a in e.acts]

# paths(pv, a): every way the action may be allowed.
paths(pv, a) := [path |
	some p in base_paths(pv, a)
	some x in extra_paths(pv, a)
	some s in scp_paths(pv, a)
	path := array.concat(array.concat(p, x), s)
	not never_holds(path, a)
]

# never_holds(path, a): a condition of the path tests a kms:* key that
# requests for action a never carry (catalog), and fails when it is absent,
# so the path can never allow a (KMS condition keys per action, Service
# Authorization Reference).
never_holds(path, a) if {
	some e in path
	some c in e.conditions
	k := lower(c.key)
	startswith(k, "kms:")
	condition.parse_op(c.operator)
	not catalog.carries(catalog.actions[a], k)
	not condition.test(c.operator, c.key, c.values, {}, false)
}

# denies(pv, a): the Deny statements that apply to the caller for action a
# as far as the snapshot can tell.
denies(pv, a) := [d |
	some list in [kp_deny(pv), id_deny(pv), b_deny(pv), scp_deny(pv), rcp_denies(pv, a)]
	some d in list
	a in d.acts
]

rcp_denies(pv, a) := rcp_deny(pv) if a != "retiregrant"

rcp_denies(_, "retiregrant") := []

unconditional(path) if {
	every e in path {
		count(e.conditions) == 0
		not e.requires
	}
}

path_conditions(path) := count([c | some e in path; some c in e.conditions]) + count([1 | some e in path; e.requires])

# applies_without_context(d, a): a conditional Deny that applies to a
# request carrying no context at all (for example StringNotEquals on an
# absent key).
applies_without_context(d, a) if {
	ctx := object.union(d.context, object.get(catalog.request_defaults, a, {}))
	authz.conditions_ok(d.statement, ctx)
}

# access(pv, a): the caller's access to action a, or undefined when it has
# none.
access(pv, a) := result if {
	ps := paths(pv, a)
	count(ps) > 0
	ds := denies(pv, a)
	not some_unconditional(ds)
	open_denies := [d | some d in ds; count(d.conditions) > 0]
	free := [p | some p in ps; unconditional(p)]
	level := access_level(free, open_denies, a)
	shown := shown_paths(free, ps, level)
	result := object.union(
		{
			"access": level,
			"paths": [render_path(p) | some p in shown],
			"unless": [render_element(d) | some d in open_denies],
		},
		example_field(level, ps, open_denies, a),
	)
}

some_unconditional(ds) if {
	some d in ds
	count(d.conditions) == 0
}

access_level(free, open_denies, a) := "allowed" if {
	count(free) > 0
	every d in open_denies {
		not applies_without_context(d, a)
	}
} else := "conditional"

shown_paths(free, _, "allowed") := free

shown_paths(_, ps, "conditional") := ps

render_path(path) := [render_element(e) | some e in path]

render_element(e) := {"requires": e.requires, "text": e.text} if e.requires

render_element(e) := {"reason": e.reason, "conditions": [describe(c) | some c in e.conditions]} if not e.requires

example_field("allowed", _, _, _) := {}

example_field("conditional", ps, open_denies, a) := {"example_context": example_context(best_path(ps), open_denies, a)}

# best_path: a path with the fewest conditions.
best_path(ps) := p if {
	least := min([path_conditions(x) | some x in ps])
	p := [x | some x in ps; path_conditions(x) == least][0]
}

# ---- candidates ------------------------------------------------------------------------

# named_principals(kv): every principal a key's policy or grants name, as
# the decision engine reads principals (account ids as root ARNs).
named_principals(kv) := {p |
	some s in kv.statements
	s.principal != null
	some v in array.concat(s.principal.aws, s.principal.service)
	not v in {"*", ""}
	p := principal_string(v, kv.partition)
} | {p |
	some g in kv.grants
	some f in ["grantee_principal", "grantee_service_principal", "retiring_principal"]
	v := object.get(g, f, null)
	is_string(v)
	p := principal_string(v, kv.partition)
}

principal_string(v, partition) := sprintf("arn:%s:iam::%s:root", [partition, v]) if regex.match(`^[0-9]{12}$`, v)

principal_string(v, _) := v if not regex.match(`^[0-9]{12}$`, v)

# names_anyone(kv): some Allow of the key policy covers every principal.
names_anyone(kv) if {
	some s in kv.statements
	s.effect == "Allow"
	s.principal != null
	s.principal.any
}

names_anyone(kv) if {
	some s in kv.statements
	s.effect == "Allow"
	s.not_principal != null
}

# candidates(kv, extra): the principals to analyse for a key.
candidates(kv, extra) := (({p | some p, _ in object.get(snapshot, "principals", {})} | named_principals(kv)) | {kv.root}) | {p | some p in extra}
