package engine

import (
	"bytes"
	"strings"

	"github.com/kmsguard/kmsguard/question"
)

// snapshotIndex is a loaded snapshot (docs/snapshot-format.md,
// data.kmsguard.snapshot) with every policy document compiled at load:
// authz.question completes a question from it (request.rego, question.rego).
type snapshotIndex struct {
	keys       map[string]*storedEntry
	principals map[string]*storedEntry
	accounts   map[string]*storedEntry
	roles      map[string]any
	orgIDs     map[string]any // account -> organization_id as stored
	orgPaths   map[string]any // account -> org_path as stored
}

// storedEntry holds the fields of one snapshot entry: their stored values
// (to tell objects the question would merge with) and compiled forms; bad
// names fields the engine cannot use (the question then goes to the Rego).
type storedEntry struct {
	raw  map[string]any
	bad  map[string]bool
	doc  map[string]*document
	docs map[string][]*document
	lvls map[string][][]*document
	gr   []grant
	key  keyInfo
	// notObject: the entry itself is not an object.
	notObject bool
}

// WithSnapshot makes the engine answer questions that leave out what the
// snapshot holds, as data.kmsguard.snapshot does for the Rego.
func WithSnapshot(snapshot map[string]any) Option {
	return func(o *options) { o.snapshot = snapshot }
}

// Option configures an Engine.
type Option func(*options)

type options struct {
	snapshot map[string]any
}

