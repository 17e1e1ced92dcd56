package kmsguard.lint.facts

import data.kmsguard.catalog
import data.kmsguard.iam.pattern

# ---- actions ------------------------------------------------------------------------

# The catalogue's actions grouped as the rules need them. They are literal
# tables because OPA would otherwise derive them again for every document;
# facts_test.rego checks that each equals what data.kmsguard.catalog gives
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

# _kms_name("decrypt") = "kms:Decrypt".
_kms_name(a) := concat("", ["kms:", catalog.actions[a].name])

# names(set): "kms:A, kms:B" sorted; long lists are cut after 6; a set
# holding every key action is "every KMS action".
names(set) := "every KMS action" if {
	count(key_actions - set) == 0
} else := concat(", ", [_kms_name(a) | some a in sort(set)]) if {
	count(set) <= 6
} else := sprintf("%s and %d more", [concat(", ", [_kms_name(a) | some a in array.slice(sort(set), 0, 5)]), count(set) - 5])

# covered(patterns): the KMS actions the lower-cased action patterns cover.
# Each distinct pattern of the document is expanded once (pattern_actions).
covered(patterns) := {a | some p in patterns; some a in _pattern_actions(p)}

_pattern_actions(p) := _cover[p]

_pattern_actions(p) := _expand(p) if not _cover[p]

_cover[p] := _expand(p) if some p in _document_patterns

_document_patterns contains p if {
	some s in statements
	some p in _action_patterns(s)
}

_document_patterns contains p if {
	some s in statements
	s.not_action != null
	some p in _not_action_patterns(s)
}

_all_kms_patterns := {"*", "kms:*"}

_expand(p) := all_actions if p in _all_kms_patterns

_expand(p) := {a} if {
	not p in _all_kms_patterns
	not pattern.wildcard(p)
	a := trim_prefix(p, "kms:")
	startswith(p, "kms:")
	catalog.actions[a]
}

_expand(p) := set() if {
	not p in _all_kms_patterns
	not pattern.wildcard(p)
	not _known_exact(p)
}

# A wildcard pattern: the actions whose names start with its literal prefix
# are candidates; "prefix*" needs nothing more, other patterns a glob match.
_expand(p) := {a |
	some name, a in _candidates(prefix)
	startswith(name, prefix)
	_glob_ok(p, prefix, name)
} if {
	not p in _all_kms_patterns
	pattern.wildcard(p)
	_may_be_kms(p)
	prefix := _literal_prefix(p)
}

# _candidates(prefix): the prefixed action names that may start with prefix,
# indexed by their first letter.
_candidates(prefix) := by_initial[substring(prefix, 4, 1)] if {
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

_literal_prefix(p) := substring(p, 0, _indexof_wild(p))

_indexof_wild(p) := min([i | some c in ["*", "?"]; i := indexof(p, c); i >= 0])

_glob_ok(p, prefix, _) if p == concat("", [prefix, "*"])

_glob_ok(p, prefix, name) if {
	p != concat("", [prefix, "*"])
	glob.match(pattern.like_glob(p), pattern.no_delimiters, name)
}

_expand(p) := set() if {
	not p in _all_kms_patterns
	pattern.wildcard(p)
	not _may_be_kms(p)
}

_known_exact(p) if {
	startswith(p, "kms:")
	catalog.actions[trim_prefix(p, "kms:")]
}

# _may_be_kms(p): the service part of a wildcard pattern can match "kms".
_may_be_kms(p) if not contains(p, ":")

_may_be_kms(p) if {
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
