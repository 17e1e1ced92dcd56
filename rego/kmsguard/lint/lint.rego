# METADATA
# title: Lint
# description: |
#   The entry point of the rule pack (docs/lint-format.md): reads the input (a
#   bare policy document, or a wrapper with the kind, the configuration and
#   the key ARN), computes the facts every rule needs once per document, and
#   collects the findings of every rule package under data.kmsguard.rules.
#   Adding a rule means adding a directory: nothing here lists the rules.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
package kmsguard.lint

import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.pattern
import data.kmsguard.iam.policy
import data.kmsguard.iam.principal

# ---- findings -------------------------------------------------------------------

# METADATA
# title: Findings
# description: |
#   Every finding of every rule for the input document, sorted by statement
#   index (document-level findings first), then rule id, then message.
# entrypoint: true
findings := [f | some entry in sort(keyed_findings); f := entry[3]]

keyed_findings contains [sort_key(f), f.id, f.msg, f] if {
	some category, name
	some f in data.kmsguard.rules[category][name].deny
}

keyed_findings contains [sort_key(f), f.id, f.msg, f] if {
	some category, name
	some f in data.kmsguard.rules[category][name].warn
}

sort_key(f) := f.statement if is_number(object.get(f, "statement", null))

sort_key(f) := -1 if not is_number(object.get(f, "statement", null))

# finding(chain, i, msg): a finding of the rule whose rego.metadata.chain() is
# chain, about statement i (or null for the whole document). Everything but
# msg, statement and sid comes from the rule package's METADATA.
finding(chain, i, msg) := object.union_n([metadata_fields(rule_annotations(chain)), location(i), {"msg": msg}])

rule_annotations(chain) := [a |
	some entry in chain
	a := entry.annotations
	a.custom.id
][0]

metadata_fields(a) := {
	"id": a.custom.id,
	"name": a.custom.name,
	"title": a.title,
	"severity": a.custom.severity,
	"category": a.custom.category,
	"description": trim_space(a.description),
	"remediation": trim_space(a.custom.remediation),
	"related_resources": [r.ref | some r in a.related_resources],
}

location(null) := {}

location(i) := object.union({"statement": i}, sid_field(i)) if is_number(i)

sid_field(i) := {"sid": sids[i]} if {
	sids[i]
} else := {}

# sids[i]: the Sid of statement i, when it has one.
sids[i] := s.Sid if {
	some i, s in raw_statements
	is_object(s)
	is_string(s.Sid)
}

# label(i): how messages name statement i: Statement[2] "Sid".
label(i) := sprintf("Statement[%d] %q", [i, sids[i]]) if {
	sids[i]
} else := sprintf("Statement[%d]", [i])

# ---- input ------------------------------------------------------------------------

# wrapped: the input is {"policy": ..., "kind": ..., "config": ..., "key_arn": ...}.
wrapped if {
	is_object(input)
	"policy" in object.keys(input)
}

raw_document := input.policy if wrapped

raw_document := input if {
	not wrapped
	not container
}

# document: the policy document (parsed when given as a JSON string).
document := policy.document(raw_document)

is_document if is_object(document)

default raw_statements := []

raw_statements := policy.raw_statements(document) if is_document

# statements: the normalised statements (kmsguard.iam.policy), each with its
# index into Statement.
statements := policy.statements(raw_document)

default config := {}

config := input.config if {
	wrapped
	is_object(input.config)
}

# kind: "key_policy" or "identity_policy"; forced by the wrapper, otherwise a
# document whose statements name a Principal or NotPrincipal is a key policy.
kind := input.kind if {
	wrapped
	input.kind in {"key_policy", "identity_policy"}
} else := "key_policy" if {
	some s in raw_statements
	is_object(s)
	some k in ["Principal", "NotPrincipal"]
	k in object.keys(s)
} else := "identity_policy"

key_policy if kind == "key_policy"

identity_policy if kind == "identity_policy"

# key: the key named by key_arn, when given.
key := {"arn": input.key_arn, "partition": p[1], "region": p[3], "account": p[4]} if {
	wrapped
	is_string(input.key_arn)
	p := split(input.key_arn, ":")
	count(p) == 6
	p[0] == "arn"
	p[2] == "kms"
	regex.match(`^[0-9]{12}$`, p[4])
}

