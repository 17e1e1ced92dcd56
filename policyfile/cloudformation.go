package policyfile

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// UnresolvedPrefix starts the stable token that replaces a value only
// known at deployment (a parameter, an import, a resource's name).
const UnresolvedPrefix = "kmsguard-unresolved-"

// cfnPolicy says where a resource type keeps its policy documents (a row
// of catalog.cloudformation.policy_properties).
type cfnPolicy struct {
	Property string `json:"property"` // property holding the document
	List     bool   `json:"list"`     // property is a list of {PolicyName, PolicyDocument}
	Kind     string `json:"kind"`
}

// isTemplate tells a CloudFormation template: it names a format version or
// has Resources with a CloudFormation Type.
func isTemplate(obj map[string]any) bool {
	if _, ok := obj["AWSTemplateFormatVersion"]; ok {
		return true
	}
	res, ok := obj["Resources"].(map[string]any)
	if !ok {
		return false
	}
	for _, r := range res {
		if m, ok := r.(map[string]any); ok {
			if t, ok := m["Type"].(string); ok && strings.Contains(t, "::") {
				return true
			}
		}
	}
	return false
}

// template is what intrinsic functions need from the template.
type template struct {
	types    map[string]string // logical id -> resource type
	mappings map[string]any
	stack    *stack
}

// cloudFormation returns the key policies and IAM policies of a template,
// in the order of the resources' logical ids.
func cloudFormation(name string, obj map[string]any, pos positions) ([]Document, error) {
	st, err := standInStack()
	if err != nil {
		return nil, err
	}
	res, _ := obj["Resources"].(map[string]any)
	t := &template{types: map[string]string{}, stack: st}
	t.mappings, _ = obj["Mappings"].(map[string]any)
	ids := make([]string, 0, len(res))
	for id, r := range res {
		ids = append(ids, id)
		if m, ok := r.(map[string]any); ok {
			if typ, ok := m["Type"].(string); ok {
				t.types[id] = typ
			}
		}
	}
	sort.Strings(ids)
	var docs []Document
	for _, id := range ids {
		spec, ok := st.policies[t.types[id]]
		if !ok {
			continue
		}
		r := res[id].(map[string]any)
		props, _ := r["Properties"].(map[string]any)
		rptr := pointer(pointer("", "Resources"), id)
		pptr := pointer(rptr, "Properties")
		base := Document{File: name, Format: FormatCloudFormation, Resource: id, Kind: spec.Kind, Line: pos.line(rptr)}
		skips, err := inlineSkips(name, r["Metadata"], pos, pointer(rptr, "Metadata"), "Resources."+id+".Metadata")
		if err != nil {
			return nil, err
		}
		base.Skips = skips
		if !spec.List {
			d, ok, err := t.document(base, props[spec.Property], pos, pointer(pptr, spec.Property),
				"Resources."+id+".Properties."+spec.Property)
			if err != nil {
				return nil, err
			}
			if ok {
				docs = append(docs, d)
			}
			continue
		}
		lptr := pointer(pptr, spec.Property)
		for _, it := range t.items(props[spec.Property], lptr) {
			p, _ := it.v.(map[string]any)
			d, ok, err := t.document(base, p["PolicyDocument"], pos, pointer(it.ptr, "PolicyDocument"),
				fmt.Sprintf("Resources.%s.Properties.%s[%d].PolicyDocument", id, spec.Property, it.i))
			if err != nil {
				return nil, err
			}
			if ok {
				docs = append(docs, d)
			}
		}
	}
	return docs, nil
}

// item is an element of a list property with its original index and
// pointer (noPos when it came out of an intrinsic function).
type item struct {
	v   any
	i   int
	ptr string
}

// items lists the elements of a list property, leaving out AWS::NoValue.
func (t *template) items(raw any, ptr string) []item {
	var out []item
	if l, ok := raw.([]any); ok {
		for i, e := range l {
			p := index(ptr, i)
			if m, ok := e.(map[string]any); ok && isIntrinsic(m) {
				r, keep := t.resolve(m)
				if !keep {
					continue
				}
				e, p = r, noPos
			}
			out = append(out, item{v: e, i: i, ptr: p})
		}
		return out
	}
	r, _ := t.resolve(raw)
	if l, ok := r.([]any); ok {
		for i, e := range l {
			out = append(out, item{v: e, i: i, ptr: noPos})
		}
	}
	return out
}

