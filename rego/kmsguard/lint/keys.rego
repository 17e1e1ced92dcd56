package kmsguard.lint

import data.kmsguard.catalog
import data.kmsguard.iam.condition

# ---- condition keys: names, types and the actions that carry them ----------------
# KMS keys: docs kms-facts §5.2 (SAR types); global keys: §5.3 and the IAM
# global condition key reference. Names are lower-cased.

kms_condition_keys := {
	"kms:bypasspolicylockoutsafetycheck": "Bool",
	"kms:calleraccount": "String",
	"kms:customermasterkeyspec": "String",
	"kms:customermasterkeyusage": "String",
	"kms:datakeypairspec": "String",
	"kms:encryptionalgorithm": "String",
	"kms:encryptioncontextkeys": "ArrayOfString",
	"kms:expirationmodel": "String",
	"kms:grantconstraintsourcearn": "ARN",
	"kms:grantconstrainttype": "String",
	"kms:grantisforawsresource": "Bool",
	"kms:grantoperations": "ArrayOfString",
	"kms:granteeprincipal": "String",
	"kms:granteeserviceprincipal": "String",
	"kms:keyagreementalgorithm": "String",
	"kms:keyorigin": "String",
	"kms:keyspec": "String",
	"kms:keyusage": "String",
	"kms:macalgorithm": "String",
	"kms:messagetype": "String",
	"kms:multiregion": "Bool",
	"kms:multiregionkeytype": "String",
	"kms:primaryregion": "String",
	"kms:reencryptonsamekey": "Bool",
	"kms:replicaregion": "String",
	"kms:requestalias": "String",
	"kms:resourcealiases": "ArrayOfString",
	"kms:retiringprincipal": "String",
	"kms:retiringserviceprincipal": "String",
	"kms:rotationperiodindays": "Numeric",
	"kms:schedulekeydeletionpendingwindowindays": "Numeric",
	"kms:signingalgorithm": "String",
	"kms:trailingdayswithoutkeyusage": "Numeric",
	"kms:validto": "Date",
	"kms:viaservice": "String",
	"kms:wrappingalgorithm": "String",
	"kms:wrappingkeyspec": "String",
}

# Keys with a variable suffix.
kms_condition_prefixes := {
	"kms:encryptioncontext:": "String",
	"kms:recipientattestation:": "String",
}

global_condition_keys := {
	"aws:assumedroot": "Bool",
	"aws:calledvia": "ArrayOfString",
	"aws:calledviafirst": "String",
	"aws:calledvialast": "String",
	"aws:currenttime": "Date",
	"aws:ec2instancesourceprivateipv4": "IP",
	"aws:ec2instancesourcevpc": "String",
	"aws:epochtime": "Date",
	"aws:federatedprovider": "String",
	"aws:multifactorauthage": "Numeric",
	"aws:multifactorauthpresent": "Bool",
	"aws:principalaccount": "String",
	"aws:principalarn": "ARN",
	"aws:principalisawsservice": "Bool",
	"aws:principalorgid": "String",
	"aws:principalorgpaths": "ArrayOfString",
	"aws:principalservicename": "String",
	"aws:principalservicenameslist": "ArrayOfString",
	"aws:principaltype": "String",
	"aws:referer": "String",
	"aws:requestedregion": "String",
	"aws:resourceaccount": "String",
	"aws:resourceorgid": "String",
	"aws:resourceorgpaths": "ArrayOfString",
	"aws:securetransport": "Bool",
	"aws:sourceaccount": "String",
	"aws:sourcearn": "ARN",
	"aws:sourceidentity": "String",
	"aws:sourceip": "IP",
	"aws:sourceorgid": "String",
	"aws:sourceorgpaths": "ArrayOfString",
	"aws:sourceowner": "String",
	"aws:sourcevpc": "String",
	"aws:sourcevpce": "String",
	"aws:sourcevpcarn": "ARN",
	"aws:tagkeys": "ArrayOfString",
	"aws:tokenissuetime": "Date",
	"aws:useragent": "String",
	"aws:userid": "String",
	"aws:username": "String",
	"aws:viaawsservice": "Bool",
	"aws:vpcsourceip": "IP",
	"aws:vpceaccount": "String",
	"aws:vpceorgid": "String",
	"aws:vpceorgpaths": "ArrayOfString",
}

global_condition_prefixes := {
	"aws:principaltag/": "String",
	"aws:requesttag/": "String",
	"aws:resourcetag/": "String",
}

# key_type(k): the type of a known condition key; undefined for unknown keys.
key_type(k) := kms_condition_keys[k]

key_type(k) := global_condition_keys[k]