key_region := key.region

# account: the key's account: config.account, the account of key_arn, or
# (for a bare document) the one account whose account principal alone gets
# every key action.
account := config.account if {
	is_string(config.account)
	regex.match(`^[0-9]{12}$`, config.account)
} else := key.account if {
	key.account
} else := inferred_account if {
	key_policy
	count(inferred_accounts) == 1
	not unresolved_full_access
	some inferred_account in inferred_accounts
}

# unresolved_full_access: an account principal only known at deployment
# gets every key action; it may be the key's account or not, so none is
# inferred.
unresolved_full_access if {
	some i
	f := facts[i]
	f.effect == "Allow"
	f.full_access
	some e in f.aws
	unresolved_account_principal(e)
}

account_known if account

inferred_accounts contains e.account if {
	some i
	f := facts[i]
	f.effect == "Allow"
	f.full_access
	not f.any
	count(f.services) == 0
	count(f.aws) == 1
	some e in f.aws
	e.kind == "root"
}

# admins: config.admins as a set (account ids as root ARNs).
default admins := set()

admins := {principal_key(a) | some a in config.admins; is_string(a)} if is_array(config.admins)

admins_configured if count(admins) > 0

# services: config.services as a set of lower-case names.
default services := set()

services := {lower(s) | some s in config.services; is_string(s)} if is_array(config.services)

services_configured if count(services) > 0

# ---- actions ------------------------------------------------------------------------

# The catalogue's actions grouped as the rules need them. They are literal
# tables because OPA would otherwise derive them again for every document;
# lint_test.rego checks that each equals what data.kmsguard.catalog gives
# (see the *_from_catalog rules below).
all_actions := {
	"cancelkeydeletion", "connectcustomkeystore", "createalias", "createcustomkeystore", "creategrant", "createkey", "decrypt", "deletealias", "deletecustomkeystore", "deleteimportedkeymaterial", "derivesharedsecret", "describecustomkeystores", "describekey", "disablekey", "disablekeyrotation", "disconnectcustomkeystore", "enablekey", "enablekeyrotation", "encrypt", "generatedatakey", "generatedatakeypair", "generatedatakeypairwithoutplaintext", "generatedatakeywithoutplaintext", "generatemac", "generaterandom", "getkeylastusage", "getkeypolicy", "getkeyrotationstatus", "getparametersforimport", "getpublickey", "importkeymaterial", "listaliases", "listgrants", "listkeypolicies", "listkeyrotations", "listkeys", "listresourcetags", "listretirablegrants", "putkeypolicy", "reencryptfrom", "reencryptto", "replicatekey", "retiregrant", "revokegrant", "rotatekeyondemand", "schedulekeydeletion", "sign", "synchronizemultiregionkey", "tagresource", "untagresource", "updatealias", "updatecustomkeystore", "updatekeydescription", "updateprimaryregion", "verify", "verifymac",
}

# Actions bound to a key (scope key, alias or grant): what a key policy can allow.
key_actions := {
	"cancelkeydeletion", "createalias", "creategrant", "decrypt", "deletealias", "deleteimportedkeymaterial", "derivesharedsecret", "describekey", "disablekey", "disablekeyrotation", "enablekey", "enablekeyrotation", "encrypt", "generatedatakey", "generatedatakeypair", "generatedatakeypairwithoutplaintext", "generatedatakeywithoutplaintext", "generatemac", "getkeylastusage", "getkeypolicy", "getkeyrotationstatus", "getparametersforimport", "getpublickey", "importkeymaterial", "listgrants", "listkeypolicies", "listkeyrotations", "listresourcetags", "putkeypolicy", "reencryptfrom", "reencryptto", "replicatekey", "retiregrant", "revokegrant", "rotatekeyondemand", "schedulekeydeletion", "sign", "tagresource", "untagresource", "updatealias", "updatekeydescription", "updateprimaryregion", "verify", "verifymac",
}

