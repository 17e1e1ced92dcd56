# METADATA
# title: Policies inside templates and plans
# description: |
#   Extracts the policy documents of a CloudFormation template or a Terraform
#   plan given whole as the input (what stock conftest passes), as
#   `kmsguard check` extracts them (package parse, docs/check.md "Input
#   formats"): documents, and container, true when the input is such a file.
# related_resources:
#   - https://www.conftest.dev/
package kmsguard.lint.extract

# ---- policies inside CloudFormation templates and Terraform plans ------------------------
# Stock conftest passes a whole file as the input. For a CloudFormation
# template or a Terraform plan (`terraform show -json`), the policy documents
# are extracted here as `kmsguard check` extracts them (package parse,
# docs/check.md "Input formats"), so that conftest reports the same findings;
# data.kmsguard.rules_templates runs every rule on each of them. The rules
# themselves see a container as no policy at all.

# wrapped: the input is {"policy": ..., "kind": ..., "config": ..., "key_arn": ...}.
wrapped if {
	is_object(input)
	"policy" in object.keys(input)
}

# container: the input is a template or a plan, not a policy document.
container if {
	not wrapped
	cloudformation
}

container if {
	not wrapped
	terraform_plan
}

cloudformation if "AWSTemplateFormatVersion" in object.keys(input)

cloudformation if {
	is_object(input.Resources)
	some r in input.Resources
	is_string(r.Type)
	contains(r.Type, "::")
}

terraform_plan if {
	not cloudformation
	some k in ["resource_changes", "planned_values", "prior_state"]
	is_object(input[k]) # planned_values, prior_state
}

terraform_plan if {
	not cloudformation
	is_array(input.resource_changes)
}

# documents: {"input": <lint wrapper>, "where", "resource"} for each policy
# of the container.
documents contains {"input": {"policy": doc, "kind": spec.kind}, "where": where, "resource": id} if {
	cloudformation
	some id, r in input.Resources
	spec := cfn_policies[r.Type]
	not spec.list
	raw := r.Properties[spec.property]
	doc := cfn_document(raw)
	where := sprintf("Resources.%s.Properties.%s", [id, spec.property])
}

documents contains {"input": {"policy": doc, "kind": spec.kind}, "where": where, "resource": id} if {
	cloudformation
	some id, r in input.Resources
	spec := cfn_policies[r.Type]
	spec.list
	some n, item in r.Properties[spec.property]
	is_object(item.PolicyDocument)
	doc := cfn_document(item.PolicyDocument)
	where := sprintf("Resources.%s.Properties.%s[%d].PolicyDocument", [id, spec.property, n])
}

# cfn_policies: resource type -> where its policy document is
# (catalog.cloudformation.policy_properties, read by policyfile too).
cfn_policies := data.kmsguard.catalog.cloudformation.policy_properties

# cfn_document(raw): the policy of a property: an object with its
# intrinsic functions resolved, a JSON string, or Fn::Sub of a JSON string.
cfn_document(raw) := resolved(raw) if {
	is_object(raw)
	not intrinsic(raw)
}

cfn_document(raw) := json.unmarshal(policy_string(raw)) if {
	is_string(raw)
	startswith(trim_space(raw), "{")
}

# policy_string(s): a policy JSON string; one whose ${...} names the
# template's parameters or resources is a !Sub whose tag conftest's YAML
# parser dropped.
policy_string(s) := sub(s, {}) if {
	some ref in regex.find_n(`\$\{[^}!][^}]*\}`, s, -1)
	template_name(trim_space(substring(ref, 2, count(ref) - 3)))
} else := s

cfn_document(raw) := json.unmarshal(s) if {
	is_object(raw)
	intrinsic(raw)
	s := cfn_value(raw)
	is_string(s)
	startswith(trim_space(s), "{")
}

cfn_document(raw) := resolved(v) if {
	is_object(raw)
	intrinsic(raw)
	v := cfn_value(raw)
	is_object(v)
}

