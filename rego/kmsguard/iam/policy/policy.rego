# METADATA
# title: IAM policy documents
# description: |
#   Reads a policy document into a list of normalised statements, and lists
#   what is wrong with a document that AWS would reject.
#   A normalised statement has: index, sid (or null), effect, action and
#   not_action (lower-cased patterns or null), principal and not_principal
#   (see kmsguard.iam.principal.normalize, or null), resource and not_resource
#   (lists or null), condition (an object) and vars (whether policy variables
#   apply: Version 2012-10-17).
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
package kmsguard.iam.policy

import data.kmsguard.iam.condition
import data.kmsguard.iam.principal

# document(v) is the policy document v, parsed when it is a JSON string (the
# form GetKeyPolicy and the IAM APIs return).
document(v) := json.unmarshal(v) if {
	is_string(v)
	json.is_valid(v)
}

document(v) := v if not is_string(v)

# raw_statements gives the Statement element as a list.
raw_statements(doc) := doc.Statement if is_array(doc.Statement)

raw_statements(doc) := [doc.Statement] if is_object(doc.Statement)

# statements normalises every statement of a document.
statements(v) := [normalize(i, s, vars) |
	doc := document(v)
	vars := object.get(doc, "Version", "") == "2012-10-17"
	some i, s in raw_statements(doc)
] if is_object(document(v))

statements(v) := [] if not is_object(document(v))

normalize(i, s, vars) := {
	"index": i,
	"sid": object.get(s, "Sid", null),
	"effect": object.get(s, "Effect", null),
	"action": actions(object.get(s, "Action", null)),
	"not_action": actions(object.get(s, "NotAction", null)),
	"principal": principals(object.get(s, "Principal", null)),
	"not_principal": principals(object.get(s, "NotPrincipal", null)),
	"resource": listed(object.get(s, "Resource", null)),
	"not_resource": listed(object.get(s, "NotResource", null)),
	"condition": object.get(s, "Condition", {}),
	"vars": vars,
} if is_object(s)

# actions: lower-cased patterns split into exact names (a set, for a single
# lookup) and wildcard patterns.
actions(null) := null

actions(v) := {
	"exact": {a | some a in split(joined, "\n")},
	"wild": wild_glob(regex.find_n(`[^\n]*[*?][^\n]*`, joined, -1)),
} if {
	v != null
	joined := lower(concat("\n", [a | some a in as_list(v); is_string(a)]))
}

# wild_glob: one glob matching any of the wildcard patterns (null for none).
# Valid action patterns hold only letters, digits, "-", ":", "*" and "?".
wild_glob([]) := null

wild_glob(patterns) := concat("", ["{", concat(",", patterns), "}"]) if count(patterns) > 0

listed(null) := null

listed(v) := as_list(v) if v != null

principals(null) := null

principals(v) := principal.normalize(v) if v != null

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

# ---- validation --------------------------------------------------------------

