package kmsguard.lint.facts

import data.kmsguard.iam.pattern
import data.kmsguard.iam.policy
import data.kmsguard.iam.principal

# ---- per-statement facts (computed once per document) ------------------------------

# at[i]: what the rules need to know about statement i.
at[i] := f if {
	some s in statements
	i := s.index
	f := _statement_facts(s, raw_statements[i])
}

_statement_facts(s, raw) := {
	"index": s.index,
	"effect": s.effect,
	"actions": acts,
	"patterns": patterns,
	"full_access": count(key_actions - acts) == 0,
	"not_action": s.not_action != null,
	"any": _principal_any(s),
	"aws": {classify(v) | some v in principal_values(raw, "Principal", "AWS")},
	"services": {lower(v) | some v in principal_values(raw, "Principal", "Service")},
	"not_principal": "NotPrincipal" in object.keys(raw),
	"resource": s.resource,
	"not_resource": s.not_resource,
	"conditions": _parsed_conditions(s.condition),
	"condition": s.condition,
} if {
	patterns := _action_patterns(s)
	acts := _statement_actions(s)
}

# _action_patterns(s): every lower-cased Action pattern of s (kmsguard.iam.policy
# keeps them all in "exact"; "wild" is only its matching shortcut).
_action_patterns(s) := [p | some p in s.action.exact] if s.action != null

_action_patterns(s) := [] if s.action == null

_statement_actions(s) := covered(_action_patterns(s)) if s.action != null

_statement_actions(s) := all_actions - covered(_not_action_patterns(s)) if {
	s.action == null
	s.not_action != null
}

_statement_actions(s) := set() if {
	s.action == null
	s.not_action == null
}

_not_action_patterns(s) := [p | some p in s.not_action.exact]

_principal_any(s) if s.principal.any == true

else := false

principal_values(raw, k, t) := [v | some v in as_list(raw[k][t]); is_string(v)] if {
	is_object(raw[k])
} else := []

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

# statement sets used by several rules
allows contains i if at[i].effect == "Allow"

denies contains i if at[i].effect == "Deny"

# live_allows: Allow statements none of whose conditions is known never to
# hold (the others grant nothing; KMS031 reports them).
live_allows contains i if {
	some i in allows
	not never[i]
}

# ---- principals --------------------------------------------------------------------------

# classify(v): an AWS principal value classified: kind (any, root, user, role,
# session, federated, group, invalid), account, key (the value with a bare
# account id written as the root ARN), value.
classify("*") := {"kind": "any", "value": "*", "key": "*"}

classify(v) := object.union(c, {"value": v, "key": principal_key(v)}) if {
	v != "*"
	p := _principal_parse(v)
	c := {"kind": p.kind, "account": p.account, "service_linked": p.service_linked}
}

# A value only known at deployment (a CloudFormation parameter in the
# account field): kind "unresolved"; account_like when it stands for an
# account principal.
classify(v) := {"kind": "unresolved", "value": v, "key": v, "account_like": _unresolved_account(v)} if {
	v != "*"
	not _principal_parse(v)
	unresolved(v)
}

classify(v) := {"kind": _invalid_kind(v), "value": v, "key": v} if {
	v != "*"
	not _principal_parse(v)
	not unresolved(v)
}

# unresolved(v): v holds a value kmsguard could not see: the token that
# replaces a CloudFormation parameter, import or attribute before
# deployment (parse.UnresolvedPrefix, docs/check.md). No finding may come
# from such a value.
unresolved(v) if contains(v, "kmsguard-unresolved-")

_unresolved_account(v) if endswith(v, ":root")

_unresolved_account(v) if not contains(v, ":")

default _unresolved_account(_) := false

_principal_parse(v) := principal.parse(v, null)

_invalid_kind(v) := "group" if regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:group/`, v)

_invalid_kind(v) := "invalid" if not regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:group/`, v)

# principal_key: account ids become root ARNs so that both spellings group.
principal_key(v) := sprintf("arn:aws:iam::%s:root", [v]) if regex.match(`^[0-9]{12}$`, v)

principal_key(v) := v if not regex.match(`^[0-9]{12}$`, v)

# home(e): the entry is the account principal of the key's account (of any
# account when the key's account is unknown): the delegation to IAM.
home(e) if {
	e.kind == "root"
	not account_known
}

home(e) if {
	e.kind == "root"
	e.account == account
}

# An account principal only known at deployment is taken to be the
# template's own account (docs/check.md): no finding comes from it.
home(e) if unresolved_account_principal(e)

external(e) if {
	account_known
	e.kind in {"root", "user", "role", "session", "federated"}
	e.account != account
}

# ---- structure ------------------------------------------------------------------------------

# structure_errors: what AWS would reject (kmsguard.iam.policy.errors).
structure_errors := policy.errors("policy", _raw_document, _policy_kind)

_policy_kind := "resource" if key_policy

_policy_kind := "identity" if identity_policy

valid_structure if count(structure_errors) == 0

# ---- helpers shared by rules ------------------------------------------------------------

# unrestricted_note(f): why a statement's conditions do not limit callers.
unrestricted_note(f) := "with no condition" if {
	count(f.conditions) == 0
} else := sprintf("and its conditions (%s) do not restrict who can call", [concat(", ", sort({sprintf("%s %s", [c.op, c.raw_key]) | some c in f.conditions}))])

# non_home_principals(f): the principals of statement f other than the
# account principal of the key's account, as written.
non_home_principals(f) := ({p |
	some e in f.aws
	not home(e)
	p := e.value
} | {"*" | f.any}) | f.services

# unresolved_account_principal(e): an account principal only known at
# deployment, which may be the key's own account.
unresolved_account_principal(e) if {
	e.kind == "unresolved"
	e.account_like
}

# who(set): principals for messages, "*" spelt out.
who(set) := concat(", ", sort({_display(p) | some p in set}))

_display("*") := `every principal ("*")`

_display(p) := p if p != "*"

# covers_keys(f): an identity-policy statement whose Resource can name KMS keys.
covers_keys(f) if f.not_resource != null

covers_keys(f) if {
	some r in f.resource
	_key_resource(r)
}

_key_resource("*")

_key_resource(r) if {
	parts := split(r, ":")
	count(parts) >= 6
	pattern.like(lower(parts[2]), "kms")
	res := concat(":", array.slice(parts, 5, count(parts)))
	_key_resource_part(res)
}

# _key_resource_part(res): the resource part of an ARN pattern that can name
# a key: "*", "key/*", "key/1234abcd-...", "key/mrk-*".
_key_resource_part(res) if pattern.like(res, "key/kmsguard")

_key_resource_part(res) if startswith(res, "key/")

# use_side(f): the cryptographic use statement f allows, counting an
# unconditioned kms:CreateGrant (its holder can grant itself any operation).
use_side(f) := (f.actions & crypto_actions) | _self_grant(f)

_self_grant(f) := {"creategrant"} if {
	"creategrant" in f.actions
	not grant_for_aws_resource(f)
} else := set()

# admin_side(f): the key administration statement f allows (writes only;
# grant management limited to AWS resources does not count).
admin_side(f) := ((f.actions & admin_write_actions) - {"creategrant"}) - limited_grant_admin(f)

limited_grant_admin(f) := grant_admin_actions if grant_for_aws_resource(f)

else := set()