# resolved(v): v with every outermost intrinsic function replaced by its
# value before deployment (cfn_value), AWS::NoValue members and elements
# left out. Rego has no recursion, so intrinsics are resolved two levels
# deep (a !Sub or !Ref inside !Join, !If or a !Sub variable); deeper ones
# become tokens.
resolved(v) := json.patch(v, array.concat(
	array.concat(
		[{"op": "replace", "path": path, "value": cfn_value(x)} | some [path, x] in outer_calls(v); not no_value(x)],
		short_forms(v),
	),
	removals(v),
))

# short_forms(v): conftest's YAML parser drops CloudFormation's short-form
# tags, leaving !Sub "arn:${AWS::Partition}:..." as a plain string,
# !GetAtt Role.Arn as "Role.Arn" and !Ref Param as "Param". In a template,
# plain strings that can only be such a call are read as one: a string
# whose ${...} names a pseudo parameter, a parameter or a resource, and a
# string that is a parameter's or resource's name, or Resource.Attribute.
short_forms(v) := [{"op": "replace", "path": path, "value": short_value(x)} |
	walk(v, [path, x])
	count(path) > 0
	is_string(x)
	not inside_call(v, path)
	short_value(x)
]

short_value(x) := sub(x, {}) if {
	some ref in regex.find_n(`\$\{[^}!][^}]*\}`, x, -1)
	template_name(trim_space(substring(ref, 2, count(ref) - 3)))
} else := get_att(res, attr) if {
	regex.match(`^[A-Za-z0-9]+\.[A-Za-z0-9.]+$`, x)
	[res, attr] := split(x, ".")
	is_object(input.Resources[res])
} else := token(x) if {
	regex.match(`^[A-Za-z0-9]+$`, x)
	template_name(x)
}

template_name(n) if pseudo[n]

template_name(n) if is_object(input.Parameters[n])

template_name(n) if is_object(input.Resources[n])

template_name(n) if {
	[res, _] := split(n, ".")
	is_object(input.Resources[res])
}

# resolved_leaf(v): the same with leaf_value (one level).
resolved_leaf(v) := json.patch(v, array.concat(
	[{"op": "replace", "path": path, "value": leaf_value(x)} | some [path, x] in outer_calls(v); not no_value(x)],
	removals(v),
))

outer_calls(v) := [[path, x] |
	walk(v, [path, x])
	count(path) > 0
	is_object(x)
	intrinsic(x)
	not inside_call(v, path)
]

# removals: AWS::NoValue, last first so that list indices stay right.
removals(v) := [{"op": "remove", "path": path} |
	calls := outer_calls(v)
	some i in numbers.range(count(calls) - 1, 0)
	[path, x] := calls[i]
	no_value(x)
]

inside_call(v, path) if {
	some n in numbers.range(1, count(path) - 1)
	parent := object.get(v, array.slice(path, 0, n), null)
	is_object(parent)
	intrinsic(parent)
}

intrinsic(x) if {
	count(x) == 1
	some k, _ in x
	intrinsic_name(k)
}

intrinsic_name("Ref")

intrinsic_name(k) if startswith(k, "Fn::")

no_value({"Ref": "AWS::NoValue"})

# The stand-in stack a template is linted as (catalog.cloudformation: an
# account of the catalog's stand-in partition, in its default Region), as
# policyfile (Go) reads it.
_stack := data.kmsguard.catalog.cloudformation

_partition := [r | some r in data.kmsguard.catalog.partitions.rows; r.partition == _stack.stand_in_partition][0]

# Stand-ins for pseudo parameters.
pseudo := {
	"AWS::AccountId": _stack.stand_in_account_id,
	"AWS::Region": _partition.default_region,
	"AWS::Partition": _partition.partition,
	"AWS::URLSuffix": _partition.url_suffix,
}

# token(name): the stable stand-in for a value only known at deployment.
token(name) := concat("", ["kmsguard-unresolved-", regex.replace(name, `[^A-Za-z0-9._-]`, "-")])

