package engine

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// actionSet is a normalised Action / NotAction element: lower-cased names,
// and the wildcard patterns among them.
type actionSet struct {
	exact []string
	wild  []pattern
}

func (a *actionSet) has(name string) bool {
	for _, e := range a.exact {
		if e == name {
			return true
		}
	}
	for i := range a.wild {
		if a.wild[i].match(name) {
			return true
		}
	}
	return false
}

// statement is policy.normalize's statement, compiled.
type statement struct {
	index        int
	sid          string
	hasSid       bool
	effect       string
	allow        bool
	action       *actionSet
	notAction    *actionSet
	principal    *principalSet
	notPrincipal *principalSet
	resource     []resourcePattern
	notResource  []resourcePattern
	hasRes       bool
	hasNotRes    bool
	conds        []condTest
	vars         bool
}

// document is a compiled policy document.
type document struct {
	statements []statement
	condKeys   []string // the lower-cased keys its conditions test, each once
}

const (
	kindResource = "resource"
	kindIdentity = "identity"
)

// validAction is policy.action_pattern, `^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$`.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	colon := strings.IndexByte(a, ':')
	if colon <= 0 || colon == len(a)-1 {
		return false
	}
	for i := range len(a) {
		c := a[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		switch {
		case i < colon && (alnum || c == '-'):
		case i > colon && (alnum || c == '*' || c == '?'):
		case i == colon:
		default:
			return false
		}
	}
	return true
}

var statementElements = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
	"NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
}

var principalTypes = map[string]bool{"AWS": true, "Service": true, "Federated": true, "CanonicalUser": true}

// compileDocument reads a policy document the Rego finds nothing wrong with
// (policy.valid) into statements; ok is false for any other document, and
// for what the engine does not handle: the question then goes to the Rego.
func compileDocument(v any, kind string) (*document, bool) { return compileDocumentIn(v, kind, nil, 0) }

// compileDocumentIn is compileDocument for a document of size bytes read
// by decodeSpaced with the cache c: statements c keeps are taken from it,
// and the others offered to it.
func compileDocumentIn(v any, kind string, c *docCache, size int) (*document, bool) {
	doc, isObj := asObject(v)
	if !isObj {
		return nil, false
	}
	for _, m := range doc {
		if k := m.key; k != "Version" && k != "Id" && k != "Statement" {
			return nil, false
		}
	}
	vars := false
	if ver, has := doc.get("Version"); has {
		s, isStr := ver.(string)
		if !isStr || (s != "2012-10-17" && s != "2008-10-17") {
			return nil, false
		}
		vars = s == "2012-10-17"
	}
	var raw []any
	st, _ := doc.get("Statement")
	if list, isList := st.([]any); isList {
		raw = list
	} else if _, isObj := asObject(st); isObj {
		raw = []any{st}
	} else {
		return nil, false
	}
	d := &document{statements: make([]statement, 0, len(raw))}
	var newRaws [][]byte // the statements compiled here, for the cache
	var newFrom []int
	for i, rs := range raw {
		var (
			s  statement
			ok bool
		)
		sp, isSpan := rs.(stmtSpan)
		switch {
		case !isSpan:
			s, ok = compileStatement(i, rs, kind, vars)
		case sp.v == nil:
			if s, ok = c.statement(sp.raw, kind, vars); ok {
				s.index = i
				break
			}
			// Kept as another kind or Version: read it now.
			v, read := decodeDocument(sp.raw)
			if !read {
				return nil, false
			}
			s, ok = compileStatement(i, v, kind, vars)
		default:
			s, ok = compileStatement(i, sp.v, kind, vars)
			newRaws, newFrom = append(newRaws, sp.raw), append(newFrom, i)
		}
		if !ok {
			return nil, false
		}
		d.statements = append(d.statements, s)
		for j := range s.conds {
			if !slices.Contains(d.condKeys, s.conds[j].keyL) {
				d.condKeys = append(d.condKeys, s.conds[j].keyL)
			}
		}
	}
	if c != nil && len(newRaws) > 0 {
		sts := make([]statement, len(newFrom))
		for j, i := range newFrom {
			sts[j] = d.statements[i]
		}
		c.keepStatements(kind, vars, newRaws, sts, size)
	}
	return d, true
}