// document resolves the intrinsics of one policy document at ptr. ok is
// false when there is no document to lint (the property is absent or only
// known at deployment).
func (t *template) document(base Document, raw any, pos positions, ptr, where string) (Document, bool, error) {
	d := base
	d.Where = where
	if l := pos.line(ptr); l > 0 {
		d.Line = l
	}
	if s, ok := raw.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "{") {
		doc, err := policyString(base.File, where, s)
		if err != nil {
			return d, false, err
		}
		raw = doc
		ptr = noPos // no positions inside a string
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return d, false, nil
	}
	if isIntrinsic(obj) {
		v, keep := t.resolve(obj)
		if !keep {
			return d, false, nil
		}
		// KeyPolicy: !Sub | {...}: a JSON string with its ${...} replaced
		// like every other intrinsic.
		if s, ok := v.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "{") {
			doc, err := policyString(base.File, where, s)
			if err != nil {
				return d, false, err
			}
			v = doc
		}
		if obj, ok = v.(map[string]any); !ok {
			return d, false, nil
		}
		ptr = noPos
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if k == "Statement" {
			continue
		}
		if r, keep := t.resolve(v); keep {
			out[k] = r
		}
	}
	sptr := pointer(ptr, "Statement")
	switch st := obj["Statement"].(type) {
	case []any:
		list := make([]any, 0, len(st))
		for i, s := range st {
			r, keep := t.resolve(s)
			if !keep {
				continue
			}
			list = append(list, r)
			d.StatementLines = append(d.StatementLines, pos.line(index(sptr, i)))
		}
		out["Statement"] = list
	case nil:
	default:
		r, keep := t.resolve(st)
		if keep {
			out["Statement"] = r
			if m, single := st.(map[string]any); single && !isIntrinsic(m) {
				d.StatementLines = []int{pos.line(sptr)}
			}
		}
	}
	d.Policy = out
	return d, true, nil
}

// isIntrinsic tells an intrinsic function call: an object with the single
// key Ref or Fn::Name.
func isIntrinsic(obj map[string]any) bool {
	if len(obj) != 1 {
		return false
	}
	for k := range obj {
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// resolve replaces the intrinsic functions in v by the values they stand for
// before deployment; keep is false for AWS::NoValue (the element is left out).
func (t *template) resolve(v any) (out any, keep bool) {
	switch x := v.(type) {
	case map[string]any:
		if isIntrinsic(x) {
			for fn, arg := range x {
				return t.call(fn, arg)
			}
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			if r, keep := t.resolve(e); keep {
				m[k] = r
			}
		}
		return m, true
	case []any:
		l := make([]any, 0, len(x))
		for _, e := range x {
			if r, keep := t.resolve(e); keep {
				l = append(l, r)
			}
		}
		return l, true
	}
	return v, true
}

// call evaluates one intrinsic function as far as the template allows.
func (t *template) call(fn string, arg any) (any, bool) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return t.ref(name)
	case "Fn::GetAtt":
		res, attr := getAttArgs(arg)
		if res == "" {
			return token("GetAtt"), true
		}
		return t.getAtt(res, attr), true
	case "Fn::Sub":
		return t.sub(arg), true
	case "Fn::Join":
		args, _ := arg.([]any)
		if len(args) == 2 {
			delim, ok1 := args[0].(string)
			parts, _ := t.resolve(args[1])
			list, ok2 := parts.([]any)
			if ok1 && ok2 {
				strs := make([]string, 0, len(list))
				for _, p := range list {
					s, ok := scalarString(p)
					if !ok {
						return token("Join"), true
					}
					strs = append(strs, s)
				}
				return strings.Join(strs, delim), true
			}
		}
		return token("Join"), true
	case "Fn::If":
		// The condition is not known before deployment: take the first
		// branch that is not AWS::NoValue.
		args, _ := arg.([]any)
		if len(args) == 3 {
			if r, keep := t.resolve(args[1]); keep {
				return r, true
			}
			return t.resolve(args[2])
		}
		return token("If"), true
	case "Fn::Select":
		args, _ := arg.([]any)
		if len(args) == 2 {
			idx, _ := t.resolve(args[0])
			list, _ := t.resolve(args[1])
			s, _ := scalarString(idx)
			i, err := strconv.Atoi(s)
			if l, ok := list.([]any); ok && err == nil && i >= 0 && i < len(l) {
				return l[i], true
			}
		}
		return token("Select"), true
	case "Fn::Split":
		args, _ := arg.([]any)
		if len(args) == 2 {
			delim, ok1 := args[0].(string)
			r, _ := t.resolve(args[1])
			s, ok2 := r.(string)
			if ok1 && ok2 && delim != "" {
				parts := strings.Split(s, delim)
				out := make([]any, len(parts))
				for i, p := range parts {
					out[i] = p
				}
				return out, true
			}
		}
		return token("Split"), true
	case "Fn::FindInMap":
		return t.findInMap(arg), true
	case "Fn::ImportValue":
		if r, _ := t.resolve(arg); r != nil {
			if s, ok := r.(string); ok {
				return token(s), true
			}
		}
		return token("ImportValue"), true
	}
	return token(strings.TrimPrefix(fn, "Fn::")), true
}

