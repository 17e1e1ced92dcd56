package kmsguard.lint.facts

import data.kmsguard.catalog
import data.kmsguard.iam.condition

# ---- conditions ---------------------------------------------------------------------------

# _parsed_conditions: one entry per operator and key: op (the name as
# written), o (condition.parse_op, or null for an unknown operator), key
# (lower-cased), raw_key, values (as text).
_parsed_conditions(cond) := [c |
	is_object(cond)
	some op, kv in cond
	is_object(kv)
	some k, v in kv
	c := {
		"op": op,
		"o": _parsed_op(op),
		"key": lower(k),
		"raw_key": k,
		"values": [_condition_text(x) | some x in as_list(v)],
	}
]

_parsed_op(op) := o if o := condition.parse_op(op)

_parsed_op(op) := null if not condition.parse_op(op)

_condition_text(x) := condition.text(x) if not is_object(x)

_condition_text(x) := json.marshal(x) if is_object(x)

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
		_limits(c, v)
	}
}

# _limits(c, v): value v of condition c lets in only what it pins, or
# nothing at all. StringEquals is exact matching: a "*" or "?" is a literal
# character, and a value that is no account id (kms:CallerAccount
# "account-id") or organization id is one no request carries; such a value
# adds no caller (KMS031 reports the wildcard ones).
_limits(c, v) if _pins(c.key, v)

_limits(c, v) if {
	c.o.test in {"stringequals", "stringequalsignorecase"}
	not contains(v, "${")
	_matches_nothing(c.key, v)
}

_matches_nothing(_, v) if regex.match(`[*?]`, v)