function_name(x) := [k | some k, _ in x][0]

# cfn_value(x): the value of an intrinsic function call whose arguments may
# hold one more level of calls.
cfn_value(x) := v if {
	some fn, arg in x
	v := outer_call(fn, arg)
} else := leaf_value(x)

outer_call("Fn::Join", [delim, parts]) := concat(delim, texts) if {
	is_string(delim)
	is_array(parts)
	texts := [t | some p in parts; t := text_or_leaf(p)]
	count(texts) == count(parts)
}

outer_call("Fn::Sub", [s, vars]) := sub(s, {k: t | some k, v in vars; t := text_or_leaf(v)}) if {
	is_string(s)
	is_object(vars)
}

outer_call("Fn::If", args) := branch_value(args[1]) if {
	count(args) == 3
	not no_value(args[1])
} else := branch_value(args[2]) if {
	count(args) == 3
	not no_value(args[2])
}

branch_value(v) := leaf_value(v) if {
	is_object(v)
	intrinsic(v)
} else := resolved_leaf(v) if {
	is_object(v)
} else := v

text_or_leaf(p) := text(p)

text_or_leaf(p) := t if {
	is_object(p)
	intrinsic(p)
	t := leaf_value(p)
	is_string(t)
}

text(p) := p if is_string(p)

text(p) := format_int(p, 10) if is_number(p)

text(p) := format_bool(p) if is_boolean(p)

format_bool(true) := "true"

format_bool(false) := "false"

# leaf_value(x): the value of an intrinsic function call with literal
# arguments; a token for anything else.
leaf_value(x) := v if {
	some fn, arg in x
	v := leaf_call(fn, arg)
} else := token(trim_prefix(function_name(x), "Fn::"))

leaf_call("Ref", name) := pseudo[name] if {
	is_string(name)
} else := token(trim_prefix(name, "AWS::")) if {
	is_string(name)
	name != "AWS::NoValue"
}

leaf_call("Fn::GetAtt", arg) := get_att(res, attr) if {
	[res, attr] := get_att_args(arg)
}

leaf_call("Fn::Sub", s) := sub(s, {}) if is_string(s)

leaf_call("Fn::Sub", [s, vars]) := sub(s, {k: t | some k, v in vars; t := text(v)}) if {
	is_string(s)
	is_object(vars)
}

leaf_call("Fn::Join", [delim, parts]) := concat(delim, texts) if {
	is_string(delim)
	is_array(parts)
	texts := [t | some p in parts; t := text(p)]
	count(texts) == count(parts)
}

leaf_call("Fn::ImportValue", name) := token(name) if is_string(name)

leaf_call("Fn::FindInMap", [m, k1, k2]) := input.Mappings[m][k1][k2] if {
	is_string(m)
	is_string(k1)
	is_string(k2)
}

leaf_call("Fn::If", args) := args[1] if {
	count(args) == 3
	not is_object(args[1])
} else := args[2] if {
	count(args) == 3
	no_value(args[1])
	not is_object(args[2])
}

get_att_args(arg) := [res, attr] if {
	is_string(arg)
	[res, attr] := split(arg, ".")
} else := [res, attr] if {
	[res, attr] := arg
	is_string(res)
	is_string(attr)
}

arn_formats := {
	"AWS::IAM::Role": concat("", ["arn:", pseudo["AWS::Partition"], ":iam::", pseudo["AWS::AccountId"], ":role/%s"]),
	"AWS::IAM::User": concat("", ["arn:", pseudo["AWS::Partition"], ":iam::", pseudo["AWS::AccountId"], ":user/%s"]),
	"AWS::KMS::Key": _key_arn_format,
	"AWS::KMS::ReplicaKey": _key_arn_format,
}

_key_arn_format := concat("", ["arn:", pseudo["AWS::Partition"], ":kms:", pseudo["AWS::Region"], ":", pseudo["AWS::AccountId"], ":key/%s"])

