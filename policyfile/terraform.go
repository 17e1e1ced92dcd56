package policyfile

import (
	"sort"
	"strings"
)

// tfPolicy says which attribute of a Terraform resource type holds a policy
// JSON string, and its kind ("" for aws_iam_policy_document, whose use is
// not known from the data source itself): a row of
// catalog.terraform.policy_attributes.
type tfPolicy struct {
	Attr string `json:"attr"`
	Kind string `json:"kind"`
}

// tfResource is one resource instance of a plan with its values.
type tfResource struct {
	address, mode, typ string
	values             map[string]any
	ptr                string // JSON pointer of the resource object
	valuesPtr          string // JSON pointer of values
}

// terraformPlan returns the policies of the resources of a plan (`terraform
// show -json`): the planned values of managed resources (resource_changes
// after the change, then planned_values for the rest) and the data sources
// of prior_state. Resources being deleted and policies not known until
// apply are left out. An aws_iam_policy_document whose JSON is also the
// policy of a resource is reported once, at the resource.
func terraformPlan(name string, plan map[string]any, pos positions) ([]Document, error) {
	policies, err := terraformPolicies()
	if err != nil {
		return nil, err
	}
	var all []tfResource
	if rcs, ok := plan["resource_changes"].([]any); ok {
		for i, rc := range rcs {
			m, _ := rc.(map[string]any)
			change, _ := m["change"].(map[string]any)
			if isDelete(change["actions"]) {
				continue
			}
			after, ok := change["after"].(map[string]any)
			if !ok {
				continue
			}
			rptr := index(pointer("", "resource_changes"), i)
			all = append(all, tfResource{address: str(m["address"]), mode: str(m["mode"]), typ: str(m["type"]),
				values: after, ptr: rptr, valuesPtr: pointer(pointer(rptr, "change"), "after")})
		}
	}
	all = append(all, moduleResources(plan["planned_values"], pointer("", "planned_values"))...)
	if ps, ok := plan["prior_state"].(map[string]any); ok {
		for _, r := range moduleResources(ps["values"], pointer(pointer("", "prior_state"), "values")) {
			if r.mode == "data" {
				all = append(all, r)
			}
		}
	}

	seen := map[string]bool{}
	resourcePolicies := map[string]bool{}
	type found struct {
		doc  Document
		json string
	}
	var out []found
	for _, r := range all {
		spec, ok := policies[r.typ]
		if !ok || seen[r.address] {
			continue
		}
		if (r.mode == "data") != (r.typ == "aws_iam_policy_document") {
			continue
		}
		s, ok := r.values[spec.Attr].(string)
		if !ok || strings.TrimSpace(s) == "" {
			continue
		}
		seen[r.address] = true
		where := r.address + "." + spec.Attr
		doc, err := policyString(name, where, s)
		if err != nil {
			return nil, err
		}
		// The policy is a JSON string: its findings point at the line of
		// the attribute holding it (the resource's when unknown).
		line := pos.line(pointer(r.valuesPtr, spec.Attr))
		if line == 0 {
			line = pos.line(r.ptr)
		}
		d := Document{File: name, Format: FormatTerraformPlan, Where: where, Resource: r.address,
			Kind: spec.Kind, Policy: doc, Line: line}
		if spec.Kind == KindKeyPolicy {
			d.KeyARN = str(r.values["arn"])
			if k := str(r.values["key_id"]); strings.HasPrefix(k, "arn:") {
				d.KeyARN = k
			}
		}
		if r.mode != "data" {
			resourcePolicies[s] = true
		}
		out = append(out, found{doc: d, json: s})
	}
	docs := make([]Document, 0, len(out))
	for _, f := range out {
		if f.doc.Kind == "" && resourcePolicies[f.json] {
			continue
		}
		docs = append(docs, f.doc)
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Resource < docs[j].Resource })
	return docs, nil
}

// moduleResources lists the resources of a module and its child modules
// ({"root_module": {"resources": [...], "child_modules": [...]}}).
func moduleResources(v any, ptr string) []tfResource {
	m, _ := v.(map[string]any)
	root, ok := m["root_module"].(map[string]any)
	if !ok {
		return nil
	}
	return walkModule(root, pointer(ptr, "root_module"))
}

func walkModule(mod map[string]any, ptr string) []tfResource {
	var out []tfResource
	res, _ := mod["resources"].([]any)
	for i, r := range res {
		m, _ := r.(map[string]any)
		values, _ := m["values"].(map[string]any)
		rptr := index(pointer(ptr, "resources"), i)
		out = append(out, tfResource{address: str(m["address"]), mode: str(m["mode"]), typ: str(m["type"]),
			values: values, ptr: rptr, valuesPtr: pointer(rptr, "values")})
	}
	children, _ := mod["child_modules"].([]any)
	for i, c := range children {
		if cm, ok := c.(map[string]any); ok {
			out = append(out, walkModule(cm, index(pointer(ptr, "child_modules"), i))...)
		}
	}
	return out
}

// isDelete tells a change that only deletes (["delete"]); a replacement
// (["delete", "create"]) still has a planned policy.
func isDelete(v any) bool {
	actions, _ := v.([]any)
	return len(actions) == 1 && actions[0] == "delete"
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
