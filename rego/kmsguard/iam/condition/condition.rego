# METADATA
# title: IAM condition evaluation
# description: |
#   Evaluates a statement's Condition block against a request context, as IAM
#   does: operators AND together, keys under one operator AND together, the
#   values of one key OR together (NOR for negated operators); ...IfExists,
#   Null, ForAllValues and ForAnyValue; key names case-insensitive.
#   The context is an object of lower-cased key names to lists of strings.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
package kmsguard.iam.condition

import data.kmsguard.iam.pattern

# operators: lower-cased base operator -> the positive operator it tests and
# whether the result is negated.
operators := {
	"stringequals": {"test": "stringequals", "negated": false},
	"stringnotequals": {"test": "stringequals", "negated": true},
	"stringequalsignorecase": {"test": "stringequalsignorecase", "negated": false},
	"stringnotequalsignorecase": {"test": "stringequalsignorecase", "negated": true},
	"stringlike": {"test": "stringlike", "negated": false},
	"stringnotlike": {"test": "stringlike", "negated": true},
	"numericequals": {"test": "numericequals", "negated": false},
	"numericnotequals": {"test": "numericequals", "negated": true},
	"numericlessthan": {"test": "numericlessthan", "negated": false},
	"numericlessthanequals": {"test": "numericlessthanequals", "negated": false},
	"numericgreaterthan": {"test": "numericgreaterthan", "negated": false},
	"numericgreaterthanequals": {"test": "numericgreaterthanequals", "negated": false},
	"dateequals": {"test": "dateequals", "negated": false},
	"datenotequals": {"test": "dateequals", "negated": true},
	"datelessthan": {"test": "datelessthan", "negated": false},
	"datelessthanequals": {"test": "datelessthanequals", "negated": false},
	"dategreaterthan": {"test": "dategreaterthan", "negated": false},
	"dategreaterthanequals": {"test": "dategreaterthanequals", "negated": false},
	"bool": {"test": "bool", "negated": false},
	"binaryequals": {"test": "binaryequals", "negated": false},
	"ipaddress": {"test": "ipaddress", "negated": false},
	"notipaddress": {"test": "ipaddress", "negated": true},
	"arnequals": {"test": "arnlike", "negated": false},
	"arnlike": {"test": "arnlike", "negated": false},
	"arnnotequals": {"test": "arnlike", "negated": true},
	"arnnotlike": {"test": "arnlike", "negated": true},
	"null": {"test": "null", "negated": false},
}

# Operators whose values may hold policy variables.
variable_tests := {"stringequals", "stringequalsignorecase", "stringlike", "arnlike", "bool"}

# parse_op splits "ForAnyValue:StringNotEqualsIfExists" into its parts;
# undefined for an unknown operator.
parse_op(op) := result if {
	[set, rest] := split_set(lower(op))
	base := trim_suffix(rest, "ifexists")
	info := operators[base]
	if_exists := base != rest
	not invalid_combination(base, if_exists, set)
	result := object.union(info, {"name": op, "set": set, "if_exists": if_exists, "base": base})
}

split_set(op) := ["all", substring(op, 13, -1)] if startswith(op, "forallvalues:")

split_set(op) := ["any", substring(op, 12, -1)] if startswith(op, "foranyvalue:")

split_set(op) := ["", op] if {
	not startswith(op, "forallvalues:")
	not startswith(op, "foranyvalue:")
}

invalid_combination("null", true, _)

invalid_combination("null", _, set) if set != ""

# valid_op(op) is true when op is a known condition operator.
valid_op(op) if parse_op(op)

# valid_value(op, x): the policy value x has the type operator op compares
# (docs/aws-rules.md#i-ops): numbers for Numeric*, dates for Date*, true/false for Bool and
# Null, IP addresses or CIDR blocks for IpAddress. Policy variables are
# allowed where the operator takes them.
valid_value(op, x) if {
	o := parse_op(op)
	value_typed(o.test, text(x))
}

value_typed(t, _) if not t in {"numericequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals", "dateequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals", "bool", "null", "ipaddress"}

value_typed(t, x) if {
	t in {"numericequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals"}
	to_number(x)
}

value_typed(t, x) if {
	t in {"dateequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals"}
	date_ns(x)
}

value_typed(t, x) if {
	t in {"bool", "null"}
	lower(x) in {"true", "false"}
}

value_typed("bool", x) if pattern.has_vars(x)

value_typed("ipaddress", x) if net.cidr_is_valid(cidr(x))

# values normalises a condition value (a scalar or a list) to a list.
values(v) := v if is_array(v)

values(v) := [v] if not is_array(v)

# text renders a scalar the way the policy language compares it.
text(v) := v if is_string(v)

text(v) := "true" if v == true

text(v) := "false" if v == false

text(v) := format_int(v, 10) if {
	is_number(v)
	v == floor(v)
}

text(v) := sprintf("%v", [v]) if {
	is_number(v)
	v != floor(v)
}

# block_ok(cond, ctx, vars) is true when every test of the block passes.
# vars: whether policy variables are expanded (Version 2012-10-17).
block_ok(cond, ctx, vars) if {
	every op, kv in cond {
		every key, pv in kv {
			test(op, key, pv, ctx, vars)
		}
	}
}

# failures lists the tests of a block that do not pass.
failures(cond, ctx, vars) := [{"operator": op, "key": key, "values": pv} |
	some op, kv in cond
	some key, pv in kv
	not test(op, key, pv, ctx, vars)
]

