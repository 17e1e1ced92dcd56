package kmsguard.access

import data.kmsguard.authz
import data.kmsguard.catalog
import data.kmsguard.iam.condition
import data.kmsguard.iam.pattern

# ---- conditions the snapshot decides, and those it leaves open -------------------------

# open_conditions(cond, ctx, vars, known, tags_known): the tests of a
# Condition block on keys a request decides (in the order of the block), when
# every test on a key the snapshot decides (known, and aws:ResourceTag/* when
# tags_known) passes; undefined otherwise.
open_conditions(cond, ctx, vars, known, tags_known) := [{"operator": op, "key": k, "values": condition.values(pv)} |
	some op, kv in cond
	some k, pv in kv
	not decided(lower(k), known, tags_known)
] if {
	every op, kv in cond {
		every k, pv in kv {
			snapshot_ok(op, k, pv, ctx, vars, known, tags_known)
		}
	}
}

decided(k, known, _) if k in known

decided(k, _, true) if startswith(k, "aws:resourcetag/")

snapshot_ok(_, k, _, _, _, known, tags_known) if not decided(lower(k), known, tags_known)

snapshot_ok(op, k, pv, ctx, vars, known, tags_known) if {
	decided(lower(k), known, tags_known)
	condition.test(op, k, pv, ctx, vars)
}

# ---- in words ---------------------------------------------------------------------------

# describe(c): a condition with its text.
describe(c) := object.union(c, {"text": condition_text(c)})

condition_text(c) := sprintf("only with encryption context %s (grant constraint)", [pairs_text(c.values)]) if c.operator == "GrantConstraint:EncryptionContextSubset"

condition_text(c) := sprintf("only with exactly the encryption context %s (grant constraint)", [pairs_text(c.values)]) if c.operator == "GrantConstraint:EncryptionContextEquals"

condition_text(c) := sprintf("only for grants of no other operations than %s (grant constraint)", [concat(", ", c.values)]) if {
	c.operator == "ForAllValues:StringEqualsIgnoreCase"
	object.get(c, "source", "") == "grant"
}

condition_text(c) := text if {
	not startswith(c.operator, "GrantConstraint:")
	object.get(c, "source", "") != "grant"
	text := plain_text(c, condition.parse_op(c.operator))
}

# Conditions with an unknown operator are shown as they are written.
condition_text(c) := sprintf("%s %s %s", [c.key, c.operator, values_text(c.values)]) if {
	not startswith(c.operator, "GrantConstraint:")
	object.get(c, "source", "") != "grant"
	not condition.parse_op(c.operator)
}

pairs_text(pairs) := concat(", ", [sprintf("%s = %s", [k, v]) | some k, v in pairs])

values_text(vs) := concat(" or ", [condition.text(v) | some v in vs])

# Phrases for the keys a reader meets most; anything else is shown as
# "key Operator values".
plain_text(c, o) := sprintf("only via %s%s", [values_text(c.values), if_exists_text(o)]) if {
	lower(c.key) == "kms:viaservice"
	o.test in {"stringequals", "stringlike", "stringequalsignorecase"}
	not o.negated
	o.set == ""
} else := sprintf("only with encryption context %s = %s%s", [substring(c.key, 22, -1), values_text(c.values), if_exists_text(o)]) if {
	startswith(lower(c.key), "kms:encryptioncontext:")
	o.test in {"stringequals", "stringlike", "stringequalsignorecase"}
	not o.negated
	o.set == ""
} else := sprintf("only from %s%s", [values_text(c.values), if_exists_text(o)]) if {
	lower(c.key) == "aws:sourceip"
	o.test == "ipaddress"
	not o.negated
} else := sprintf("only through %s%s", [values_text(c.values), if_exists_text(o)]) if {
	lower(c.key) in {"aws:sourcevpc", "aws:sourcevpce"}
	o.test == "stringequals"
	not o.negated
	o.set == ""
} else := sprintf("only for grants to AWS services (%s)", [c.key]) if {
	lower(c.key) == "kms:grantisforawsresource"
	o.test == "bool"
	lower(condition.text(c.values[0])) == "true"
} else := sprintf("%s %s %s", [c.key, c.operator, values_text(c.values)])

if_exists_text(o) := " (when present)" if o.if_exists

else := ""

# ---- an example request --------------------------------------------------------------

# example_context(path, denies, a): a request context (the question's
# "context" field) for action a under which the path applies and none of the
# given conditional denies does.
example_context(path, denies, a) := {k: v |
	some k, v in object.union(allow, deny_pairs)
	carried(k, a)
} if {
	allow := first_per_key([pair |
		some e in path
		some c in object.get(e, "conditions", [])
		some pair in allow_pairs(c, object.get(e, "context", {}))
	])
	wctx := {lower(k): authz.context_values(v) | some k, v in allow}
	defaults := object.get(catalog.request_defaults, a, {})
	deny_pairs := first_per_key([pair |
		some d in denies
		authz.conditions_ok(d.statement, object.union_n([d.context, defaults, wctx]))
		free := [c | some c in d.conditions; not lower(c.key) in {lower(k) | some k, _ in allow}]
		count(free) > 0
		some pair in falsify(free[0], d.context, defaults)
	])
}

# carried(k, a): a request for action a can carry context key k (a kms:*
# key not listed for the action never is; the decision rejects it).
carried(k, _) if not startswith(lower(k), "kms:")

carried(k, a) if catalog.carries(catalog.actions[a], lower(k))

# first_per_key: an object of [key, value] pairs, the first pair of each
# key winning, keys compared case-insensitively as condition keys are (the
# key is spelled as in that first pair).
first_per_key(pairs) := {first[0]: first[1] |
	some l in {lower(k) | some [k, _] in pairs}
	first := [pair | some pair in pairs; lower(pair[0]) == l][0]
}

