package kmsguard.lint.facts

# ---- questions to the decision engine ------------------------------------------------------
# Rules that decide who can do what ask data.kmsguard.authz (the decision
# engine) instead of deriving access again; the contexts below are the
# requests they ask about.

# askable(k, a): a question about action a may give key k: the engine does
# not derive it from the caller (data.kmsguard.authz.caller_key_names), and
# requests for a can carry it. A condition on a key the
# action never carries (kms:GrantIsForAWSResource, kms:EncryptionContext:...
# on kms:PutKeyPolicy) never holds for it.
askable(k, a) if {
	not k in data.kmsguard.authz.caller_key_names
	not _never_carried(k, a)
}

_never_carried(k, a) if {
	present := _present_for(k)
	not a in present
}

# satisfying_context(f, a): a context that satisfies the positive
# conditions of statement facts f for a request for action a.
satisfying_context(f, a) := {c.raw_key: v |
	some c in f.conditions
	positive(c)
	askable(c.key, a)
	v := _satisfying_value(c)
}

_satisfying_value(c) := v if {
	c.o.test in {"stringequals", "stringequalsignorecase", "bool", "numericequals", "numericgreaterthanequals", "numericlessthanequals", "dateequals", "dategreaterthanequals", "datelessthanequals"}
	v := c.values[0]
	not contains(v, "${")
}

_satisfying_value(c) := replace(replace(c.values[0], "*", "x"), "?", "x") if {
	c.o.test in {"stringlike", "arnlike"}
	not contains(c.values[0], "${")
}

_satisfying_value(c) := split(c.values[0], "/")[0] if c.o.test == "ipaddress"

# escape_context(a): for each negated condition of a Deny statement, a value
# that makes it false, so that the Deny does not apply to a request for a.
escape_context(a) := {c.raw_key: v |
	some i in denies
	some c in at[i].conditions
	c.o.negated
	not c.o.if_exists
	askable(c.key, a)
	v := c.values[0]
	not contains(v, "${")
}

# _question_key(account): the key to ask about: key_arn, or the catalog's
# example key of the account in the aws partition.
_question_key(_) := key.arn

_question_key(account) := data.kmsguard.catalog.example_key_arn("aws", account) if not key.arn

# engine_allows(p, a, ctx, policies): the decision engine allows principal p
# action a (a catalogue name) on the key under this key policy, with the
# request context ctx and the question fields policies (identity policies).
engine_allows(p, a, ctx, policies) if {
	answer := data.kmsguard.authz.decision with input as object.union(
		{
			"principal": p,
			"action": _kms_name(a),
			"resource": _question_key(classify(p).account),
			"key_policy": document,
			"context": ctx,
		},
		policies,
	)
	answer.allowed
}