// ref is the value of {"Ref": name}.
func (t *template) ref(name string) (any, bool) {
	if v, ok := t.stack.pseudo[name]; ok {
		return v, true
	}
	switch name {
	case "AWS::NoValue":
		return nil, false
	case "":
		return token("Ref"), true
	}
	return token(strings.TrimPrefix(name, "AWS::")), true
}

// getAtt is the value of {"Fn::GetAtt": [res, attr]}.
func (t *template) getAtt(res, attr string) string {
	if f, ok := t.stack.arnFormats[t.types[res]]; ok && attr == "Arn" {
		return fmt.Sprintf(f, token(res))
	}
	return token(res + "." + attr)
}

func getAttArgs(arg any) (res, attr string) {
	switch x := arg.(type) {
	case string:
		res, attr, _ = strings.Cut(x, ".")
	case []any:
		if len(x) == 2 {
			res, _ = x[0].(string)
			attr, _ = x[1].(string)
		}
	}
	return res, attr
}

// sub is the value of {"Fn::Sub": s} or {"Fn::Sub": [s, vars]}.
func (t *template) sub(arg any) any {
	var s string
	vars := map[string]any{}
	switch x := arg.(type) {
	case string:
		s = x
	case []any:
		if len(x) != 2 {
			return token("Sub")
		}
		var ok bool
		if s, ok = x[0].(string); !ok {
			return token("Sub")
		}
		m, _ := x[1].(map[string]any)
		for k, v := range m {
			vars[k] = v
		}
	default:
		return token("Sub")
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := rest[:j]
		s = rest[j+1:]
		if strings.HasPrefix(name, "!") { // ${!Literal} is written as ${Literal}
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		b.WriteString(t.subVar(strings.TrimSpace(name), vars))
	}
	return b.String()
}

func (t *template) subVar(name string, vars map[string]any) string {
	if v, ok := vars[name]; ok {
		r, keep := t.resolve(v)
		if s, ok := scalarString(r); ok && keep {
			return s
		}
		return token(name)
	}
	if !strings.HasPrefix(name, "AWS::") {
		if res, attr, ok := strings.Cut(name, "."); ok {
			return t.getAtt(res, attr)
		}
	}
	r, keep := t.ref(name)
	if !keep {
		return ""
	}
	s, _ := r.(string)
	return s
}

// findInMap looks a value up in the template's Mappings.
func (t *template) findInMap(arg any) any {
	args, _ := arg.([]any)
	if len(args) < 3 {
		return token("FindInMap")
	}
	keys := make([]string, 3)
	for i := range keys {
		r, _ := t.resolve(args[i])
		s, ok := scalarString(r)
		if !ok {
			return token("FindInMap")
		}
		keys[i] = s
	}
	m1, _ := t.mappings[keys[0]].(map[string]any)
	m2, _ := m1[keys[1]].(map[string]any)
	if v, ok := m2[keys[2]]; ok {
		r, _ := t.resolve(v)
		return r
	}
	if len(args) == 4 { // {"DefaultValue": ...}
		if d, ok := args[3].(map[string]any); ok {
			if v, ok := d["DefaultValue"]; ok {
				r, _ := t.resolve(v)
				return r
			}
		}
	}
	return token(keys[0] + "." + keys[1] + "." + keys[2])
}

// scalarString is the text of a string, number or boolean.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// token is the stable stand-in for a value only known at deployment:
// kmsguard-unresolved-<name>, with characters that could end an ARN field
// (':', '/', spaces, ...) replaced by '-'.
func token(name string) string {
	b := []byte(name)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			b[i] = '-'
		}
	}
	return UnresolvedPrefix + string(b)
}