# Kinds of policy: "resource" (key policy, RCP, VPC endpoint policy: need a
# Principal) and "identity" (identity policy, boundary, session policy, SCP:
# must not have one).
statement_elements := {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

versions := {"2012-10-17", "2008-10-17"}

# errors(path, v, kind) lists messages "path...: what is wrong".
errors(path, v, _) := {sprintf("%s: policy is not valid JSON", [path])} if {
	is_string(v)
	not json.is_valid(v)
}

errors(_, v, kind) := set() if valid(document(v), kind)

errors(path, v, kind) := document_errors(path, doc, kind) if {
	doc := document(v)
	not valid(doc, kind)
}

# valid(doc, kind) is a quick test that a document has nothing to report;
# only documents that fail it get the detailed (and slower) messages below.
valid(doc, kind) if {
	is_object(doc)
	every k, _ in doc {
		k in {"Version", "Id", "Statement"}
	}
	object.get(doc, "Version", "2012-10-17") in versions
	statements := raw_statements(doc)
	every s in statements {
		valid_statement(s, kind)
	}
}

valid_statement(s, kind) if {
	is_object(s)
	count(object.keys(s) - statement_elements) == 0
	s.Effect in {"Allow", "Deny"}
	is_string(object.get(s, "Sid", ""))
	valid_actions(s)
	valid_resources(s)
	valid_principal(s, kind)
	valid_condition(object.get(s, "Condition", {}))
}

valid_actions(s) if {
	not s.NotAction
	valid_action_list(s.Action)
}

valid_actions(s) if {
	not s.Action
	valid_action_list(s.NotAction)
}

valid_actions(s) if {
	not s.Action
	not s.NotAction
}

valid_action_list(v) if {
	list := as_list(v)
	joined := concat("\n", list)
	regex.match(action_list_pattern, joined)
	count(split(joined, "\n")) == count(list)
}

valid_resources(s) if {
	not s.NotResource
	string_list(s.Resource)
	not some_service_wildcard(s.Resource)
}

valid_resources(s) if {
	not s.Resource
	string_list(s.NotResource)
	not some_service_wildcard(s.NotResource)
}

# A wildcard in the service part of an ARN is no valid resource (IAM
# Resource element: wildcards are not allowed in the service segment).
service_wildcard(r) if {
	startswith(r, "arn:")
	parts := split(r, ":")
	count(parts) > 2
	regex.match(`[*?]`, parts[2])
}

some_service_wildcard(v) if {
	some r in as_list(v)
	service_wildcard(r)
}

valid_resources(s) if {
	not s.Resource
	not s.NotResource
}

valid_principal(s, "identity") if {
	not s.Principal
	not s.NotPrincipal
}

valid_principal(s, "resource") if {
	not s.NotPrincipal
	principal.valid(s.Principal)
}

valid_principal(s, "resource") if {
	not s.Principal
	principal.valid(s.NotPrincipal)
}

valid_condition(c) if {
	is_object(c)
	every op, kv in c {
		condition.valid_op(op)
		is_object(kv)
		every _, x in kv {
			x != []
			scalar_list(x)
			every y in condition.values(x) {
				condition.valid_value(op, y)
			}
		}
	}
}

action_pattern := `^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$`

# action_list_pattern: one or more actions, one per line.
action_list_pattern := `^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)(\n(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+))*$`

document_errors(path, doc, _) := {sprintf("%s: a policy must be a JSON object, not %s", [path, type_name(doc)])} if not is_object(doc)

document_errors(path, doc, kind) := {msg |
	some check in [
		{sprintf("%s: unknown policy element %q (expected Version, Id, Statement)", [path, k]) |
			some k, _ in doc
			not k in {"Version", "Id", "Statement"}
		},
		{sprintf("%s.Version: %v is not a policy language version (use \"2012-10-17\")", [path, doc.Version]) |
			"Version" in object.keys(doc)
			not doc.Version in versions
		},
		{sprintf("%s: the policy has no Statement", [path]) | not "Statement" in object.keys(doc)},
		{sprintf("%s.Statement: must be an object or a list of objects", [path]) |
			"Statement" in object.keys(doc)
			not is_array(doc.Statement)
			not is_object(doc.Statement)
		},
		{msg |
			some i, s in raw_statements(doc)
			some msg in statement_errors(sprintf("%s.Statement[%d]", [path, i]), s, kind)
		},
	]
	some msg in check
} if is_object(doc)

statement_errors(path, s, _) := {sprintf("%s: a statement must be a JSON object", [path])} if not is_object(s)

statement_errors(path, s, kind) := element_errors(path, s, kind) if is_object(s)

element_errors(path, s, kind) := {msg |
	some check in [
		unknown_elements(path, s),
		effect_errors(path, s),
		pair_errors(path, s, "Action", "NotAction"),
		pair_errors(path, s, "Resource", "NotResource"),
		action_errors(path, s),
		string_list_errors(path, s, "Resource"),
		string_list_errors(path, s, "NotResource"),
		principal_errors(path, s, kind),
		condition_errors(path, s),
		sid_errors(path, s),
	]
	some msg in check
}

unknown_elements(path, s) := {sprintf("%s: unknown statement element %q", [path, k]) |
	some k, _ in s
	not k in statement_elements
}

effect_errors(path, s) := {sprintf("%s.Effect: missing (must be \"Allow\" or \"Deny\")", [path])} if not "Effect" in object.keys(s)

effect_errors(path, s) := {sprintf("%s.Effect: %v is not \"Allow\" or \"Deny\"", [path, s.Effect])} if {
	"Effect" in object.keys(s)
	not s.Effect in {"Allow", "Deny"}
}

effect_errors(_, s) := set() if s.Effect in {"Allow", "Deny"}

pair_errors(path, s, a, b) := {sprintf("%s: has both %s and %s", [path, a, b])} if {
	a in object.keys(s)
	b in object.keys(s)
}

pair_errors(_, s, a, b) := set() if not both(s, a, b)

both(s, a, b) if {
	a in object.keys(s)
	b in object.keys(s)
}

action_errors(path, s) := {msg |
	some k in ["Action", "NotAction"]
	k in object.keys(s)
	some msg in action_value_errors(sprintf("%s.%s", [path, k]), s[k])
}

action_value_errors(path, v) := string_list_value_errors(path, v) if not string_list(v)

action_value_errors(path, v) := {sprintf("%s: %q is not an action (expected service:Name, e.g. kms:Decrypt, or *)", [path, a]) |
	some a in as_list(v)
	not regex.match(action_pattern, a)
} if string_list(v)

string_list_errors(path, s, k) := string_list_value_errors(sprintf("%s.%s", [path, k]), s[k]) | {sprintf("%s.%s: %q has a wildcard in the service part of the ARN", [path, k, r]) |
	some r in as_list(s[k])
	is_string(r)
	service_wildcard(r)
} if k in object.keys(s)

string_list_errors(_, s, k) := set() if not k in object.keys(s)

string_list_value_errors(_, v) := set() if string_list(v)

string_list_value_errors(path, v) := {sprintf("%s: must be a string or a non-empty list of strings", [path])} if not string_list(v)

string_list(v) if is_string(v)

# A non-empty list of strings (concat fails on anything else).
string_list(v) if {
	is_array(v)
	count(v) > 0
	is_string(concat("", v))
}

principal_errors(path, s, "identity") := {sprintf("%s.%s: an identity policy, boundary, session policy or SCP cannot name a principal", [path, k]) |
	some k in ["Principal", "NotPrincipal"]
	k in object.keys(s)
}

principal_errors(path, s, "resource") := {sprintf("%s: a statement of a resource policy needs Principal or NotPrincipal", [path])} if {
	not "Principal" in object.keys(s)
	not "NotPrincipal" in object.keys(s)
}

principal_errors(path, s, "resource") := pair_errors(path, s, "Principal", "NotPrincipal") | {msg |
	some k in ["Principal", "NotPrincipal"]
	k in object.keys(s)
	some msg in principal.errors(sprintf("%s.%s", [path, k]), s[k])
} if {
	some k in ["Principal", "NotPrincipal"]
	k in object.keys(s)
}

condition_errors(_, s) := set() if not "Condition" in object.keys(s)

condition_errors(path, s) := {sprintf("%s.Condition: must be an object of operators", [path])} if {
	"Condition" in object.keys(s)
	not is_object(s.Condition)
}

condition_errors(path, s) := {msg |
	some op, kv in s.Condition
	some msg in operator_errors(sprintf("%s.Condition.%s", [path, op]), op, kv)
} if is_object(s.Condition)

operator_errors(path, op, _) := {sprintf("%s: unknown condition operator %q", [path, op])} if not condition.valid_op(op)

operator_errors(path, op, kv) := {sprintf("%s: must be an object of condition keys to values", [path])} if {
	condition.valid_op(op)
	not is_object(kv)
}

operator_errors(path, op, kv) := {msg |
	some k, v in kv
	some msg in value_errors(sprintf("%s[%q]", [path, k]), op, v)
} if {
	condition.valid_op(op)
	is_object(kv)
}

value_errors(path, _, v) := {sprintf("%s: a condition value must be a string, number, boolean or a list of them", [path])} if not scalar_list(v)

value_errors(path, _, []) := {sprintf("%s: an empty list of condition values", [path])}

value_errors(path, op, v) := {sprintf("%s: %v is not a valid value for %s", [path, x, op]) |
	some x in condition.values(v)
	not condition.valid_value(op, x)
} if {
	v != []
	scalar_list(v)
}

scalar_list(v) if scalar(v)

scalar_list(v) if {
	is_array(v)
	every x in v {
		scalar(x)
	}
}

scalar(v) if is_string(v)

scalar(v) if is_number(v)

scalar(v) if is_boolean(v)

sid_errors(path, s) := {sprintf("%s.Sid: must be a string", [path])} if {
	"Sid" in object.keys(s)
	not is_string(s.Sid)
}

sid_errors(_, s) := set() if not "Sid" in object.keys(s)

sid_errors(_, s) := set() if is_string(s.Sid)