key_type(k) := t if {
	not kms_condition_keys[k]
	not global_condition_keys[k]
	some prefix, t in object.union(kms_condition_prefixes, global_condition_prefixes)
	startswith(k, prefix)
	count(k) > count(prefix)
}

known_key(k) if key_type(k)

# Keys KMS honours only in IAM policies; in a key policy they are absent.
iam_only_key(k) if startswith(k, "aws:resourcetag/")

iam_only_key("kms:resourcealiases")

# The actions whose requests carry an action-specific key (SAR, §5.2);
# keys not listed here are present for every key action.
# Actions with an encryption context (catalogue), plus CreateGrant and RetireGrant.
ec_actions := {
	"creategrant", "decrypt", "encrypt", "generatedatakey", "generatedatakeypair", "generatedatakeypairwithoutplaintext", "generatedatakeywithoutplaintext", "reencryptfrom", "reencryptto", "retiregrant",
}

ec_actions_from_catalog := {a | some a, info in catalog.actions; info.encryption_context} | {"creategrant", "retiregrant"}

key_presence := {
	"kms:bypasspolicylockoutsafetycheck": {"putkeypolicy", "createkey"},
	"kms:datakeypairspec": {"generatedatakeypair", "generatedatakeypairwithoutplaintext"},
	"kms:encryptionalgorithm": {
		"encrypt", "decrypt", "reencryptfrom", "reencryptto", "generatedatakey",
		"generatedatakeywithoutplaintext", "generatedatakeypair", "generatedatakeypairwithoutplaintext",
	},
	"kms:encryptioncontextkeys": ec_actions,
	"kms:expirationmodel": {"importkeymaterial"},
	"kms:grantconstraintsourcearn": {"creategrant"},
	"kms:grantconstrainttype": {"creategrant", "retiregrant"},
	"kms:grantisforawsresource": {"creategrant", "listgrants", "revokegrant"},
	"kms:grantoperations": {"creategrant"},
	"kms:granteeprincipal": {"creategrant"},
	"kms:granteeserviceprincipal": {"creategrant"},
	"kms:keyagreementalgorithm": {"derivesharedsecret"},
	"kms:macalgorithm": {"generatemac", "verifymac"},
	"kms:messagetype": {"sign", "verify"},
	"kms:primaryregion": {"updateprimaryregion"},
	"kms:reencryptonsamekey": {"reencryptfrom", "reencryptto"},
	"kms:replicaregion": {"replicatekey"},
	"kms:requestalias": (crypto_actions | {"describekey", "getpublickey"}),
	"kms:retiringprincipal": {"creategrant"},
	"kms:retiringserviceprincipal": {"creategrant"},
	"kms:rotationperiodindays": {"enablekeyrotation"},
	"kms:schedulekeydeletionpendingwindowindays": {"schedulekeydeletion"},
	"kms:signingalgorithm": {"sign", "verify"},
	"kms:trailingdayswithoutkeyusage": {"disablekey", "schedulekeydeletion"},
	"kms:validto": {"importkeymaterial"},
	"kms:wrappingalgorithm": {"getparametersforimport"},
	"kms:wrappingkeyspec": {"getparametersforimport"},
	"aws:tagkeys": {"createkey", "tagresource", "untagresource"},
}

# present_for(k): the actions whose requests can carry key k.
present_for(k) := key_presence[k]

present_for(k) := ec_actions if startswith(k, "kms:encryptioncontext:")

present_for(k) := {"decrypt", "generatedatakey", "generatedatakeypair", "derivesharedsecret", "generaterandom"} if {
	startswith(k, "kms:recipientattestation:")
}

present_for(k) := {"createkey", "tagresource"} if startswith(k, "aws:requesttag/")

# ---- operator families ----------------------------------------------------------------

operator_family := {
	"stringequals": "String",
	"stringequalsignorecase": "String",
	"stringlike": "String",
	"arnlike": "ARN",
	"numericequals": "Numeric",
	"numericlessthan": "Numeric",
	"numericlessthanequals": "Numeric",
	"numericgreaterthan": "Numeric",
	"numericgreaterthanequals": "Numeric",
	"dateequals": "Date",
	"datelessthan": "Date",
	"datelessthanequals": "Date",
	"dategreaterthan": "Date",
	"dategreaterthanequals": "Date",
	"bool": "Bool",
	"binaryequals": "Binary",
	"ipaddress": "IP",
}

# compatible(family, type, values): the operator can compare values of the key.
compatible("String", t, _) if t in {"String", "ArrayOfString", "ARN"}

compatible("ARN", "ARN", _)

# ARN operators on String keys that hold ARNs (CloudWatch Logs' documented
# kms:EncryptionContext:aws:logs:arn statements).
compatible("ARN", t, values) if {
	t in {"String", "ArrayOfString"}
	every v in values {
		startswith(v, "arn:")
	}
}