get_att(res, attr) := sprintf(arn_formats[input.Resources[res].Type], [token(res)]) if {
	attr == "Arn"
	arn_formats[input.Resources[res].Type]
} else := token(concat(".", [res, attr]))

# sub(s, vars): Fn::Sub: each ${Name} replaced (the variables given first,
# pseudo parameters, Resource.Attribute, otherwise a token); ${!Literal} is
# ${Literal}.
sub(s, vars) := strings.replace_n({ref: sub_value(ref, vars) | some ref in regex.find_n(`\$\{[^}]*\}`, s, -1)}, s)

sub_value(ref, _) := concat("", ["${", substring(ref, 3, count(ref) - 4), "}"]) if startswith(ref, "${!")

sub_value(ref, vars) := sub_name(trim_space(substring(ref, 2, count(ref) - 3)), vars) if not startswith(ref, "${!")

sub_name(name, vars) := vars[name] if {
	vars[name]
} else := pseudo[name] if {
	pseudo[name]
} else := get_att(res, attr) if {
	not startswith(name, "AWS::")
	[res, attr] := split(name, ".")
} else := token(trim_prefix(name, "AWS::"))

# ---- Terraform plans -----------------------------------------------------------------------

# tf_policies: resource type -> the attribute holding its policy JSON
# (catalog.terraform.policy_attributes, read by policyfile too).
tf_policies := data.kmsguard.catalog.terraform.policy_attributes

# tf_resources: address -> values, the first source that has it winning:
# resource_changes (after the change, deletions left out), planned_values,
# then prior_state's data sources.
tf_changed[rc.address] := {"type": rc.type, "mode": rc.mode, "values": rc.change.after} if {
	some rc in input.resource_changes
	is_object(rc.change.after)
	rc.change.actions != ["delete"]
}

tf_planned[r.address] := {"type": r.type, "mode": r.mode, "values": r.values} if {
	walk(input.planned_values, [path, r])
	count(path) > 0
	path[count(path) - 2] == "resources"
	is_string(r.address)
	not tf_changed[r.address]
}

tf_prior[r.address] := {"type": r.type, "mode": r.mode, "values": r.values} if {
	walk(input.prior_state.values, [path, r])
	count(path) > 0
	path[count(path) - 2] == "resources"
	r.mode == "data"
	not tf_changed[r.address]
	not tf_planned[r.address]
}

tf_resources := object.union_n([tf_prior, tf_planned, tf_changed])

tf_policy(r) := s if {
	spec := tf_policies[r.type]
	data_source(r) == policy_document(r)
	s := r.values[spec.attr]
	is_string(s)
	trim_space(s) != ""
}

data_source(r) := r.mode == "data"

policy_document(r) := r.type == "aws_iam_policy_document"

# JSON strings that are the policy of a managed resource: a policy document
# data source with the same JSON is reported once, at the resource.
tf_resource_policies contains tf_policy(r) if {
	some r in tf_resources
	r.mode != "data"
}

documents contains {"input": object.union({"policy": json.unmarshal(s), "kind": spec.kind}, tf_key_arn(r, spec)), "where": concat(".", [address, spec.attr]), "resource": address} if {
	terraform_plan
	some address, r in tf_resources
	spec := tf_policies[r.type]
	s := tf_policy(r)
	spec.kind != ""
}

documents contains {"input": {"policy": json.unmarshal(s)}, "where": concat(".", [address, spec.attr]), "resource": address} if {
	terraform_plan
	some address, r in tf_resources
	spec := tf_policies[r.type]
	s := tf_policy(r)
	spec.kind == ""
	not s in tf_resource_policies
}

tf_key_arn(r, spec) := {"key_arn": arn} if {
	spec.kind == "key_policy"
	arn := tf_arn(r.values)
	arn != ""
} else := {}

tf_arn(values) := values.key_id if {
	is_string(values.key_id)
	startswith(values.key_id, "arn:")
} else := values.arn if is_string(values.arn)