# Read and List access levels.
read_actions := {
	"describecustomkeystores", "describekey", "getkeylastusage", "getkeypolicy", "getkeyrotationstatus", "getparametersforimport", "getpublickey", "listaliases", "listgrants", "listkeypolicies", "listkeyrotations", "listkeys", "listresourcetags", "listretirablegrants",
}

# Class crypto_use.
crypto_actions := {
	"decrypt", "derivesharedsecret", "encrypt", "generatedatakey", "generatedatakeypair", "generatedatakeypairwithoutplaintext", "generatedatakeywithoutplaintext", "generatemac", "reencryptfrom", "reencryptto", "sign", "verify", "verifymac",
}

# admin_write_actions: key administration and permission management that
# changes the key or its access (classes key_admin and permission_escalation,
# not the Read/List ones).
admin_write_actions := {
	"cancelkeydeletion", "createalias", "creategrant", "deletealias", "deleteimportedkeymaterial", "disablekey", "disablekeyrotation", "enablekey", "enablekeyrotation", "importkeymaterial", "putkeypolicy", "replicatekey", "revokegrant", "rotatekeyondemand", "schedulekeydeletion", "tagresource", "untagresource", "updatealias", "updatekeydescription", "updateprimaryregion",
}

# Actions that work across accounts (catalogue cross_account).
cross_account_actions := {
	"creategrant", "decrypt", "derivesharedsecret", "describekey", "encrypt", "generatedatakey", "generatedatakeypair", "generatedatakeypairwithoutplaintext", "generatedatakeywithoutplaintext", "generatemac", "getkeyrotationstatus", "getpublickey", "listgrants", "reencryptfrom", "reencryptto", "retiregrant", "revokegrant", "sign", "verify", "verifymac",
}

all_actions_from_catalog := {a | some a, _ in catalog.actions}

key_actions_from_catalog := {a | some a, info in catalog.actions; info.scope in {"key", "alias", "grant"}}

read_actions_from_catalog := {a | some a, info in catalog.actions; info.access in {"Read", "List"}}

crypto_actions_from_catalog := {a | some a, info in catalog.actions; info.class == "crypto_use"}

admin_write_actions_from_catalog := {a |
	some a, info in catalog.actions
	info.class in {"key_admin", "permission_escalation"}
	not info.access in {"Read", "List"}
}

cross_account_actions_from_catalog := {a | some a, info in catalog.actions; info.cross_account}

grant_admin_actions := {"creategrant", "listgrants", "revokegrant"}

# kms_name("decrypt") = "kms:Decrypt".
kms_name(a) := concat("", ["kms:", catalog.actions[a].name])

# names(set): "kms:A, kms:B" sorted; long lists are cut after 6; a set
# holding every key action is "every KMS action".
names(set) := "every KMS action" if {
	count(key_actions - set) == 0
} else := concat(", ", [kms_name(a) | some a in sort(set)]) if {
	count(set) <= 6
} else := sprintf("%s and %d more", [concat(", ", [kms_name(a) | some a in array.slice(sort(set), 0, 5)]), count(set) - 5])

# covered(patterns): the KMS actions the lower-cased action patterns cover.
# Each distinct pattern of the document is expanded once (pattern_actions).
covered(patterns) := {a | some p in patterns; some a in pattern_actions(p)}

pattern_actions(p) := cover[p]

pattern_actions(p) := expand(p) if not cover[p]

cover[p] := expand(p) if some p in document_patterns

document_patterns contains p if {
	some s in statements
	some p in action_patterns(s)
}

document_patterns contains p if {
	some s in statements
	s.not_action != null
	some p in not_action_patterns(s)
}

all_kms_patterns := {"*", "kms:*"}

expand(p) := all_actions if p in all_kms_patterns

expand(p) := {a} if {
	not p in all_kms_patterns
	not pattern.wildcard(p)
	a := trim_prefix(p, "kms:")
	startswith(p, "kms:")
	catalog.actions[a]
}

expand(p) := set() if {
	not p in all_kms_patterns
	not pattern.wildcard(p)
	not known_exact(p)
}