func newSnapshotIndex(snap map[string]any, cat *catalogData) *snapshotIndex {
	s := &snapshotIndex{
		keys:       map[string]*storedEntry{},
		principals: map[string]*storedEntry{},
		accounts:   map[string]*storedEntry{},
		orgIDs:     map[string]any{},
		orgPaths:   map[string]any{},
	}
	s.roles, _ = snap["roles"].(map[string]any)
	for arn, v := range asMap(snap["keys"]) {
		s.keys[arn] = compileEntry(v, cat, map[string]string{"key_policy": kindResource, "grants": "grants", "key": "key"})
	}
	for arn, v := range asMap(snap["principals"]) {
		s.principals[arn] = compileEntry(v, cat, map[string]string{"identity_policies": "list", "permissions_boundary": kindIdentity})
	}
	for acct, v := range asMap(snap["accounts"]) {
		s.accounts[acct] = compileEntry(v, cat, map[string]string{"scps": "levels:" + kindIdentity, "rcps": "levels:" + kindResource})
		if m, isObj := v.(map[string]any); isObj {
			if org, has := m["organization_id"]; has {
				s.orgIDs[acct] = org
			}
			if path, has := m["org_path"]; has {
				s.orgPaths[acct] = path
			}
		}
	}
	return s
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// compileEntry compiles the fields of entry v that the question may take.
func compileEntry(v any, cat *catalogData, fields map[string]string) *storedEntry {
	if v == false {
		return nil // not truthy: as if absent
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return &storedEntry{notObject: true}
	}
	e := &storedEntry{raw: map[string]any{}, bad: map[string]bool{}, doc: map[string]*document{},
		docs: map[string][]*document{}, lvls: map[string][][]*document{}}
	for f, how := range fields {
		x, has := m[f]
		if !has {
			continue
		}
		e.raw[f] = x
		ok := true
		switch {
		case how == kindResource || how == kindIdentity:
			e.doc[f], ok = storedDocument(x, how)
		case how == "list":
			list, isList := x.([]any)
			ok = isList
			for _, d := range list {
				doc, good := storedDocument(d, kindIdentity)
				ok = ok && good
				e.docs[f] = append(e.docs[f], doc)
			}
		case strings.HasPrefix(how, "levels:"):
			kind := strings.TrimPrefix(how, "levels:")
			levels, isList := x.([]any)
			ok = isList
			for _, l := range levels {
				level, isList := l.([]any)
				ok = ok && isList
				var docs []*document
				for _, d := range level {
					doc, good := storedDocument(d, kind)
					ok = ok && good
					docs = append(docs, doc)
				}
				if docs == nil {
					docs = []*document{}
				}
				e.lvls[f] = append(e.lvls[f], docs)
			}
		case how == "grants":
			e.gr, ok = grantsOf(x, cat)
		case how == "key":
			e.key, ok = keyOf(x)
		}
		if !ok {
			e.bad[f] = true
		}
	}
	return e
}

// storedDocument compiles a stored policy document (an object, or a JSON
// string holding one).
func storedDocument(v any, kind string) (*document, bool) {
	if s, isStr := v.(string); isStr {
		parsed, err := question.ParseJSON([]byte(s))
		if err != nil {
			return nil, false
		}
		v = parsed
	}
	return compileDocument(v, kind)
}

// use takes field f of entry e into the question unless the question gives
// it. When both are objects the question holds their union (object.union:
// the question's values win, objects merge), read by merged. ok is false
// when the value is not one the engine handles.
func (e *storedEntry) use(f string, fields *rawFields, set func(), merged func(any) bool) bool {
	x, stored := e.raw[f]
	if !stored {
		return true
	}
	if raw := fields.named(f); raw != nil {
		storedObj, isObj := x.(map[string]any)
		raw = bytes.TrimSpace(raw)
		if isObj && len(raw) > 0 && raw[0] == '"' {
			return false // a policy given as a JSON string: the decoder makes it an object first
		}
		if !isObj || len(raw) == 0 || raw[0] != '{' {
			return true
		}
		if merged == nil {
			return false
		}
		v, ok := decodeAny(raw)
		if !ok {
			return false
		}
		return merged(union(storedObj, v.(map[string]any)))
	}
	if e.bad[f] {
		return false
	}
	set()
	return true
}

// union is object.union(a, b).
func union(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if ao, ok := out[k].(map[string]any); ok {
			if bo, ok := v.(map[string]any); ok {
				out[k] = union(ao, bo)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// mergedDocument sets *dst to the compiled merged document v.
func mergedDocument(dst **document, kind string) func(any) bool {
	return func(v any) bool {
		d, ok := compileDocument(v, kind)
		*dst = d
		return ok
	}
}

// complete is authz.question: the question completed from the snapshot.
func (s *snapshotIndex) complete(q *query, fields *rawFields) bool {
	q.orgs = s
	if k, has := s.keys[q.resource]; has && k != nil {
		if k.notObject {
			return false
		}
		if !k.use("key_policy", fields, func() { q.keyPolicy = k.doc["key_policy"] }, mergedDocument(&q.keyPolicy, kindResource)) ||
			!k.use("grants", fields, func() { q.grants = k.gr }, nil) ||
			!k.use("key", fields, func() { q.key = k.key }, func(v any) bool {
				var ok bool
				q.key, ok = keyOf(v)
				return ok
			}) {
			return false
		}
	}
	// The stored caller: an assumed-role session's role from the role index.
	if !q.hasRole {
		if parts := strings.Split(q.principal, ":"); len(parts) == 6 {
			if segs := strings.Split(parts[5], "/"); len(segs) == 3 && segs[0] == "assumed-role" {
				if r, has := s.roles[parts[4]+":"+segs[1]]; has {
					role, isStr := r.(string)
					if !isStr {
						return false
					}
					q.callerRole, q.hasCallerRole = role, true
				}
			}
		}
	}
	c, ok := parseCaller(q.principal, q.callerRole, q.hasCallerRole)
	if !ok {
		return true // no stored caller; the question has an error or goes to the Rego
	}
	holder := ""
	switch c.kind {
	case "role", "session":
		holder = c.roleARN
	case "user":
		holder = c.arn
	}
	if p, has := s.principals[holder]; has && p != nil && holder != "" {
		if p.notObject {
			return false
		}
		if !p.use("identity_policies", fields, func() { q.identity = p.docs["identity_policies"] }, nil) ||
			!p.use("permissions_boundary", fields, func() { q.boundary = p.doc["permissions_boundary"] }, mergedDocument(&q.boundary, kindIdentity)) {
			return false
		}
	}
	if c.kind != "service" {
		if a := s.accounts[c.account]; a != nil && !a.notObject && truthy(a.raw["scps"]) {
			if !a.use("scps", fields, func() { q.scps = a.lvls["scps"] }, nil) {
				return false
			}
		}
	}
	if parts := strings.Split(q.resource, ":"); len(parts) == 6 {
		if a := s.accounts[parts[4]]; a != nil && !a.notObject && truthy(a.raw["rcps"]) {
			if !a.use("rcps", fields, func() { q.rcps = a.lvls["rcps"] }, nil) {
				return false
			}
		}
	}
	return true
}

func truthy(v any) bool { return v != nil && v != false }

// organization is authz.org_keys' organization id of account a, when the
// snapshot places it in one.
func (s *snapshotIndex) organization(a string) (string, bool) {
	if s == nil {
		return "", false
	}
	org, ok := s.orgIDs[a].(string)
	return org, ok
}

// orgPath is authz.org_path_keys' path of account a in its organization,
// when the snapshot records one (aws:PrincipalOrgPaths, aws:ResourceOrgPaths).
func (s *snapshotIndex) orgPath(a string) (string, bool) {
	if s == nil {
		return "", false
	}
	path, ok := s.orgPaths[a].(string)
	return path, ok
}
