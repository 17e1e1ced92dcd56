package kmsguard.lint.facts

import data.kmsguard.catalog

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

# covered(patterns): the KMS actions the lower-cased action patterns cover:
# those whose "kms:" name one of the patterns matches as IAM matches
# actions (the whole name; "*" any run of characters, "?" one;
# test_covered_is_iam_match). One regular expression, the patterns as
# alternatives, finds them among the action names, one a line
# (_action_lines).
covered(patterns) := all_actions if {
	some p in _all_kms_patterns
	p in patterns
} else := set() if {
	count(patterns) == 0
} else := {prefixed_actions[name] | some name in regex.find_n(_patterns_regex(patterns), _action_lines, -1)}

# matches_an_action(p): lower-cased pattern p covers some KMS action
# (covered([p]) is not empty; test_covered_is_iam_match): an action's name;
# "prefix*" when an action's name starts with the prefix; otherwise as
# covered finds it.
matches_an_action(p) if _matches_an_action(p)

_matches_an_action(p) if {
	prefixed_actions[p]
} else := contains(_action_lines_after_break, concat("", ["\n", prefix])) if {
	endswith(p, "*")
	prefix := trim_suffix(p, "*")
	not regex.match(`[*?]`, prefix)
} else := regex.match(_patterns_regex([p]), _action_lines) if {
	regex.match(`[*?]`, p)
}

# _patterns_regex(patterns): "(?m)^(?:p1|p2...)$", each pattern with every
# character that means something in a regular expression escaped, then its
# wildcards as ".*" and "." (patterns never hold a line break: the policy
# reader splits on it).
_patterns_regex(patterns) := concat("", ["(?m)^(?:", replace(replace(replace(regex.replace(concat("\n", patterns), `[.+()\[\]{}|^$\\]`, `\${0}`), "\n", "|"), "*", ".*"), "?", "."), ")$"])

_action_lines := concat("\n", object.keys(prefixed_actions))

# _action_lines_after_break: every name follows a line break.
_action_lines_after_break := concat("", ["\n", _action_lines])

_all_kms_patterns := {"*", "kms:*"}

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