compatible("Numeric", "Numeric", _)

compatible("Date", "Date", _)

compatible("Numeric", "Date", _)

compatible("Bool", "Bool", _)

compatible("IP", "IP", _)

compatible("Binary", _, _)

# ---- values that can never match -------------------------------------------------------

# value_mistakes(c): the values of condition c that can never match what
# the author meant, each {"value", "why"}.
value_mistakes(c) := {{"value": v, "why": why} |
	c.o != null
	some v in c.values
	not unresolved(v)
	why := value_mistake(c.o.test, v)
}

value_mistake(t, v) := "has a wildcard, which this operator matches literally" if {
	t in {"stringequals", "stringequalsignorecase"}
	regex.match(`[*?]`, v)
	not contains(v, "${")
}

value_mistake(t, v) := "is not a number" if {
	operator_family[t] == "Numeric"
	not regex.match(`^-?[0-9]+(\.[0-9]+)?$`, v)
}

value_mistake("bool", v) := "is not true or false" if not lower(v) in {"true", "false"}

value_mistake(t, v) := "is not a date (ISO 8601 or epoch seconds)" if {
	operator_family[t] == "Date"
	not condition.date_ns(v)
}

value_mistake("ipaddress", v) := "is not an IP address or CIDR range" if not valid_ip(v)

valid_ip(v) if net.cidr_is_valid(v)

valid_ip(v) if net.cidr_is_valid(concat("", [v, "/32"]))

valid_ip(v) if net.cidr_is_valid(concat("", [v, "/128"]))

# never[i]: why a condition of statement i can never hold, each
# {"kind": "unknown" | "iam_only" | "absent" | "values", "key", "op", "msg"}.
never[i] contains {"kind": "unknown", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: %s", [c.op, c.raw_key, unknown_text(c.key)])} if {
	some i
	some c in facts[i].conditions
	positive(c)
	not known_key(c.key)
	relevant_key(c.key)
}

never[i] contains {"kind": "iam_only", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: KMS supports this key only in IAM policies; in a key policy it is never present", [c.op, c.raw_key])} if {
	key_policy
	some i
	some c in facts[i].conditions
	positive(c)
	iam_only_key(c.key)
}

never[i] contains {"kind": "absent", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: no action of the statement (%s) carries this key", [c.op, c.raw_key, names(acts)])} if {
	some i
	f := facts[i]
	acts := f.actions & (key_actions | {"createkey"})
	count(acts) > 0
	some c in f.conditions
	positive(c)
	present := present_for(c.key)
	count(acts & present) == 0
}

never[i] contains {"kind": "values", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: no value can match (%s)", [c.op, c.raw_key, concat("; ", sort([sprintf("%q %s", [m.value, m.why]) | some m in mistakes]))])} if {
	some i
	some c in facts[i].conditions
	positive(c)
	mistakes := value_mistakes(c)
	count(mistakes) > 0
	count(mistakes) == count({v | some v in c.values})
}

unknown_text(k) := "the key is unknown to KMS and IAM, so it is never in the request" if {
	regex.match(`^(kms|aws):`, k)
} else := "a condition key of another service, which requests to KMS never carry"

# relevant_key(k): keys this pack judges: kms: and aws: keys everywhere,
# other services' keys only in key policies (where KMS never sets them).
relevant_key(k) if startswith(k, "kms:")

relevant_key(k) if startswith(k, "aws:")

relevant_key(k) if {
	key_policy
	not startswith(k, "kms:")
	not startswith(k, "aws:")
}

# uncarried[i]: the actions of statement i that a positive condition keeps
# from ever applying, although other actions of the statement carry its key
# (kms:DescribeKey next to kms:Decrypt under a kms:EncryptionContext:
# condition), each {"key", "op", "actions"}. A statement none of whose
# actions carries the key is never[i] ("absent").
uncarried[i] contains {"key": c.raw_key, "op": c.op, "actions": missing} if {
	some i
	f := facts[i]
	acts := f.actions & statement_scope
	some c in f.conditions
	positive(c)
	present := present_for(c.key)
	count(acts & present) > 0
	missing := acts - present
	count(missing) > 0
}

# uncarried_text(u): the message part for one uncarried entry.
uncarried_text(u) := sprintf("%s on %s: %s requests never carry this key, so the statement never allows %s", [u.op, u.key, names(u.actions), verb_them(u.actions)])

verb_them(acts) := "it" if {
	count(acts) == 1
} else := "them"

# statement_scope: the actions a statement can allow: a key policy's are the
# key actions; an identity policy's also kms:CreateKey.
statement_scope := key_actions if key_policy

statement_scope := key_actions | {"createkey"} if identity_policy