# test evaluates one operator/key/values triple.
test(op, key, pv, ctx, vars) if {
	o := parse_op(op)
	k := lower(key)
	evaluate(o, object.get(ctx, k, null), [text(x) | some x in values(pv)], ctx, vars)
}

# Null: "true" holds when the key is absent, "false" when it is present.
evaluate(o, vals, pvals, _, _) if {
	o.test == "null"
	some p in pvals
	lower(p) == "true"
	absent(vals)
}

evaluate(o, vals, pvals, _, _) if {
	o.test == "null"
	some p in pvals
	lower(p) == "false"
	not absent(vals)
}

# Absent key (or a present key with no values).
evaluate(o, vals, _, _, _) if {
	o.test != "null"
	absent(vals)
	absent_result(o)
}

absent_result(o) if o.if_exists

absent_result(o) if o.set == "all"

absent_result(o) if {
	o.set == ""
	o.negated
}

# ForAllValues: every request value passes.
evaluate(o, vals, pvals, ctx, vars) if {
	o.test != "null"
	not absent(vals)
	o.set == "all"
	every v in vals {
		value_passes(o, v, pvals, ctx, vars)
	}
}

# ForAnyValue: some request value passes.
evaluate(o, vals, pvals, ctx, vars) if {
	o.test != "null"
	not absent(vals)
	o.set == "any"
	some v in vals
	value_passes(o, v, pvals, ctx, vars)
}

# Plain operators: some request value matches some policy value (negated:
# none does).
evaluate(o, vals, pvals, ctx, vars) if {
	o.test != "null"
	not absent(vals)
	o.set == ""
	not o.negated
	some v in vals
	matches_any(o.test, v, pvals, ctx, vars)
}

evaluate(o, vals, pvals, ctx, vars) if {
	o.test != "null"
	not absent(vals)
	o.set == ""
	o.negated
	not some_value_matches(o.test, vals, pvals, ctx, vars)
}

some_value_matches(t, vals, pvals, ctx, vars) if {
	some v in vals
	matches_any(t, v, pvals, ctx, vars)
}

absent(null)

absent(vals) if count(vals) == 0

value_passes(o, v, pvals, ctx, vars) if {
	not o.negated
	matches_any(o.test, v, pvals, ctx, vars)
}

value_passes(o, v, pvals, ctx, vars) if {
	o.negated
	not matches_any(o.test, v, pvals, ctx, vars)
}

matches_any(t, v, pvals, ctx, vars) if {
	some p in pvals
	match(t, v, policy_value(t, p, ctx, vars))
}

# policy_value expands policy variables where the operator allows them;
# undefined when a variable cannot be resolved (the value then matches
# nothing, so a negated operator passes).
policy_value(t, p, ctx, true) := pattern.expand_like(p, ctx) if t in {"stringlike", "arnlike"}

policy_value(t, p, ctx, true) := pattern.expand(p, ctx) if {
	not t in {"stringlike", "arnlike"}
	t in variable_tests
}

policy_value(t, p, _, true) := p if not t in variable_tests

policy_value(t, p, _, false) := pattern.like_glob(p) if t in {"stringlike", "arnlike"}

policy_value(t, p, _, false) := p if not t in {"stringlike", "arnlike"}

# ---- per-operator comparison (v: request value, p: policy value) ---------

match("stringequals", v, p) if v == p

match("stringequalsignorecase", v, p) if lower(v) == lower(p)

match("stringlike", v, p) if glob.match(p, pattern.no_delimiters, v)

match("arnlike", v, p) if pattern.arn_glob(p, v)

match("numericequals", v, p) if to_number(v) == to_number(p)

match("numericlessthan", v, p) if to_number(v) < to_number(p)

match("numericlessthanequals", v, p) if to_number(v) <= to_number(p)

match("numericgreaterthan", v, p) if to_number(v) > to_number(p)

match("numericgreaterthanequals", v, p) if to_number(v) >= to_number(p)

match("dateequals", v, p) if date_ns(v) == date_ns(p)

match("datelessthan", v, p) if date_ns(v) < date_ns(p)

match("datelessthanequals", v, p) if date_ns(v) <= date_ns(p)

match("dategreaterthan", v, p) if date_ns(v) > date_ns(p)

match("dategreaterthanequals", v, p) if date_ns(v) >= date_ns(p)

match("bool", v, p) if {
	lower(v) in {"true", "false"}
	lower(v) == lower(p)
}

match("binaryequals", v, p) if v == p

match("ipaddress", v, p) if net.cidr_contains(cidr(p), v)

cidr(p) := p if contains(p, "/")

cidr(p) := concat("", [p, "/32"]) if {
	not contains(p, "/")
	contains(p, ".")
}

cidr(p) := concat("", [p, "/128"]) if {
	not contains(p, "/")
	not contains(p, ".")
}

# date_ns: the W3C profiles of ISO 8601 (YYYY-MM, YYYY-MM-DD,
# YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD, with fractions of a second)
# or epoch seconds. A bare number is read as epoch seconds, so a bare year
# (YYYY) is too.
date_ns(s) := to_number(s) * 1000000000 if regex.match(`^-?[0-9]+(\.[0-9]+)?$`, s)

date_ns(s) := time.parse_rfc3339_ns(s) if contains(s, "T")

date_ns(s) := time.parse_rfc3339_ns(concat("", [substring(s, 0, 16), ":00", substring(s, 16, -1)])) if {
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$`, s)
}

date_ns(s) := time.parse_ns("2006-01-02", s) if regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, s)

date_ns(s) := time.parse_ns("2006-01", s) if regex.match(`^[0-9]{4}-[0-9]{2}$`, s)