# A wildcard pattern: the actions whose names start with its literal prefix
# are candidates; "prefix*" needs nothing more, other patterns a glob match.
expand(p) := {a |
	some name, a in candidates(prefix)
	startswith(name, prefix)
	glob_ok(p, prefix, name)
} if {
	not p in all_kms_patterns
	pattern.wildcard(p)
	may_be_kms(p)
	prefix := literal_prefix(p)
}

# candidates(prefix): the prefixed action names that may start with prefix,
# indexed by their first letter.
candidates(prefix) := by_initial[substring(prefix, 4, 1)] if {
	startswith(prefix, "kms:")
	count(prefix) > 4
} else := {} if {
	startswith(prefix, "kms:")
	count(prefix) > 4
} else := prefixed_actions

by_initial := {
	"c": {"kms:cancelkeydeletion": "cancelkeydeletion", "kms:connectcustomkeystore": "connectcustomkeystore", "kms:createalias": "createalias", "kms:createcustomkeystore": "createcustomkeystore", "kms:creategrant": "creategrant", "kms:createkey": "createkey"},
	"d": {"kms:decrypt": "decrypt", "kms:deletealias": "deletealias", "kms:deletecustomkeystore": "deletecustomkeystore", "kms:deleteimportedkeymaterial": "deleteimportedkeymaterial", "kms:derivesharedsecret": "derivesharedsecret", "kms:describecustomkeystores": "describecustomkeystores", "kms:describekey": "describekey", "kms:disablekey": "disablekey", "kms:disablekeyrotation": "disablekeyrotation", "kms:disconnectcustomkeystore": "disconnectcustomkeystore"},
	"e": {"kms:enablekey": "enablekey", "kms:enablekeyrotation": "enablekeyrotation", "kms:encrypt": "encrypt"},
	"g": {"kms:generatedatakey": "generatedatakey", "kms:generatedatakeypair": "generatedatakeypair", "kms:generatedatakeypairwithoutplaintext": "generatedatakeypairwithoutplaintext", "kms:generatedatakeywithoutplaintext": "generatedatakeywithoutplaintext", "kms:generatemac": "generatemac", "kms:generaterandom": "generaterandom", "kms:getkeylastusage": "getkeylastusage", "kms:getkeypolicy": "getkeypolicy", "kms:getkeyrotationstatus": "getkeyrotationstatus", "kms:getparametersforimport": "getparametersforimport", "kms:getpublickey": "getpublickey"},
	"i": {"kms:importkeymaterial": "importkeymaterial"},
	"l": {"kms:listaliases": "listaliases", "kms:listgrants": "listgrants", "kms:listkeypolicies": "listkeypolicies", "kms:listkeyrotations": "listkeyrotations", "kms:listkeys": "listkeys", "kms:listresourcetags": "listresourcetags", "kms:listretirablegrants": "listretirablegrants"},
	"p": {"kms:putkeypolicy": "putkeypolicy"},
	"r": {"kms:reencryptfrom": "reencryptfrom", "kms:reencryptto": "reencryptto", "kms:replicatekey": "replicatekey", "kms:retiregrant": "retiregrant", "kms:revokegrant": "revokegrant", "kms:rotatekeyondemand": "rotatekeyondemand"},
	"s": {"kms:schedulekeydeletion": "schedulekeydeletion", "kms:sign": "sign", "kms:synchronizemultiregionkey": "synchronizemultiregionkey"},
	"t": {"kms:tagresource": "tagresource"},
	"u": {"kms:untagresource": "untagresource", "kms:updatealias": "updatealias", "kms:updatecustomkeystore": "updatecustomkeystore", "kms:updatekeydescription": "updatekeydescription", "kms:updateprimaryregion": "updateprimaryregion"},
	"v": {"kms:verify": "verify", "kms:verifymac": "verifymac"},
}

literal_prefix(p) := substring(p, 0, indexof_wild(p))

indexof_wild(p) := min([i | some c in ["*", "?"]; i := indexof(p, c); i >= 0])

glob_ok(p, prefix, _) if p == concat("", [prefix, "*"])

glob_ok(p, prefix, name) if {
	p != concat("", [prefix, "*"])
	glob.match(pattern.like_glob(p), pattern.no_delimiters, name)
}

expand(p) := set() if {
	not p in all_kms_patterns
	pattern.wildcard(p)
	not may_be_kms(p)
}