_matches_nothing(k, v) if {
	k in {"kms:calleraccount", "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}
	not regex.match(`^[0-9]{12}$`, v)
}

_matches_nothing(k, v) if {
	k in {"aws:principalorgid", "aws:sourceorgid"}
	not regex.match(`^o-[a-z0-9]{10,32}$`, v)
}

# _pins(key, v): value v of a principal- or source-restricting key names one
# account, organization, principal or resource. A value only known at
# deployment is taken to pin: no finding comes from a value kmsguard could
# not see.
_pins(_, v) if unresolved(v)

_pins(k, v) if {
	k in {"kms:calleraccount", "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}
	regex.match(`^[0-9]{12}$`, v)
}

_pins(k, v) if {
	k in {"aws:principalorgid", "aws:sourceorgid"}
	regex.match(`^o-[a-z0-9]+$`, v)
}

_pins(k, v) if {
	k in {"aws:principalorgpaths", "aws:sourceorgpaths"}
	regex.match(`^o-[a-z0-9]+/`, v)
	not contains(v, "${")
}

_pins(k, v) if {
	k in {"aws:principalarn", "aws:sourcearn"}
	arn_pins(v)
}

_pins("aws:userid", v) if {
	regex.match(`^[A-Z0-9]{12,}(:.*)?$`, v)
	not contains(v, "${")
}

_pins(k, v) if {
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

_principal_restricting_keys := {
	"kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
	"aws:principalarn", "aws:userid", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid",
	"aws:sourceorgpaths",
}

# restricts_callers(f): a condition limits who can use the statement.
restricts_callers(f) if restricted_by(f, _principal_restricting_keys)

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

# ---- condition keys: names, types and the actions that carry them ----------------
# All from the catalogue (data.kmsguard.catalog.condition_keys: the types,
# and each action's condition_keys), which cites its sources: the Service
# Authorization Reference for KMS, the KMS condition keys page and the IAM
# global condition key reference. Names are lower-cased.

# key_type(k): the type of a known condition key; undefined for unknown keys.
key_type(k) := catalog.condition_keys.types[k]

key_type(k) := t if {
	not catalog.condition_keys.types[k]
	some prefix, t in catalog.condition_keys.prefixes
	startswith(k, prefix)
	count(k) > count(prefix)
}

known_key(k) if key_type(k)

# _present_for(k): the actions whose requests can carry key k, for a key that
# only some key actions carry (an action-specific key); a key with a
# variable suffix (kms:EncryptionContext:...) is carried as its prefix is.
# Undefined for keys every key action can carry (key-property keys such as
# kms:KeySpec) and for keys the catalogue ties to no action (global keys):
# a condition on them is never judged absent.
_present_for(k) := _present[k]

# _present[k]: _present_for, for the condition keys of the document (the
# only keys it is asked about), built once per document from the catalogue.
_present[k] := carriers if {
	some k in _document_keys
	ck := _catalog_key(k)
	carriers := {a | some a, info in catalog.actions; ck in info.condition_keys}
	count(carriers) > 0
	count(key_actions - carriers) > 0
}

_document_keys contains c.key if {
	some i
	some c in at[i].conditions
}

_catalog_key(k) := k if catalog.condition_keys.types[k]

_catalog_key(k) := prefix if {
	not catalog.condition_keys.types[k]
	some prefix, _ in catalog.condition_keys.prefixes
	startswith(k, prefix)
}

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
	why := _value_mistake(c.o.test, v)
}

_value_mistake(t, v) := "has a wildcard, which this operator matches literally" if {
	t in {"stringequals", "stringequalsignorecase"}
	regex.match(`[*?]`, v)
	not contains(v, "${")
}

_value_mistake(t, v) := "is not a number" if {
	operator_family[t] == "Numeric"
	not regex.match(`^-?[0-9]+(\.[0-9]+)?$`, v)
}

_value_mistake("bool", v) := "is not true or false" if not lower(v) in {"true", "false"}

_value_mistake(t, v) := "is not a date (ISO 8601 or epoch seconds)" if {
	operator_family[t] == "Date"
	not condition.date_ns(v)
}

_value_mistake("ipaddress", v) := "is not an IP address or CIDR range" if not _valid_ip(v)

_valid_ip(v) if net.cidr_is_valid(v)

_valid_ip(v) if net.cidr_is_valid(concat("", [v, "/32"]))

_valid_ip(v) if net.cidr_is_valid(concat("", [v, "/128"]))

# never[i]: why a condition of statement i can never hold, each
# {"kind": "unknown" | "iam_only" | "absent" | "values", "key", "op", "msg"}.
never[i] contains {"kind": "unknown", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: %s", [c.op, c.raw_key, unknown_text(c.key)])} if {
	some i
	some c in at[i].conditions
	positive(c)
	not known_key(c.key)
	relevant_key(c.key)
}

never[i] contains {"kind": "iam_only", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: KMS supports this key only in IAM policies; in a key policy it is never present", [c.op, c.raw_key])} if {
	key_policy
	some i
	some c in at[i].conditions
	positive(c)
	catalog.iam_only(c.key)
}

never[i] contains {"kind": "absent", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: no action of the statement (%s) carries this key", [c.op, c.raw_key, names(acts)])} if {
	some i
	f := at[i]
	acts := f.actions & (key_actions | {"createkey"})
	count(acts) > 0
	some c in f.conditions
	positive(c)
	present := _present_for(c.key)
	count(acts & present) == 0
}

never[i] contains {"kind": "values", "key": c.raw_key, "op": c.op, "msg": sprintf("%s on %s: no value can match (%s)", [c.op, c.raw_key, concat("; ", sort([sprintf("%q %s", [m.value, m.why]) | some m in mistakes]))])} if {
	some i
	some c in at[i].conditions
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
	f := at[i]
	acts := f.actions & _statement_scope
	some c in f.conditions
	positive(c)
	present := _present_for(c.key)
	count(acts & present) > 0
	missing := acts - present
	count(missing) > 0
}

# uncarried_text(u): the message part for one uncarried entry.
uncarried_text(u) := sprintf("%s on %s: %s requests never carry this key, so the statement never allows %s", [u.op, u.key, names(u.actions), _verb_them(u.actions)])

_verb_them(acts) := "it" if {
	count(acts) == 1
} else := "them"

# _statement_scope: the actions a statement can allow: a key policy's are the
# key actions; an identity policy's also kms:CreateKey.
_statement_scope := key_actions if key_policy

_statement_scope := key_actions | {"createkey"} if identity_policy