allow_pairs(c, _) := [[concat("", ["kms:EncryptionContext:", k]), v] | some k, v in c.values] if startswith(c.operator, "GrantConstraint:")

allow_pairs(c, _) := [] if {
	not startswith(c.operator, "GrantConstraint:")
	object.get(c, "source", "") == "grant"
}

allow_pairs(c, ctx) := value_pairs(c, condition.parse_op(c.operator), ctx) if {
	not startswith(c.operator, "GrantConstraint:")
	object.get(c, "source", "") != "grant"
}

value_pairs(c, o, _) := [[c.key, "example"]] if {
	o.test == "null"
	lower(condition.text(c.values[0])) == "false"
}

value_pairs(c, o, _) := [] if {
	o.test == "null"
	lower(condition.text(c.values[0])) != "false"
}

# ForAllValues holds for an absent key; a plain negated operator too.
value_pairs(_, o, _) := [] if {
	o.test != "null"
	o.set == "all"
}

value_pairs(_, o, _) := [] if {
	o.test != "null"
	o.set == ""
	o.negated
}

value_pairs(c, o, _) := [[c.key, ["kmsguard-example"]]] if {
	o.test != "null"
	o.set == "any"
	o.negated
}

value_pairs(c, o, ctx) := [[c.key, wrap(o, v)]] if {
	o.test != "null"
	o.set != "all"
	not o.negated
	v := example_value(o.test, condition.text(c.values[0]), ctx)
}

wrap(o, v) := [v] if o.set == "any"

wrap(o, v) := v if o.set != "any"

# example_value(test, p, ctx): a request value that the policy value p
# passes under the operator's test.
example_value(t, p, ctx) := expanded(p, ctx) if t in {"stringequals", "stringequalsignorecase", "binaryequals", "bool", "numericequals", "dateequals"}

example_value(t, p, ctx) := replace(replace(expanded(p, ctx), "*", "x"), "?", "x") if t in {"stringlike", "arnlike"}

example_value("numericlessthan", p, _) := condition.text(to_number(p) - 1)

example_value("numericgreaterthan", p, _) := condition.text(to_number(p) + 1)

example_value(t, p, _) := p if t in {"numericlessthanequals", "numericgreaterthanequals", "datelessthanequals", "dategreaterthanequals"}

example_value("datelessthan", _, _) := "1970-01-01T00:00:00Z"

example_value("dategreaterthan", _, _) := "2999-12-31T00:00:00Z"

example_value("ipaddress", p, _) := split(p, "/")[0]

expanded(p, ctx) := pattern.expand(p, ctx) if pattern.has_vars(p)

expanded(p, _) := p if not pattern.has_vars(p)

# falsify: as falsify_pairs, but a key the request defaults (for the action)
# is never absent: it gets a value the test fails on.
falsify(c, ctx, defaults) := falsify_pairs(c, ctx) if not defaults[lower(c.key)]

falsify(c, _, defaults) := [[c.key, failing_value(o, condition.text(c.values[0]))]] if {
	defaults[lower(c.key)]
	o := condition.parse_op(c.operator)
	not o.negated
}

falsify(c, ctx, defaults) := falsify_pairs(c, ctx) if {
	defaults[lower(c.key)]
	o := condition.parse_op(c.operator)
	o.negated
}

# failing_value(o, p): a value the positive test o fails on against p.
failing_value(o, p) := p if o.test in {"numericgreaterthan", "numericlessthan"}

failing_value(o, p) := condition.text(to_number(p) - 1) if o.test == "numericgreaterthanequals"

failing_value(o, p) := condition.text(to_number(p) + 1) if o.test in {"numericlessthanequals", "numericequals"}

failing_value(o, _) := "kmsguard-example" if not startswith(o.test, "numeric")

# falsify_pairs(c, ctx): context that makes the test c fail ([] when its key
# being absent does).
falsify_pairs(c, _) := [[c.key, "example"]] if {
	o := condition.parse_op(c.operator)
	o.test == "null"
	lower(condition.text(c.values[0])) == "true"
}

falsify_pairs(c, _) := [] if {
	o := condition.parse_op(c.operator)
	o.test == "null"
	lower(condition.text(c.values[0])) != "true"
}

# Positive operators fail on an absent key unless ...IfExists.
falsify_pairs(c, _) := [] if {
	o := condition.parse_op(c.operator)
	o.test != "null"
	not o.negated
	o.set != "all"
	not o.if_exists
}

falsify_pairs(c, _) := [[c.key, non_matching(o, c)]] if {
	o := condition.parse_op(c.operator)
	o.test != "null"
	not o.negated
	o.set != "all"
	o.if_exists
}

falsify_pairs(c, _) := [[c.key, ["kmsguard-example"]]] if {
	o := condition.parse_op(c.operator)
	o.test != "null"
	not o.negated
	o.set == "all"
}

falsify_pairs(c, ctx) := [[c.key, wrap_all(o, v)]] if {
	o := condition.parse_op(c.operator)
	o.test != "null"
	o.negated
	o.set != "any"
	v := example_value(o.test, condition.text(c.values[0]), ctx)
}

falsify_pairs(c, _) := [] if {
	o := condition.parse_op(c.operator)
	o.negated
	o.set == "any"
}

wrap_all(o, v) := [v] if o.set == "all"

wrap_all(o, v) := v if o.set != "all"

non_matching(o, c) := "false" if {
	o.test == "bool"
	lower(condition.text(c.values[0])) == "true"
}

non_matching(o, c) := "true" if {
	o.test == "bool"
	lower(condition.text(c.values[0])) != "true"
}

non_matching(o, _) := "kmsguard-example" if o.test != "bool"
