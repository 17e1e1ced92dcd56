# METADATA
# title: IAM pattern matching
# description: |
#   Wildcard and ARN matching as the IAM policy language defines it:
#   `*` (any run of characters) and `?` (one character) in StringLike values,
#   Action and Resource elements; ARN operators match per colon-separated
#   segment; policy variables (${...}) expand from the request context.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
package kmsguard.iam.pattern

import data.kmsguard.catalog

# no_delimiters: glob.match treats an empty delimiter list as ["."]; IAM
# wildcards cross every character, so the delimiter is one no policy holds.
no_delimiters := ["\u0000"]

# glob_escape turns literal text into a glob pattern that matches exactly it.
glob_escape(s) := strings.replace_n(
	{`\`: `\\`, "[": `\[`, "]": `\]`, "{": `\{`, "}": `\}`, "*": `\*`, "?": `\?`},
	s,
)

# like_glob turns an IAM wildcard pattern (only * and ? are special) into a glob.
like_glob(p) := strings.replace_n({`\`: `\\`, "[": `\[`, "]": `\]`, "{": `\{`, "}": `\}`}, p)

# like(p, v): IAM wildcard match of the whole string v against pattern p
# (case-sensitive; `*` may cross any character, including `:` and `/`).
like(p, v) if p == v

like(p, v) if {
	p != v
	wildcard(p)
	glob.match(like_glob(p), no_delimiters, v)
}

wildcard(p) if contains(p, "*")

wildcard(p) if contains(p, "?")

# arn_like(p, v): ArnLike / Resource matching. Both must have the six ARN
# components; each of the first five is matched on its own (a wildcard never
# crosses a colon there), the sixth (resource) is everything after the fifth
# colon.
arn_like("*", _)

arn_like(p, v) if {
	p != "*"
	pp := arn_split(p)
	vp := arn_split(v)
	every i in numbers.range(0, 5) {
		like(pp[i], vp[i])
	}
}

# arn_glob matches an ARN value against an ARN pattern that is already a
# glob (escaped), segment by segment.
arn_glob(p, v) if {
	# Both have exactly six components: `*` must not cross a colon anywhere.
	count(split(p, ":")) == 6
	count(split(v, ":")) == 6
	glob.match(p, [":"], v)
}

arn_glob(p, v) if {
	not six_components(p, v)
	pp := arn_split(p)
	vp := arn_split(v)
	every i in numbers.range(0, 5) {
		glob.match(pp[i], no_delimiters, vp[i])
	}
}

# resource(p, r, ctx, vars): does the Resource / NotResource pattern p match
# the resource r? Policy variables expand (when vars) as literal text, and
# only in the resource part, after the fifth colon; elsewhere they are plain
# text. A pattern with fewer than six components whose last one ends in `*`
# matches across colons (docs/aws-rules.md#i-res: a trailing `*` expands past the segment).
resource("*", _, _, _)

resource(p, r, ctx, vars) if {
	p != "*"
	arn_glob(resource_glob(p, ctx, vars), r)
}

resource(p, r, _, _) if {
	not arn_split(p)
	endswith(p, "*")
	glob.match(like_glob(p), no_delimiters, r)
}

resource_glob(p, ctx, true) := concat(":", [like_glob(prefix), expand_like(rest, ctx)]) if {
	parts := split(p, ":")
	count(parts) >= 6
	prefix := concat(":", array.slice(parts, 0, 5))
	rest := concat(":", array.slice(parts, 5, count(parts)))
}

resource_glob(p, _, false) := like_glob(p)

# resolvable(p, ctx, vars): every variable of the resource pattern p has a value.
resolvable(_, _, false)

resolvable(p, _, true) if not has_vars(p)

resolvable(p, ctx, true) if {
	has_vars(p)
	resource_glob(p, ctx, true)
}

resolvable(p, _, true) if {
	has_vars(p)
	not arn_split(p)
}

six_components(p, v) if {
	count(split(p, ":")) == 6
	count(split(v, ":")) == 6
}

# arn_split splits an ARN into its six components, or is undefined.
arn_split(a) := parts if {
	s := split(a, ":")
	count(s) >= 6
	parts := array.concat(array.slice(s, 0, 5), [concat(":", array.slice(s, 5, count(s)))])
}

# ---- policy variables -------------------------------------------------------

# has_vars(s) is true when s holds a ${...} reference.
has_vars(s) if contains(s, "${")

# expand(s, ctx) replaces every ${key} / ${key, 'default'} by its value from
# ctx (lower-cased keys to lists of strings); ${*}, ${?} and ${$} become the
# literal characters. Undefined when a referenced key is absent (or
# multi-valued) and has no default: such a value matches nothing.
expand(s, _) := s if not has_vars(s)

expand(s, ctx) := concat("", [piece |
	some part in var_parts(s)
	piece := resolve(part, ctx)
]) if {
	has_vars(s)
	every part in var_parts(s) {
		resolve(part, ctx)
	}
}

# expand_like is expand for wildcard patterns: text from variables (and the
# ${*} / ${?} escapes) is literal, so it is escaped for glob matching.
expand_like(s, _) := like_glob(s) if not has_vars(s)

expand_like(s, ctx) := concat("", [piece |
	some part in var_parts(s)
	piece := resolve_like(part, ctx)
]) if {
	has_vars(s)
	every part in var_parts(s) {
		resolve_like(part, ctx)
	}
}

# var_parts splits s into literal text {"text": t} and references {"var": v}.
var_parts(s) := [part |
	some m in regex.find_all_string_submatch_n(`\$\{([^}]*)\}|[^$]+|\$`, s, -1)
	part := to_part(m)
]

to_part(m) := {"var": m[1]} if m[1] != ""

to_part(m) := {"text": m[0]} if m[1] == ""

resolve(part, _) := part.text

resolve(part, ctx) := v if {
	part.var
	v := var_value(part.var, ctx)
}

resolve_like(part, _) := like_glob(part.text)

resolve_like(part, ctx) := glob_escape(v) if {
	part.var
	v := var_value(part.var, ctx)
}

var_value("*", _) := "*"

var_value("?", _) := "?"

var_value("$", _) := "$"

var_value(name, ctx) := v if {
	not name in {"*", "?", "$"}
	not contains(name, ",")
	key := lower(trim_space(name))
	not catalog.multivalued(key)
	vals := ctx[key]
	count(vals) == 1
	v := vals[0]
}

var_value(name, ctx) := v if {
	contains(name, ",")
	[k, d] := split(name, ",")
	v := var_default(trim_space(k), trim_space(d), ctx)
}

var_default(k, _, ctx) := v if {
	not catalog.multivalued(lower(k))
	vals := ctx[lower(k)]
	count(vals) == 1
	v := vals[0]
}

var_default(k, d, ctx) := trim(d, "'") if {
	not single_valued(ctx, lower(k))
	startswith(d, "'")
	endswith(d, "'")
}

single_valued(ctx, k) if {
	not catalog.multivalued(k)
	count(ctx[k]) == 1
}