known_exact(p) if {
	startswith(p, "kms:")
	catalog.actions[trim_prefix(p, "kms:")]
}

# may_be_kms(p): the service part of a wildcard pattern can match "kms".
may_be_kms(p) if not contains(p, ":")

may_be_kms(p) if {
	contains(p, ":")
	pattern.like(split(p, ":")[0], "kms")
}

prefixed_actions := {
	"kms:cancelkeydeletion": "cancelkeydeletion",
	"kms:connectcustomkeystore": "connectcustomkeystore",
	"kms:createalias": "createalias",
	"kms:createcustomkeystore": "createcustomkeystore",
	"kms:creategrant": "creategrant",
	"kms:createkey": "createkey",
	"kms:decrypt": "decrypt",
	"kms:deletealias": "deletealias",
	"kms:deletecustomkeystore": "deletecustomkeystore",
	"kms:deleteimportedkeymaterial": "deleteimportedkeymaterial",
	"kms:derivesharedsecret": "derivesharedsecret",
	"kms:describecustomkeystores": "describecustomkeystores",
	"kms:describekey": "describekey",
	"kms:disablekey": "disablekey",
	"kms:disablekeyrotation": "disablekeyrotation",
	"kms:disconnectcustomkeystore": "disconnectcustomkeystore",
	"kms:enablekey": "enablekey",
	"kms:enablekeyrotation": "enablekeyrotation",
	"kms:encrypt": "encrypt",
	"kms:generatedatakey": "generatedatakey",
	"kms:generatedatakeypair": "generatedatakeypair",
	"kms:generatedatakeypairwithoutplaintext": "generatedatakeypairwithoutplaintext",
	"kms:generatedatakeywithoutplaintext": "generatedatakeywithoutplaintext",
	"kms:generatemac": "generatemac",
	"kms:generaterandom": "generaterandom",
	"kms:getkeylastusage": "getkeylastusage",
	"kms:getkeypolicy": "getkeypolicy",
	"kms:getkeyrotationstatus": "getkeyrotationstatus",
	"kms:getparametersforimport": "getparametersforimport",
	"kms:getpublickey": "getpublickey",
	"kms:importkeymaterial": "importkeymaterial",
	"kms:listaliases": "listaliases",
	"kms:listgrants": "listgrants",
	"kms:listkeypolicies": "listkeypolicies",
	"kms:listkeyrotations": "listkeyrotations",
	"kms:listkeys": "listkeys",
	"kms:listresourcetags": "listresourcetags",
	"kms:listretirablegrants": "listretirablegrants",
	"kms:putkeypolicy": "putkeypolicy",
	"kms:reencryptfrom": "reencryptfrom",
	"kms:reencryptto": "reencryptto",
	"kms:replicatekey": "replicatekey",
	"kms:retiregrant": "retiregrant",
	"kms:revokegrant": "revokegrant",
	"kms:rotatekeyondemand": "rotatekeyondemand",
	"kms:schedulekeydeletion": "schedulekeydeletion",
	"kms:sign": "sign",
	"kms:synchronizemultiregionkey": "synchronizemultiregionkey",
	"kms:tagresource": "tagresource",
	"kms:untagresource": "untagresource",
	"kms:updatealias": "updatealias",
	"kms:updatecustomkeystore": "updatecustomkeystore",
	"kms:updatekeydescription": "updatekeydescription",
	"kms:updateprimaryregion": "updateprimaryregion",
	"kms:verify": "verify",
	"kms:verifymac": "verifymac",
}

# ---- per-statement facts (computed once per document) ------------------------------

# facts[i]: what the rules need to know about statement i.
facts[i] := f if {
	some s in statements
	i := s.index
	f := statement_facts(s, raw_statements[i])
}

statement_facts(s, raw) := {
	"index": s.index,
	"effect": s.effect,
	"actions": acts,
	"patterns": patterns,
	"full_access": count(key_actions - acts) == 0,
	"not_action": s.not_action != null,
	"any": principal_any(s),
	"aws": {classify(v) | some v in principal_values(raw, "Principal", "AWS")},
	"services": {lower(v) | some v in principal_values(raw, "Principal", "Service")},
	"not_principal": "NotPrincipal" in object.keys(raw),
	"resource": s.resource,
	"not_resource": s.not_resource,
	"conditions": parsed_conditions(s.condition),
	"condition": s.condition,
} if {
	patterns := action_patterns(s)
	acts := statement_actions(s)
}