func compileStatement(i int, v any, kind string, vars bool) (statement, bool) {
	st := statement{index: i, vars: vars}
	s, isObj := asObject(v)
	if !isObj {
		return st, false
	}
	for _, m := range s {
		if !statementElements[m.key] {
			return st, false
		}
	}
	e, _ := s.get("Effect")
	effect, _ := e.(string)
	if effect != "Allow" && effect != "Deny" {
		return st, false
	}
	st.effect, st.allow = effect, effect == "Allow"
	if sid, has := s.get("Sid"); has {
		str, isStr := sid.(string)
		if !isStr {
			return st, false
		}
		st.sid, st.hasSid = str, true
	}
	a, hasA := s.get("Action")
	na, hasNA := s.get("NotAction")
	var ok bool
	switch {
	case hasA && hasNA:
		return st, false
	case hasA:
		if st.action, ok = compileActions(a); !ok {
			return st, false
		}
	case hasNA:
		if st.notAction, ok = compileActions(na); !ok {
			return st, false
		}
	}
	r, hasR := s.get("Resource")
	nr, hasNR := s.get("NotResource")
	switch {
	case hasR && hasNR:
		return st, false
	case hasR:
		if st.resource, ok = compileResources(r, vars); !ok {
			return st, false
		}
		st.hasRes = true
	case hasNR:
		if st.notResource, ok = compileResources(nr, vars); !ok {
			return st, false
		}
		st.hasNotRes = true
	}
	p, hasP := s.get("Principal")
	np, hasNP := s.get("NotPrincipal")
	switch {
	case kind == kindIdentity:
		if hasP || hasNP {
			return st, false
		}
	case hasP == hasNP:
		return st, false
	case hasP:
		if st.principal, ok = compilePrincipal(p); !ok {
			return st, false
		}
	default:
		if st.notPrincipal, ok = compilePrincipal(np); !ok {
			return st, false
		}
	}
	if c, has := s.get("Condition"); has {
		if _, isObj := asObject(c); !isObj {
			return st, false
		}
		if st.conds, ok = compileCondition(c, vars); !ok {
			return st, false
		}
	}
	return st, true
}

// stringList is policy.string_list: a string or a non-empty list of strings.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		out := make([]string, len(x))
		for i, e := range x {
			s, isStr := e.(string)
			if !isStr {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func compileActions(v any) (*actionSet, bool) {
	list, ok := stringList(v)
	if !ok {
		return nil, false
	}
	set := &actionSet{exact: make([]string, 0, len(list))}
	for _, a := range list {
		if !validAction(a) {
			return nil, false
		}
		l := lower(a)
		set.exact = append(set.exact, l)
		if strings.ContainsAny(l, "*?") {
			set.wild = append(set.wild, likePattern(l))
		}
	}
	return set, true
}

func compileResources(v any, vars bool) ([]resourcePattern, bool) {
	list, ok := stringList(v)
	if !ok {
		return nil, false
	}
	out := make([]resourcePattern, len(list))
	for i, p := range list {
		// A wildcard in the service part of an ARN is an error
		// (policy.service_wildcard).
		if rest, isARN := strings.CutPrefix(p, "arn:"); isARN {
			// parts[2] of strings.SplitN(p, ":", 4), when there is one
			if _, rest, ok := strings.Cut(rest, ":"); ok {
				if service, _, _ := strings.Cut(rest, ":"); strings.ContainsAny(service, "*?") {
					return nil, false
				}
			}
		}
		out[i] = compileResource(p, vars)
	}
	return out, true
}

// compilePrincipal is principal.valid and principal.normalize.
func compilePrincipal(v any) (*principalSet, bool) {
	if v == "*" {
		return &principalSet{any: true}, true
	}
	obj, isObj := asObject(v)
	if !isObj {
		return nil, false
	}
	if len(obj) == 0 {
		return nil, false
	}
	np := &principalSet{}
	for _, m := range obj {
		k, x := m.key, m.val
		if !principalTypes[k] {
			return nil, false
		}
		list, ok := stringList(x)
		if !ok {
			return nil, false
		}
		for _, x := range list {
			if !validPrincipalValue(k, x) {
				return nil, false
			}
		}
		switch k {
		case "AWS":
			np.aws = list
			for _, a := range list {
				if a == "*" {
					np.any = true
				}
			}
		case "Service":
			for _, s := range list {
				if strings.Contains(s, "\n") {
					return nil, false // the Rego splits on newlines
				}
				np.service = append(np.service, lower(s))
			}
		}
	}
	return np, true
}

// validPrincipalValue is principal._valid_value (Federated and
// CanonicalUser values are not checked).
func validPrincipalValue(k, x string) bool {
	switch {
	case x == "*":
		return true
	case k == "AWS":
		if c, ok := parseCaller(x, "", false); ok && c.kind != "service" {
			return true
		}
		return isUniqueID(x)
	case k == "Service":
		return isServicePrincipal(x)
	}
	return true
}

// scalarText is condition.text for the scalars the engine handles: strings,
// booleans and integers written without exponent or fraction.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case json.Number:
		s := string(x)
		digits := strings.TrimPrefix(s, "-")
		if len(digits) == 0 || len(digits) > 15 || strings.TrimLeft(digits, "0123456789") != "" {
			return "", false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(n, 10), true
	}
	return "", false
}