# action_patterns(s): every lower-cased Action pattern of s (kmsguard.iam.policy
# keeps them all in "exact"; "wild" is only its matching shortcut).
action_patterns(s) := [p | some p in s.action.exact] if s.action != null

action_patterns(s) := [] if s.action == null

statement_actions(s) := covered(action_patterns(s)) if s.action != null

statement_actions(s) := all_actions - covered(not_action_patterns(s)) if {
	s.action == null
	s.not_action != null
}

statement_actions(s) := set() if {
	s.action == null
	s.not_action == null
}

not_action_patterns(s) := [p | some p in s.not_action.exact]

principal_any(s) if s.principal.any == true

else := false

principal_values(raw, k, t) := [v | some v in as_list(raw[k][t]); is_string(v)] if {
	is_object(raw[k])
} else := []

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

# statement sets used by several rules
allows contains i if facts[i].effect == "Allow"

denies contains i if facts[i].effect == "Deny"

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
	p := principal_parse(v)
	c := {"kind": p.kind, "account": p.account, "service_linked": p.service_linked}
}

# A value only known at deployment (a CloudFormation parameter in the
# account field): kind "unresolved"; account_like when it stands for an
# account principal.
classify(v) := {"kind": "unresolved", "value": v, "key": v, "account_like": unresolved_account(v)} if {
	v != "*"
	not principal_parse(v)
	unresolved(v)
}

classify(v) := {"kind": invalid_kind(v), "value": v, "key": v} if {
	v != "*"
	not principal_parse(v)
	not unresolved(v)
}

# unresolved(v): v holds a value kmsguard could not see: the token that
# replaces a CloudFormation parameter, import or attribute before
# deployment (parse.UnresolvedPrefix, docs/check.md). No finding may come
# from such a value.
unresolved(v) if contains(v, "kmsguard-unresolved-")

unresolved_account(v) if endswith(v, ":root")

unresolved_account(v) if not contains(v, ":")

default unresolved_account(_) := false

principal_parse(v) := principal.parse(v, null)

invalid_kind(v) := "group" if regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:group/`, v)

invalid_kind(v) := "invalid" if not regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:group/`, v)

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

# named_identities: the named identities (not account principals, not "*") and the
# Allow statements that name them.
named_identities[e.key] contains i if {
	some i in live_allows
	some e in facts[i].aws
	e.kind in {"user", "role", "session", "federated"}
	not e.service_linked
}

# ---- conditions ---------------------------------------------------------------------------

# parsed_conditions: one entry per operator and key: op (the name as
# written), o (condition.parse_op, or null for an unknown operator), key
# (lower-cased), raw_key, values (as text).
parsed_conditions(cond) := [c |
	is_object(cond)
	some op, kv in cond
	is_object(kv)
	some k, v in kv
	c := {
		"op": op,
		"o": parsed_op(op),
		"key": lower(k),
		"raw_key": k,
		"values": [condition_text(x) | some x in as_list(v)],
	}
]

parsed_op(op) := o if o := condition.parse_op(op)

parsed_op(op) := null if not condition.parse_op(op)

condition_text(x) := condition.text(x) if not is_object(x)

condition_text(x) := json.marshal(x) if is_object(x)

# positive(c): a condition that holds only when the key is present with a
# matching value: not negated, not ...IfExists, not ForAllValues (true when
# the key is absent), not Null.
positive(c) if {
	c.o != null
	not c.o.negated
	not c.o.if_exists
	c.o.set != "all"
	c.o.test != "null"
}

# concrete(v): a value with no wildcard and no policy variable.
concrete(v) if {
	v != ""
	not contains(v, "*")
	not contains(v, "?")
	not contains(v, "${")
}

# restricted_by(f, keys): statement facts f have a positive condition on one
# of keys whose values all pin something concrete.
restricted_by(f, keys) if {
	some c in f.conditions
	c.key in keys
	positive(c)
	count(c.values) > 0
	every v in c.values {
		limits(c, v)
	}
}

# limits(c, v): value v of condition c lets in only what it pins, or
# nothing at all. StringEquals is exact matching: a "*" or "?" is a literal
# character, and a value that is no account id (kms:CallerAccount
# "account-id") or organization id is one no request carries; such a value
# adds no caller (KMS031 reports the wildcard ones).
limits(c, v) if pins(c.key, v)

limits(c, v) if {
	c.o.test in {"stringequals", "stringequalsignorecase"}
	not contains(v, "${")
	matches_nothing(c.key, v)
}

matches_nothing(_, v) if regex.match(`[*?]`, v)

matches_nothing(k, v) if {
	k in {"kms:calleraccount", "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}
	not regex.match(`^[0-9]{12}$`, v)
}

matches_nothing(k, v) if {
	k in {"aws:principalorgid", "aws:sourceorgid"}
	not regex.match(`^o-[a-z0-9]{10,32}$`, v)
}

# pins(key, v): value v of a principal- or source-restricting key names one
# account, organization, principal or resource. A value only known at
# deployment is taken to pin: no finding comes from a value kmsguard could
# not see.
pins(_, v) if unresolved(v)

pins(k, v) if {
	k in {"kms:calleraccount", "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}
	regex.match(`^[0-9]{12}$`, v)
}

pins(k, v) if {
	k in {"aws:principalorgid", "aws:sourceorgid"}
	regex.match(`^o-[a-z0-9]+$`, v)
}

pins(k, v) if {
	k in {"aws:principalorgpaths", "aws:sourceorgpaths"}
	regex.match(`^o-[a-z0-9]+/`, v)
	not contains(v, "${")
}

pins(k, v) if {
	k in {"aws:principalarn", "aws:sourcearn"}
	arn_pins(v)
}

pins("aws:userid", v) if {
	regex.match(`^[A-Z0-9]{12,}(:.*)?$`, v)
	not contains(v, "${")
}

pins(k, v) if {
	startswith(k, "kms:encryptioncontext:")
	arn_pins(v)
}

# arn_pins(v): an ARN whose account is concrete, or (for ARNs without an
# account, such as S3 buckets) whose resource is; or a value only known at
# deployment.
arn_pins(v) if unresolved(v)

arn_pins(v) if {
	p := split(v, ":")
	count(p) >= 6
	p[0] == "arn"
	regex.match(`^[0-9]{12}$`, p[4])
	not contains(v, "${")
}

arn_pins(v) if {
	p := split(v, ":")
	count(p) >= 6
	p[0] == "arn"
	p[4] == ""
	concrete(concat(":", array.slice(p, 5, count(p))))
}

principal_restricting_keys := {
	"kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
	"aws:principalarn", "aws:userid", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid",
	"aws:sourceorgpaths",
}

# restricts_callers(f): a condition limits who can use the statement.
restricts_callers(f) if restricted_by(f, principal_restricting_keys)

# grant_for_aws_resource(f): Bool kms:GrantIsForAWSResource true.
grant_for_aws_resource(f) if {
	some c in f.conditions
	c.key == "kms:grantisforawsresource"
	positive(c)
	c.o.test == "bool"
	every v in c.values {
		lower(v) == "true"
	}
}

# via_service_limited(f): a positive kms:ViaService condition.
via_service_limited(f) if {
	some c in f.conditions
	c.key == "kms:viaservice"
	positive(c)
	c.o.test in {"stringequals", "stringequalsignorecase", "stringlike"}
	count(c.values) > 0
}

# ---- structure ------------------------------------------------------------------------------

# structure_errors: what AWS would reject (kmsguard.iam.policy.errors).
structure_errors := policy.errors("policy", raw_document, policy_kind)

policy_kind := "resource" if key_policy

policy_kind := "identity" if identity_policy

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
who(set) := concat(", ", sort({display(p) | some p in set}))

display("*") := `every principal ("*")`

display(p) := p if p != "*"

# covers_keys(f): an identity-policy statement whose Resource can name KMS keys.
covers_keys(f) if f.not_resource != null

covers_keys(f) if {
	some r in f.resource
	key_resource(r)
}

key_resource("*")

key_resource(r) if {
	parts := split(r, ":")
	count(parts) >= 6
	pattern.like(lower(parts[2]), "kms")
	res := concat(":", array.slice(parts, 5, count(parts)))
	key_resource_part(res)
}

# key_resource_part(res): the resource part of an ARN pattern that can name
# a key: "*", "key/*", "key/1234abcd-...", "key/mrk-*".
key_resource_part(res) if pattern.like(res, "key/kmsguard")

key_resource_part(res) if startswith(res, "key/")

# use_side(f): the cryptographic use statement f allows, counting an
# unconditioned kms:CreateGrant (its holder can grant itself any operation).
use_side(f) := (f.actions & crypto_actions) | self_grant(f)

self_grant(f) := {"creategrant"} if {
	"creategrant" in f.actions
	not grant_for_aws_resource(f)
} else := set()

# admin_side(f): the key administration statement f allows (writes only;
# grant management limited to AWS resources does not count).
admin_side(f) := ((f.actions & admin_write_actions) - {"creategrant"}) - limited_grant_admin(f)

limited_grant_admin(f) := grant_admin_actions if grant_for_aws_resource(f)

else := set()

# ---- questions to the decision engine ------------------------------------------------------
# Rules that decide who can do what ask data.kmsguard.authz (the decision
# engine) instead of deriving access again; the contexts below are the
# requests they ask about.

# derived_keys: keys the decision engine derives from the caller; a
# question's context must not fake them.
derived_keys := {
	"aws:principalarn", "aws:principalaccount", "kms:calleraccount", "aws:principaltype",
	"aws:username", "aws:userid", "aws:principalisawsservice", "aws:principalservicename",
}

# askable(k, a): a question about action a may give key k: the engine does
# not derive it, and requests for a can carry it. A condition on a key the
# action never carries (kms:GrantIsForAWSResource, kms:EncryptionContext:...
# on kms:PutKeyPolicy) never holds for it.
askable(k, a) if {
	not k in derived_keys
	not never_carried(k, a)
}

never_carried(k, a) if {
	present := present_for(k)
	not a in present
}

# satisfying_context(f, a): a context that satisfies the positive
# conditions of statement facts f for a request for action a.
satisfying_context(f, a) := {c.raw_key: v |
	some c in f.conditions
	positive(c)
	askable(c.key, a)
	v := satisfying_value(c)
}

satisfying_value(c) := v if {
	c.o.test in {"stringequals", "stringequalsignorecase", "bool", "numericequals", "numericgreaterthanequals", "numericlessthanequals", "dateequals", "dategreaterthanequals", "datelessthanequals"}
	v := c.values[0]
	not contains(v, "${")
}

satisfying_value(c) := replace(replace(c.values[0], "*", "x"), "?", "x") if {
	c.o.test in {"stringlike", "arnlike"}
	not contains(c.values[0], "${")
}

satisfying_value(c) := split(c.values[0], "/")[0] if c.o.test == "ipaddress"

# escape_context(a): for each negated condition of a Deny statement, a value
# that makes it false, so that the Deny does not apply to a request for a.
escape_context(a) := {c.raw_key: v |
	some i in denies
	some c in facts[i].conditions
	c.o.negated
	not c.o.if_exists
	askable(c.key, a)
	v := c.values[0]
	not contains(v, "${")
}

# question_key(account): the key to ask about: key_arn, or an example key
# of the account.
question_key(_) := key.arn

question_key(account) := sprintf("arn:aws:kms:us-east-1:%s:key/00000000-0000-0000-0000-000000000000", [account]) if not key.arn

# engine_allows(p, a, ctx, policies): the decision engine allows principal p
# action a (a catalogue name) on the key under this key policy, with the
# request context ctx and the question fields policies (identity policies).
engine_allows(p, a, ctx, policies) if {
	answer := data.kmsguard.authz.decision with input as object.union(
		{
			"principal": p,
			"action": kms_name(a),
			"resource": question_key(classify(p).account),
			"key_policy": document,
			"context": ctx,
		},
		policies,
	)
	answer.allowed
}
