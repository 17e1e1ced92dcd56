package engine

import (
	"encoding/json"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The access analysis (rego/kmsguard/access, model.rego and
// conditions.rego, the specification), natively: who can use a key, what a
// principal can use, and the access two snapshots differ in. It reads the
// snapshot's documents as the engine compiled them and answers with the
// same JSON values as the Rego entry points who_can, can_use and diff
// (access/agreement_test.go holds the two together). Whatever it does not
// handle — an input the Rego answers with errors, a document the engine
// does not compile, a number or a date it does not type — it declines (ok
// false), and the caller asks the Rego (AccessStats counts both).

// AccessStats counts the access questions the engine answered and declined.
func (e *Engine) AccessStats() Stats {
	return Stats{Native: e.accessNative.Load(), Declined: e.accessDeclined.Load()}
}

func (e *Engine) count(ok bool) {
	if ok {
		e.accessNative.Add(1)
	} else {
		e.accessDeclined.Add(1)
	}
}

// ---- action sets ----------------------------------------------------------------------

// actSet is a set of catalogue actions, by their place in analysis.actions.
type actSet [2]uint64

func (s actSet) has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }
func (s *actSet) add(i int)     { s[i>>6] |= 1 << (i & 63) }
func (s actSet) empty() bool    { return s[0] == 0 && s[1] == 0 }
func (s actSet) or(t actSet) actSet {
	return actSet{s[0] | t[0], s[1] | t[1]}
}
func (s actSet) and(t actSet) actSet {
	return actSet{s[0] & t[0], s[1] & t[1]}
}

// ---- the analysis of one snapshot -------------------------------------------------------

// analysis holds what the access model reads once per snapshot: the
// catalogue's actions in order, the actions each statement covers, and the
// views of principals and keys computed so far.
type analysis struct {
	e       *Engine
	snap    *snapshotIndex
	raw     map[string]any
	actions []string // catalogue keys, sorted
	index   map[string]int
	keyActs actSet // actions on a key (scope key, alias, grant)

	principals []string // the snapshot's principals, sorted

	mu      sync.Mutex
	acts    map[*statement]actSet
	callers map[string]*callerView
	keys    map[string]*keyView
}

func (e *Engine) analysis() *analysis {
	e.accessOnce.Do(func() {
		a := &analysis{e: e, snap: e.index(), raw: e.snapshot, index: map[string]int{},
			acts: map[*statement]actSet{}, callers: map[string]*callerView{}, keys: map[string]*keyView{}}
		if a.raw == nil {
			a.raw = map[string]any{}
		}
		if a.snap == nil {
			a.snap = newSnapshotIndex(a.raw, e.catalog)
		}
		a.actions = sortedKeys(e.catalog.Actions)
		a.principals = sortedKeys(a.snap.principals)
		if len(a.actions) > 128 {
			return
		}
		for i, k := range a.actions {
			a.index[k] = i
			switch e.catalog.Actions[k].Scope {
			case "key", "alias", "grant":
				a.keyActs.add(i)
			}
		}
		e.access = a
	})
	return e.access
}

// stmtActs is statement_actions: the catalogue actions s covers.
func (a *analysis) stmtActs(s *statement) actSet {
	a.mu.Lock()
	set, ok := a.acts[s]
	a.mu.Unlock()
	if ok {
		return set
	}
	for i, k := range a.actions {
		if s.actionOK("kms:" + k) {
			set.add(i)
		}
	}
	a.mu.Lock()
	a.acts[s] = set
	a.mu.Unlock()
	return set
}

// kmsStmt is a statement of kms_statements: one that covers some action.
type kmsStmt struct {
	s     *statement
	acts  actSet
	level int // SCP and RCP levels
	index int // identity policy index; SCP and RCP index in the level
}

func (a *analysis) kmsStatements(d *document) []kmsStmt {
	if d == nil {
		return nil
	}
	var out []kmsStmt
	for i := range d.statements {
		s := &d.statements[i]
		if acts := a.stmtActs(s); !acts.empty() {
			out = append(out, kmsStmt{s: s, acts: acts})
		}
	}
	return out
}

// ---- the caller -------------------------------------------------------------------------

// callerView is caller_view: the parsed caller, its derived context keys and
// its stored identity policies, boundary and SCPs.
type callerView struct {
	p             string
	c             caller
	ids           []identity
	service, root bool
	keys          context
	known         map[string]bool // caller_known_keys
	knownIdentity bool
	identity      []kmsStmt
	hasBoundary   bool
	boundary      []kmsStmt
	scps          [][]kmsStmt
	typ           string
	// stored: p has an entry in the snapshot's principals; kmsAllow: its
	// identity policies allow some KMS action (may_have_access).
	stored, kmsAllow bool
	// class groups the principals whose analysis is the same on any key
	// that names none of them ("" for none): users or roles of one account
	// with the same stored policies, none of which reads who the caller is.
	class string
}

// callerView returns the view of principal p; ok is false when the engine
// declines (parsed is false for a principal the Rego cannot parse either).
func (a *analysis) callerView(p string) (cv *callerView, parsed, ok bool) {
	a.mu.Lock()
	cv, has := a.callers[p]
	a.mu.Unlock()
	if has {
		return cv, cv != nil, true
	}
	cv, parsed, ok = a.newCallerView(p)
	if !ok {
		return nil, false, false
	}
	a.mu.Lock()
	a.callers[p] = cv
	a.mu.Unlock()
	return cv, parsed, true
}

func (a *analysis) newCallerView(p string) (*callerView, bool, bool) {
	roleARN, hasRole, ok := a.sessionRoleARN(p)
	if !ok {
		return nil, false, false
	}
	c, parsed := parseCaller(p, roleARN, hasRole)
	if !parsed {
		return nil, false, true
	}
	cv := &callerView{p: p, c: c, ids: c.identities(), service: c.kind == "service", root: c.kind == "root", typ: c.kind}
	if ent, has := a.snap.principals[p]; has && ent != nil {
		cv.stored = true
		for _, d := range ent.docs["identity_policies"] {
			for _, x := range a.kmsStatements(d) {
				cv.kmsAllow = cv.kmsAllow || x.s.allow
			}
		}
	}
	if c.kind == "root" {
		cv.typ = "account"
	}
	cv.keys = context{}
	if cv.service {
		cv.keys["aws:principalisawsservice"] = []string{"true"}
		cv.keys["aws:principalservicename"] = []string{c.service}
	} else {
		cv.keys["aws:principalarn"] = []string{c.principalARN}
		cv.keys["aws:principalaccount"] = []string{c.account}
		cv.keys["kms:calleraccount"] = []string{c.account}
		cv.keys["aws:principaltype"] = []string{c.typ}
		cv.keys["aws:principalisawsservice"] = []string{"false"}
		switch c.kind {
		case "user":
			cv.keys["aws:username"] = []string{c.name}
		case "root":
			cv.keys["aws:userid"] = []string{c.account}
		}
		if org, ok := a.snap.organization(c.account); ok {
			cv.keys["aws:principalorgid"] = []string{org}
		}
	}
	cv.known = map[string]bool{}
	for _, k := range []string{"aws:principalarn", "aws:principalaccount", "kms:calleraccount", "aws:principaltype",
		"aws:principalisawsservice", "aws:principalservicename", "aws:username"} {
		cv.known[k] = true
	}
	for k := range cv.keys {
		cv.known[k] = true
	}
	if cv.service || a.orgRecorded(c.account) {
		cv.known["aws:principalorgid"] = true
	}
	// The stored identity: the user's, or the role's for a role or session.
	var stored string
	switch c.kind {
	case "role", "session":
		stored = c.roleARN
	case "user":
		stored = c.arn
	}
	if stored != "" {
		if ent, has := a.snap.principals[stored]; has && ent != nil {
			if ent.notObject || len(ent.bad) > 0 {
				return nil, false, false
			}
			if _, has := ent.raw["identity_policies"]; has {
				cv.knownIdentity = true
				for i, d := range ent.docs["identity_policies"] {
					for _, x := range a.kmsStatements(d) {
						x.index = i
						cv.identity = append(cv.identity, x)
					}
				}
			}
			if _, has := ent.raw["permissions_boundary"]; has {
				cv.knownIdentity, cv.hasBoundary = true, true
				cv.boundary = a.kmsStatements(ent.doc["permissions_boundary"])
			}
		} else if has {
			return nil, false, false // a stored entry that is not an object
		}
	}
	if err := cv.setClass(a); err != nil {
		return nil, false, false
	}
	if !cv.service && !c.serviceLinked {
		if ent, has := a.snap.accounts[c.account]; has && ent != nil {
			if ent.notObject || ent.bad["scps"] {
				return nil, false, false
			}
			if truthy(ent.raw["scps"]) {
				for l, level := range ent.lvls["scps"] {
					list := []kmsStmt{}
					for i, d := range level {
						for _, x := range a.kmsStatements(d) {
							x.level, x.index = l, i
							list = append(list, x)
						}
					}
					cv.scps = append(cv.scps, list)
				}
			}
		}
	}
	return cv, true, true
}

// callerKeys are the derived context keys whose values differ between
// principals of one kind and account.
var callerKeys = map[string]bool{"aws:principalarn": true, "aws:username": true, "aws:userid": true}

// personal: some statement of the document reads who the caller is (a
// condition on callerKeys) or holds a policy variable, so that its analysis
// may differ from one principal to another.
func personal(d *document) bool {
	if d == nil {
		return false
	}
	for i := range d.statements {
		s := &d.statements[i]
		for _, list := range [][]resourcePattern{s.resource, s.notResource} {
			for j := range list {
				if list[j].dynamic {
					return true
				}
			}
		}
		for j := range s.conds {
			ct := &s.conds[j]
			if callerKeys[ct.keyL] {
				return true
			}
			for k := range ct.values {
				if strings.Contains(ct.values[k].text, "${") {
					return true
				}
			}
		}
		if s.notPrincipal != nil {
			return true
		}
	}
	return false
}

// setClass sets cv.class (see callerView).
func (cv *callerView) setClass(a *analysis) error {
	c := &cv.c
	if (c.kind != "user" && c.kind != "role") || !cv.stored {
		return nil
	}
	ent := a.snap.principals[cv.p]
	if len(ent.raw) == 0 {
		return nil
	}
	docs := append([]*document{ent.doc["permissions_boundary"]}, ent.docs["identity_policies"]...)
	if acct, has := a.snap.accounts[c.account]; has && acct != nil {
		for _, level := range acct.lvls["scps"] {
			docs = append(docs, level...)
		}
	}
	for _, d := range docs {
		if personal(d) {
			return nil
		}
	}
	data, err := json.Marshal(ent.raw)
	if err != nil {
		return err
	}
	cv.class = strings.Join([]string{c.kind, c.partition, c.account, strconv.FormatBool(c.serviceLinked), string(data)}, "\x00")
	return nil
}

// sessionRoleARN is session_role_arn: the role (with its path) of an
// assumed-role session from the snapshot's role index.
func (a *analysis) sessionRoleARN(p string) (arn string, has, ok bool) {
	parts := strings.Split(p, ":")
	if len(parts) != 6 {
		return "", false, true
	}
	segs := strings.Split(parts[5], "/")
	if len(segs) != 3 || segs[0] != "assumed-role" {
		return "", false, true
	}
	v, found := a.snap.roles[parts[4]+":"+segs[1]]
	if !found || v == nil {
		return "", false, true
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, false
	}
	return s, true, true
}

func (a *analysis) orgRecorded(account string) bool {
	ent, has := a.snap.accounts[account]
	if !has || ent == nil || ent.notObject {
		return false
	}
	_, rec := a.snap.orgIDs[account]
	return rec
}

// ---- the key ----------------------------------------------------------------------------

type keyView struct {
	arn, partition, account, region, root, aliasRes string
	stmts                                           []kmsStmt
	grants                                          []map[string]any
	ops                                             []map[string]bool
	customerManaged                                 bool
	ctx                                             context
	tagsKnown, aliasesKnown                         bool
	rcps                                            [][]kmsStmt
	named                                           []string // named_principals, sorted
	open                                            bool     // open_key
	// personal: the key policy or an RCP holds a statement whose analysis
	// may differ between principals (see personal): no classes.
	personal bool
}

// keyView is key_view; ok is false when the engine declines the key.
func (a *analysis) keyView(arn string) (*keyView, bool) {
	a.mu.Lock()
	kv, has := a.keys[arn]
	a.mu.Unlock()
	if has {
		return kv, kv != nil
	}
	kv, ok := a.newKeyView(arn)
	if !ok {
		kv = nil
	}
	a.mu.Lock()
	a.keys[arn] = kv
	a.mu.Unlock()
	return kv, ok
}

func (a *analysis) newKeyView(arn string) (*keyView, bool) {
	ent := a.snap.keys[arn]
	if ent == nil || ent.notObject || len(ent.bad) > 0 {
		return nil, false
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 {
		return nil, false
	}
	kv := &keyView{arn: arn, partition: parts[1], account: parts[4], region: parts[3],
		root:     "arn:" + parts[1] + ":iam::" + parts[4] + ":root",
		aliasRes: "arn:" + parts[1] + ":kms:" + parts[3] + ":" + parts[4] + ":alias/kmsguard-any-alias"}
	raw := asMap(a.raw["keys"])[arn].(map[string]any)
	info := map[string]any{}
	if x, has := raw["key"]; has {
		m, isObj := x.(map[string]any)
		if !isObj {
			return nil, false
		}
		info = m
	}
	kv.ctx = context{"aws:resourceaccount": {kv.account}, "aws:requestedregion": {kv.region}}
	if org, ok := a.snap.organization(kv.account); ok {
		kv.ctx["aws:resourceorgid"] = []string{org}
	}
	for f, ck := range map[string]string{"key_spec": "kms:keyspec", "key_usage": "kms:keyusage", "origin": "kms:keyorigin", "multi_region": "kms:multiregion"} {
		if v, has := info[f]; has && v != nil {
			t, ok := scalarText(v)
			if !ok {
				return nil, false
			}
			kv.ctx[ck] = []string{t}
		}
	}
	if tags, isObj := info["tags"].(map[string]any); isObj {
		kv.tagsKnown = true
		for k, v := range tags {
			t, ok := scalarText(v)
			if !ok {
				return nil, false
			}
			kv.ctx["aws:resourcetag/"+lower(k)] = []string{t}
		}
	}
	if aliases, isList := info["aliases"].([]any); isList {
		kv.aliasesKnown = true
		vals := make([]string, len(aliases))
		for i, x := range aliases {
			s, isStr := x.(string)
			if !isStr {
				return nil, false
			}
			vals[i] = s
		}
		kv.ctx["kms:resourcealiases"] = vals
	}
	if m, has := info["key_manager"]; has {
		kv.customerManaged = m != "AWS"
	} else {
		kv.customerManaged = true
	}
	kv.stmts = a.kmsStatements(ent.doc["key_policy"])
	if g, has := raw["grants"]; has {
		list, isList := g.([]any)
		if !isList {
			return nil, false
		}
		for _, x := range list {
			gm, isObj := x.(map[string]any)
			if !isObj {
				return nil, false
			}
			for _, f := range []string{"grantee_principal", "grantee_service_principal", "retiring_principal"} {
				if v, has := gm[f]; has {
					if _, isStr := v.(string); !isStr {
						return nil, false
					}
				}
			}
			opsList, isList := gm["operations"].([]any)
			if !isList {
				return nil, false
			}
			ops := map[string]bool{}
			for _, op := range opsList {
				s, isStr := op.(string)
				if !isStr {
					return nil, false
				}
				ops[lower(s)] = true
			}
			if c, has := gm["constraints"]; has {
				cm, isObj := c.(map[string]any)
				if !isObj {
					return nil, false
				}
				for _, f := range []string{"encryption_context_equals", "encryption_context_subset"} {
					if pairs, has := cm[f]; has && pairs != nil {
						pm, isObj := pairs.(map[string]any)
						if !isObj {
							return nil, false
						}
						for _, v := range pm {
							if _, isStr := v.(string); !isStr {
								return nil, false
							}
						}
					}
				}
			}
			kv.grants = append(kv.grants, gm)
			kv.ops = append(kv.ops, ops)
		}
	}
	if ae, has := a.snap.accounts[kv.account]; has && ae != nil {
		if ae.notObject || ae.bad["rcps"] {
			return nil, false
		}
		for l, level := range ae.lvls["rcps"] {
			list := []kmsStmt{}
			for i, d := range level {
				for _, x := range a.kmsStatements(d) {
					x.level, x.index = l, i
					list = append(list, x)
				}
			}
			kv.rcps = append(kv.rcps, list)
		}
	}
	// named_principals and names_anyone.
	named := map[string]bool{}
	for _, x := range kv.stmts {
		s := x.s
		if s.allow && (s.notPrincipal != nil || (s.principal != nil && s.principal.any)) {
			kv.open = true
		}
		if s.principal == nil {
			continue
		}
		for _, list := range [][]string{s.principal.aws, s.principal.service} {
			for _, v := range list {
				if v != "*" && v != "" {
					named[principalString(v, kv.partition)] = true
				}
			}
		}
	}
	for _, g := range kv.grants {
		for _, f := range []string{"grantee_principal", "grantee_service_principal", "retiring_principal"} {
			if v, isStr := g[f].(string); isStr {
				named[principalString(v, kv.partition)] = true
			}
		}
	}
	kv.named = sortedKeys(named)
	kv.personal = personal(ent.doc["key_policy"])
	if ae := a.snap.accounts[kv.account]; ae != nil {
		for _, level := range ae.lvls["rcps"] {
			for _, d := range level {
				kv.personal = kv.personal || personal(d)
			}
		}
	}
	return kv, true
}

func principalString(v, partition string) string {
	if isAccount(v) {
		return "arn:" + partition + ":iam::" + v + ":root"
	}
	return v
}

// ---- one caller and one key ---------------------------------------------------------------

// elem is a path element: a statement that applies to the caller as far as
// the snapshot can tell (with its open conditions), a grant, or a
// requirement on the caller's own account.
type elem struct {
	reason   map[string]any
	requires string
	text     string
	acts     actSet
	kinds    int
	conds    []openCond
	stmt     *statement
	ctxKind  int // the context it is read with
}

// openCond is a condition a request decides: of a statement (ct), or a
// grant constraint (source "grant").
type openCond struct {
	op, key string
	values  any
	source  string
	ct      *condTest
}

type grantView struct {
	index  int
	grant  map[string]any
	kind   string
	ops    map[string]bool
	reason map[string]any
}

type pairView struct {
	a          *analysis
	ev         *eval
	cv         *callerView
	kv         *keyView
	cross      bool
	ctx, kpCtx context // made at their first use (context)
	resOrg     bool    // the snapshot decides aws:ResourceOrgID

	kpAllow, kpDeny      []*elem
	idAllow, bAllow      [3][]*elem // by where: key, alias, any
	idDeny, bDeny        []*elem
	scpAllow             [][]*elem
	scpDeny, rcpDeny     []*elem
	grants               []grantView
	idAllowDone, bAllowD [3]bool
}

const (
	whereKey = iota
	whereAlias
	whereAny
)

func newPair(a *analysis, ev *eval, cv *callerView, kv *keyView) *pairView {
	pv := &pairView{a: a, ev: ev, cv: cv, kv: kv, cross: !cv.service && cv.c.account != kv.account, resOrg: a.orgRecorded(kv.account)}
	for _, x := range kv.stmts {
		s := x.s
		if !s.allow {
			continue
		}
		kinds := pv.allowKinds(s)
		if kinds == 0 || !pv.resourceOK(s, kv.arn, ctxKeyPolicy) {
			continue
		}
		if e := pv.element(reasonMap("key_policy", s), x, ctxKeyPolicy); e != nil {
			e.kinds = kinds
			pv.kpAllow = append(pv.kpAllow, e)
		}
	}
	for i, g := range kv.grants {
		if kind := pv.granteeKind(g); kind != "" {
			pv.grants = append(pv.grants, grantView{index: i, grant: g, kind: kind, ops: kv.ops[i], reason: grantReasonMap(i, g)})
		}
	}
	return pv
}

func (pv *pairView) computeLists() {
	kv, cv := pv.kv, pv.cv
	for _, x := range kv.stmts {
		s := x.s
		if s.allow || !pv.denialNames(s) || !pv.resourceOK(s, kv.arn, ctxKeyPolicy) {
			continue
		}
		if e := pv.element(reasonMap("key_policy", s), x, ctxKeyPolicy); e != nil {
			pv.kpDeny = append(pv.kpDeny, e)
		}
	}
	for _, x := range cv.identity {
		if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
			if e := pv.identityElement(indexedReasonMap("identity_policy", x.index, x.s), x); e != nil {
				pv.idDeny = append(pv.idDeny, e)
			}
		}
	}
	for _, x := range cv.boundary {
		if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
			if e := pv.identityElement(reasonMap("permissions_boundary", x.s), x); e != nil {
				pv.bDeny = append(pv.bDeny, e)
			}
		}
	}
	for _, level := range cv.scps {
		list := []*elem{}
		for _, x := range level {
			if x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
				if e := pv.identityElement(levelledReasonMap("scp", x.level, x.index, x.s), x); e != nil {
					list = append(list, e)
				}
			}
		}
		pv.scpAllow = append(pv.scpAllow, list)
	}
	for _, level := range cv.scps {
		for _, x := range level {
			if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
				if e := pv.identityElement(levelledReasonMap("scp", x.level, x.index, x.s), x); e != nil {
					pv.scpDeny = append(pv.scpDeny, e)
				}
			}
		}
	}
	if kv.customerManaged {
		for _, level := range kv.rcps {
			for _, x := range level {
				if !x.s.allow && pv.denialNames(x.s) && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
					if e := pv.identityElement(levelledReasonMap("rcp", x.level, x.index, x.s), x); e != nil {
						pv.rcpDeny = append(pv.rcpDeny, e)
					}
				}
			}
		}
	}
}

func (pv *pairView) resource(where int) string {
	switch where {
	case whereKey:
		return pv.kv.arn
	case whereAlias:
		return pv.kv.aliasRes
	}
	return "*"
}

func (pv *pairView) idAllows(where int) []*elem {
	if !pv.idAllowDone[where] {
		pv.idAllowDone[where] = true
		r := pv.resource(where)
		for _, x := range pv.cv.identity {
			if x.s.allow && pv.resourceOK(x.s, r, ctxIdentity) {
				if e := pv.identityElement(indexedReasonMap("identity_policy", x.index, x.s), x); e != nil {
					pv.idAllow[where] = append(pv.idAllow[where], e)
				}
			}
		}
	}
	return pv.idAllow[where]
}

func (pv *pairView) bAllows(where int) []*elem {
	if !pv.bAllowD[where] {
		pv.bAllowD[where] = true
		r := pv.resource(where)
		for _, x := range pv.cv.boundary {
			if x.s.allow && pv.resourceOK(x.s, r, ctxIdentity) {
				if e := pv.identityElement(reasonMap("permissions_boundary", x.s), x); e != nil {
					pv.bAllow[where] = append(pv.bAllow[where], e)
				}
			}
		}
	}
	return pv.bAllow[where]
}

func (pv *pairView) identityElement(r map[string]any, x kmsStmt) *elem {
	return pv.element(r, x, ctxIdentity)
}

// Which context a statement is read with.
const (
	ctxNone      = iota // grants and requirements: none
	ctxKeyPolicy        // the key policy's (authz.key_policy_context)
	ctxIdentity         // IAM policies' and guardrails'
)

// context is the pair's context of the given kind: the caller's derived
// keys and the key's (without aws:ResourceTag/* and kms:ResourceAliases for
// the key policy).
func (pv *pairView) context(kind int) context {
	switch kind {
	case ctxNone:
		return context{}
	case ctxKeyPolicy:
		if pv.kpCtx == nil {
			pv.kpCtx = make(context, len(pv.cv.keys)+len(pv.kv.ctx))
			for k, v := range pv.context(ctxIdentity) {
				if !strings.HasPrefix(k, "aws:resourcetag/") && k != "kms:resourcealiases" {
					pv.kpCtx[k] = v
				}
			}
		}
		return pv.kpCtx
	}
	if pv.ctx == nil {
		pv.ctx = make(context, len(pv.cv.keys)+len(pv.kv.ctx))
		for k, v := range pv.cv.keys {
			pv.ctx[k] = v
		}
		for k, v := range pv.kv.ctx {
			pv.ctx[k] = v
		}
	}
	return pv.ctx
}

// resourceOK is authz.resource_ok with the context of the given kind, made
// only when a pattern has variables to expand.
func (pv *pairView) resourceOK(s *statement, r string, kind int) bool {
	for _, list := range [][]resourcePattern{s.resource, s.notResource} {
		for i := range list {
			if list[i].dynamic {
				return s.resourceOK(r, pv.context(kind))
			}
		}
	}
	return s.resourceOK(r, nil)
}

// known is the pair's known keys (kp_known for the key policy, id_known
// otherwise): the keys the snapshot decides.
func (pv *pairView) known(k string, kind int) bool {
	if pv.cv.known[k] {
		return true
	}
	if _, has := pv.kv.ctx[k]; has {
		return true
	}
	switch k {
	case "aws:resourceaccount", "aws:requestedregion":
		return true
	case "aws:resourceorgid":
		return pv.resOrg
	case "kms:resourcealiases":
		return kind == ctxKeyPolicy || pv.kv.aliasesKnown
	}
	return false
}

// element is element(): nil when a condition the snapshot decides fails.
func (pv *pairView) element(r map[string]any, x kmsStmt, kind int) *elem {
	e := &elem{reason: r, acts: x.acts, stmt: x.s, ctxKind: kind}
	s := x.s
	tagsKnown := kind == ctxKeyPolicy || pv.kv.tagsKnown
	for i := range s.conds {
		ct := &s.conds[i]
		decided := pv.known(ct.keyL, kind) || (tagsKnown && strings.HasPrefix(ct.keyL, "aws:resourcetag/"))
		if decided {
			if !pv.ev.test(ct, pv.context(kind)) {
				return nil
			}
			continue
		}
		vals := ct.raw
		if _, isList := vals.([]any); !isList {
			vals = []any{vals}
		}
		e.conds = append(e.conds, openCond{op: ct.op, key: ct.key, values: vals, ct: ct})
	}
	return e
}

// allowKinds is allow_kinds for the caller.
func (pv *pairView) allowKinds(s *statement) int {
	if s.principal != nil {
		return s.principal.kinds(pv.cv.ids, pv.cv.service)
	}
	if s.notPrincipal != nil && !pv.exemptFromAllow(s.notPrincipal) {
		return kindAny
	}
	return 0
}

func (pv *pairView) exemptFromAllow(np *principalSet) bool {
	return np.any || np.kinds(pv.cv.ids, pv.cv.service) != 0
}

func (pv *pairView) exemptFromDeny(np *principalSet) bool {
	if np.any {
		return true
	}
	req := pv.cv.c.requiredKinds()
	return np.kinds(pv.cv.ids, pv.cv.service)&req == req
}

// denialNames is denial_names.
func (pv *pairView) denialNames(s *statement) bool {
	if s.principal != nil && s.principal.kinds(pv.cv.ids, pv.cv.service) != 0 {
		return true
	}
	return s.notPrincipal != nil && (pv.cv.hasBoundary || !pv.exemptFromDeny(s.notPrincipal))
}

// granteeKind is grantee_kind ("" when the grant does not name the caller).
func (pv *pairView) granteeKind(g map[string]any) string {
	c := &pv.cv.c
	gp, hasGP := g["grantee_principal"].(string)
	if hasGP && c.arn != "" && gp == c.arn {
		return "self"
	}
	if pv.cv.service {
		if hasGP && lower(gp) == c.service {
			return "self"
		}
		if gs, ok := g["grantee_service_principal"].(string); ok && lower(gs) == c.service {
			return "self"
		}
	}
	if hasGP && c.kind == "session" && gp == c.roleARN {
		return "role"
	}
	if hasGP && c.kind == "role" && gp == c.roleARN {
		return "self"
	}
	if hasGP && !pv.cv.service && !pv.cv.root && (gp == c.account || gp == c.rootARN()) {
		return "account"
	}
	return ""
}

// ---- reasons ----------------------------------------------------------------------------

func reasonMap(kind string, s *statement) map[string]any {
	m := map[string]any{"policy": kind, "statement": s.index, "effect": s.effect}
	if s.hasSid {
		m["sid"] = s.sid
	}
	return m
}

func indexedReasonMap(kind string, i int, s *statement) map[string]any {
	m := reasonMap(kind, s)
	m["index"] = i
	return m
}

func levelledReasonMap(kind string, l, i int, s *statement) map[string]any {
	m := reasonMap(kind, s)
	m["level"], m["index"] = l, i
	return m
}

func grantReasonMap(i int, g map[string]any) map[string]any {
	m := map[string]any{"policy": "grant", "index": i, "effect": "Allow"}
	if id, ok := g["grant_id"].(string); ok {
		m["grant_id"] = id
	}
	return m
}

// ---- paths to an allow ------------------------------------------------------------------

type path []*elem

func directKind(k int, service bool) bool  { return k&kindSelf != 0 || (k&kindAny != 0 && service) }
func roleKind(k int, service bool) bool    { return k&kindRole != 0 || (k&kindAny != 0 && !service) }
func accountKind(k int, service bool) bool { return k&kindAccount != 0 || (k&kindAny != 0 && !service) }

func (pv *pairView) limits(a int, where int) []path {
	if !pv.cv.hasBoundary {
		return []path{{}}
	}
	var out []path
	for _, b := range pv.bAllows(where) {
		if b.acts.has(a) {
			out = append(out, path{b})
		}
	}
	return out
}

func (pv *pairView) identityPaths(a int, where int) []path {
	switch {
	case pv.cv.root:
		return []path{{}}
	case pv.cv.service:
		return nil
	case !pv.cv.knownIdentity:
		return []path{{pv.requirement(a, where)}}
	}
	var out []path
	for _, i := range pv.idAllows(where) {
		if !i.acts.has(a) {
			continue
		}
		for _, l := range pv.limits(a, where) {
			out = append(out, append(path{i}, l...))
		}
	}
	return out
}

func (pv *pairView) requirement(a int, where int) *elem {
	var what string
	switch where {
	case whereKey:
		what = "the action on the key"
	case whereAlias:
		what = "the action on every alias of the key's account and Region"
	default:
		what = "kms:" + pv.a.e.catalog.Actions[pv.a.actions[a]].Name
	}
	return &elem{requires: "identity_policy", text: "an identity policy of " + pv.cv.p + " must allow " + what}
}

func (pv *pairView) keyPaths(a int) []path {
	var kp []*elem
	for _, e := range pv.kpAllow {
		if e.acts.has(a) {
			kp = append(kp, e)
		}
	}
	svc := pv.cv.service
	var out []path
	for _, e := range kp {
		if directKind(e.kinds, svc) {
			out = append(out, path{e})
		}
	}
	if !pv.cross {
		for _, e := range kp {
			if !directKind(e.kinds, svc) && roleKind(e.kinds, svc) {
				for _, l := range pv.limits(a, whereKey) {
					out = append(out, append(path{e}, l...))
				}
			}
		}
		for _, e := range kp {
			if accountKind(e.kinds, svc) {
				for _, ip := range pv.identityPaths(a, whereKey) {
					out = append(out, append(path{e}, ip...))
				}
			}
		}
	} else if pv.a.e.catalog.Actions[pv.a.actions[a]].CrossAccount {
		for _, e := range kp {
			for _, ip := range pv.identityPaths(a, whereKey) {
				out = append(out, append(path{e}, ip...))
			}
		}
	}
	return out
}

var constraintOperator = map[string]string{
	"encryption_context_equals": "GrantConstraint:EncryptionContextEquals",
	"encryption_context_subset": "GrantConstraint:EncryptionContextSubset",
}

func (pv *pairView) grantElement(gv grantView, a int) *elem {
	key := pv.a.actions[a]
	e := &elem{reason: gv.reason, conds: []openCond{}}
	if pv.a.e.catalog.Actions[key].EncryptionContext {
		cons, _ := gv.grant["constraints"].(map[string]any)
		for _, f := range []string{"encryption_context_equals", "encryption_context_subset"} {
			if pairs, has := cons[f]; has && pairs != nil {
				e.conds = append(e.conds, openCond{op: constraintOperator[f], key: "kms:EncryptionContext", values: pairs, source: "grant"})
			}
		}
	}
	if key == "creategrant" {
		e.conds = append(e.conds, openCond{op: "ForAllValues:StringEqualsIgnoreCase", key: "kms:GrantOperations", values: gv.grant["operations"], source: "grant"})
	}
	return e
}

func (pv *pairView) grantPaths(a int) []path {
	key := pv.a.actions[a]
	if !pv.a.e.catalog.Actions[key].GrantOperation || key == "retiregrant" {
		return nil
	}
	var out []path
	for _, gv := range pv.grants {
		if !gv.ops[key] {
			continue
		}
		var rest []path
		switch gv.kind {
		case "self":
			rest = []path{{}}
		case "role":
			rest = pv.limits(a, whereKey)
		case "account":
			rest = pv.identityPaths(a, whereKey)
		}
		for _, r := range rest {
			out = append(out, append(path{pv.grantElement(gv, a)}, r...))
		}
	}
	return out
}

func (pv *pairView) retirePaths() []path {
	var out []path
	for _, gv := range pv.grants {
		if (gv.kind == "self" || gv.kind == "role") && gv.ops["retiregrant"] {
			out = append(out, path{{reason: gv.reason, conds: []openCond{}}})
		}
	}
	return out
}

func (pv *pairView) retiringPaths() []path {
	var out []path
	c := &pv.cv.c
	for i, g := range pv.kv.grants {
		r, isStr := g["retiring_principal"].(string)
		if !isStr {
			continue
		}
		match := false
		if !pv.cv.service {
			match = (c.arn != "" && r == c.arn) || (c.roleARN != "" && r == c.roleARN)
		} else {
			match = lower(r) == c.service
		}
		if match {
			out = append(out, path{{reason: grantReasonMap(i, g), conds: []openCond{}}})
		}
	}
	return out
}

func (pv *pairView) accountRetirePaths(a int) []path {
	if pv.cross || pv.cv.service {
		return nil
	}
	var out []path
	for i, g := range pv.kv.grants {
		for _, ip := range pv.identityPaths(a, whereKey) {
			out = append(out, append(path{{reason: grantReasonMap(i, g), conds: []openCond{}}}, ip...))
		}
	}
	return out
}

func (pv *pairView) basePaths(a int) []path {
	if pv.a.actions[a] == "retiregrant" {
		out := pv.retiringPaths()
		out = append(out, pv.retirePaths()...)
		return append(out, pv.accountRetirePaths(a)...)
	}
	return append(pv.keyPaths(a), pv.grantPaths(a)...)
}

func (pv *pairView) extraPaths(a int) []path {
	key := pv.a.actions[a]
	if pv.a.e.catalog.Actions[key].Scope == "alias" {
		return pv.identityPaths(a, whereAlias)
	}
	if key == "replicatekey" {
		ck, ok := pv.a.index["createkey"]
		if !ok {
			pv.ev.unsupported = true
			return nil
		}
		return pv.identityPaths(ck, whereAny)
	}
	return []path{{}}
}

func (pv *pairView) scpPaths(a int) []path {
	var p path
	for _, level := range pv.scpAllow {
		var allows []*elem
		free := false
		for _, x := range level {
			if x.acts.has(a) {
				allows = append(allows, x)
				if len(x.conds) == 0 {
					free = true
				}
			}
		}
		if len(allows) == 0 {
			return nil
		}
		if !free {
			p = append(p, allows[0])
		}
	}
	return []path{p}
}

// paths is paths(pv, a): every way the action may be allowed.
func (pv *pairView) paths(a int) []path {
	var out []path
	for _, p := range pv.basePaths(a) {
		for _, x := range pv.extraPaths(a) {
			for _, s := range pv.scpPaths(a) {
				full := make(path, 0, len(p)+len(x)+len(s))
				full = append(append(append(full, p...), x...), s...)
				if !pv.neverHolds(full, a) {
					out = append(out, full)
				}
			}
		}
	}
	return out
}

func (pv *pairView) neverHolds(p path, a int) bool {
	act := pv.a.e.catalog.Actions[pv.a.actions[a]]
	for _, e := range p {
		for _, c := range e.conds {
			if c.ct == nil {
				continue
			}
			k := c.ct.keyL
			if strings.HasPrefix(k, "kms:") && !pv.a.e.catalog.carries(act, k) && !pv.ev.test(c.ct, context{}) {
				return true
			}
		}
	}
	return false
}

func (pv *pairView) denies(a int) []*elem {
	var out []*elem
	lists := [][]*elem{pv.kpDeny, pv.idDeny, pv.bDeny, pv.scpDeny}
	if pv.a.actions[a] != "retiregrant" {
		lists = append(lists, pv.rcpDeny)
	}
	for _, list := range lists {
		for _, d := range list {
			if d.acts.has(a) {
				out = append(out, d)
			}
		}
	}
	return out
}

func unconditional(p path) bool {
	for _, e := range p {
		if len(e.conds) > 0 || e.requires != "" {
			return false
		}
	}
	return true
}

func pathConditions(p path) int {
	n := 0
	for _, e := range p {
		n += len(e.conds)
		if e.requires != "" {
			n++
		}
	}
	return n
}

// appliesWithoutContext: a conditional Deny that applies to a request
// carrying no context.
func (pv *pairView) appliesWithoutContext(d *elem, a int) bool {
	ctx := make(context, 24)
	for k, v := range pv.context(d.ctxKind) {
		ctx[k] = v
	}
	for k, v := range pv.a.e.catalog.RequestDefaults[pv.a.actions[a]] {
		ctx[k] = v
	}
	return pv.ev.conditionsOK(d.stmt, ctx)
}

// access is access(pv, a): the answer for one action, or nil.
func (pv *pairView) access(a int) map[string]any {
	ps := pv.paths(a)
	if len(ps) == 0 {
		return nil
	}
	ds := pv.denies(a)
	var open []*elem
	for _, d := range ds {
		if len(d.conds) == 0 {
			return nil
		}
		open = append(open, d)
	}
	var free []path
	for _, p := range ps {
		if unconditional(p) {
			free = append(free, p)
		}
	}
	level := "conditional"
	if len(free) > 0 {
		level = "allowed"
		for _, d := range open {
			if pv.appliesWithoutContext(d, a) {
				level = "conditional"
				break
			}
		}
	}
	shown := ps
	if level == "allowed" {
		shown = free
	}
	paths := make([]any, len(shown))
	for i, p := range shown {
		paths[i] = pv.renderPath(p)
	}
	unless := make([]any, len(open))
	for i, d := range open {
		unless[i] = pv.renderElement(d)
	}
	out := map[string]any{"access": level, "paths": paths, "unless": unless}
	if level == "conditional" {
		best := ps[0]
		least := pathConditions(best)
		for _, p := range ps[1:] {
			if n := pathConditions(p); n < least {
				best, least = p, n
			}
		}
		out["example_context"] = pv.exampleContext(best, open, a)
	}
	return out
}

func (pv *pairView) renderPath(p path) []any {
	out := make([]any, len(p))
	for i, e := range p {
		out[i] = pv.renderElement(e)
	}
	return out
}

func (pv *pairView) renderElement(e *elem) map[string]any {
	if e.requires != "" {
		return map[string]any{"requires": e.requires, "text": e.text}
	}
	conds := make([]any, len(e.conds))
	for i, c := range e.conds {
		m := map[string]any{"operator": c.op, "key": c.key, "values": c.values, "text": pv.conditionText(c)}
		if c.source != "" {
			m["source"] = c.source
		}
		conds[i] = m
	}
	return map[string]any{"reason": e.reason, "conditions": conds}
}

// ---- grouping the actions -----------------------------------------------------------------

// identityReach is identity_reach.
func (pv *pairView) identityReach() actSet {
	switch {
	case pv.cv.root, !pv.cv.service && !pv.cv.knownIdentity:
		return pv.a.keyActs
	case pv.cv.service:
		return actSet{}
	}
	var s actSet
	for _, i := range pv.idAllows(whereKey) {
		s = s.or(i.acts)
	}
	return s
}

func (pv *pairView) opsSet(ops map[string]bool) actSet {
	var s actSet
	for op := range ops {
		if i, ok := pv.a.index[op]; ok {
			s.add(i)
		}
	}
	return s
}

// reachable is reachable(pv): a superset of the actions some path allows.
func (pv *pairView) reachable() actSet {
	svc := pv.cv.service
	var out actSet
	var delegating actSet
	for _, e := range pv.kpAllow {
		if directKind(e.kinds, svc) || (!pv.cross && roleKind(e.kinds, svc)) {
			out = out.or(e.acts)
		}
		if (!pv.cross && accountKind(e.kinds, svc)) || (pv.cross && e.kinds != 0) {
			delegating = delegating.or(e.acts)
		}
	}
	reach := pv.identityReach()
	out = out.or(delegating.and(reach))
	for _, gv := range pv.grants {
		switch gv.kind {
		case "self", "role":
			out = out.or(pv.opsSet(gv.ops))
		case "account":
			out = out.or(pv.opsSet(gv.ops).and(reach))
		}
	}
	if rg, ok := pv.a.index["retiregrant"]; ok {
		if len(pv.retiringPaths()) > 0 || len(pv.retirePaths()) > 0 || (len(pv.kv.grants) > 0 && !pv.cross && reach.has(rg)) {
			out.add(rg)
		}
	}
	return out
}

func (pv *pairView) elementLists() [][]*elem {
	lists := [][]*elem{pv.kpAllow, pv.idAllows(whereKey), pv.idAllows(whereAlias), pv.bAllows(whereKey), pv.bAllows(whereAlias),
		pv.kpDeny, pv.idDeny, pv.bDeny, pv.scpDeny, pv.rcpDeny}
	lists = append(lists, pv.scpAllow...)
	out := lists[:0]
	for _, l := range lists {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// accesses is accesses(pv): the caller's access to each asked action,
// actions with the same answer grouped.
func (pv *pairView) accesses(asked actSet) []any {
	todo := asked.and(pv.reachable())
	if todo.empty() {
		return nil
	}
	pv.computeLists()
	lists := pv.elementLists()
	used := map[string]bool{}
	for _, list := range lists {
		for _, x := range list {
			for _, c := range x.conds {
				if k := lower(c.key); strings.HasPrefix(k, "kms:") {
					used[k] = true
				}
			}
		}
	}
	usedKeys := sortedKeys(used)
	cat := pv.a.e.catalog
	bySig := map[string][]int{}
	var sigs []string
	var b strings.Builder
	for a := range pv.a.actions {
		if !todo.has(a) {
			continue
		}
		key := pv.a.actions[a]
		act := cat.Actions[key]
		b.Reset()
		_, hasDefaults := cat.RequestDefaults[key]
		special := ""
		if key == "retiregrant" || key == "replicatekey" || key == "creategrant" {
			special = key
		}
		b.WriteString(act.Scope + "|" + special + "|" + strconv.FormatBool(hasDefaults) + "|")
		if pv.cross {
			b.WriteString(strconv.FormatBool(act.CrossAccount))
		}
		b.WriteString("|")
		if len(pv.grants) > 0 {
			b.WriteString(strconv.FormatBool(act.GrantOperation) + strconv.FormatBool(act.EncryptionContext))
		}
		b.WriteString("|")
		for i, gv := range pv.grants {
			if gv.ops[key] {
				b.WriteString(strconv.Itoa(i) + ",")
			}
		}
		for _, list := range lists {
			b.WriteString("|")
			for i, x := range list {
				if x.acts.has(a) {
					b.WriteString(strconv.Itoa(i) + ",")
				}
			}
		}
		b.WriteString("|")
		for _, k := range usedKeys {
			if !cat.carries(act, k) {
				b.WriteString(k + ",")
			}
		}
		sig := b.String()
		if _, seen := bySig[sig]; !seen {
			sigs = append(sigs, sig)
		}
		bySig[sig] = append(bySig[sig], a)
	}
	type entry struct {
		answer  map[string]any
		actions []string
	}
	var entries []entry
	for _, sig := range sigs {
		same := bySig[sig] // in catalogue-key order
		ans := pv.access(same[0])
		if ans == nil {
			continue
		}
		names := make([]string, len(same))
		for i, a := range same {
			names[i] = "kms:" + cat.Actions[pv.a.actions[a]].Name
		}
		merged := false
		for i := range entries {
			if compareValues(entries[i].answer, ans) == 0 {
				entries[i].actions = append(entries[i].actions, names...)
				merged = true
				break
			}
		}
		if !merged {
			entries = append(entries, entry{answer: ans, actions: names})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return compareValues(entries[i].answer, entries[j].answer) < 0 })
	out := make([]any, len(entries))
	for i, en := range entries {
		sort.Strings(en.actions)
		acts := make([]any, len(en.actions))
		for j, n := range en.actions {
			acts[j] = n
		}
		m := make(map[string]any, len(en.answer)+1)
		for k, v := range en.answer {
			m[k] = v
		}
		m["actions"] = acts
		out[i] = m
	}
	return out
}

// ---- entry points -------------------------------------------------------------------------

// askedActions is asked_actions; ok is false for an action the Rego answers
// with an error.
func (a *analysis) askedActions(action string) (actSet, []any, bool) {
	var asked actSet
	if action == "" {
		asked = a.keyActs
	} else {
		k := lower(strings.TrimPrefix(lower(action), "kms:"))
		i, known := a.index[k]
		if !known || !a.keyActs.has(i) {
			return asked, nil, false
		}
		asked.add(i)
	}
	var names []string
	for i, k := range a.actions {
		if asked.has(i) {
			names = append(names, "kms:"+a.e.catalog.Actions[k].Name)
		}
	}
	sort.Strings(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return asked, out, true
}

// mayHaveAccess is may_have_access.
func mayHaveAccess(cv *callerView, kv *keyView, named map[string]bool) bool {
	return !cv.stored || named[cv.p] || kv.open || cv.kmsAllow
}

// parallel runs f(i) for i in [0, n) on every core.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// keyRows is key_rows and unparsed: the rows of every candidate principal
// of key kv, and the candidates kmsguard cannot evaluate.
func (a *analysis) keyRows(kv *keyView, extra []string, asked actSet) (rows []any, unparsed []string, ok bool) {
	named := make(map[string]bool, len(kv.named))
	more := map[string]bool{kv.root: true}
	for _, p := range kv.named {
		named[p], more[p] = true, true
	}
	for _, p := range extra {
		more[p] = true
	}
	for _, p := range a.principals {
		delete(more, p)
	}
	list := a.principals
	if len(more) > 0 {
		list = append(slices.Clone(a.principals), sortedKeys(more)...)
		sort.Strings(list)
	}
	// The first principal of each class is analysed; the others of the
	// class get its row under their own name.
	views := make([]*callerView, len(list))
	var failed atomic.Bool
	parallel(len(list), func(i int) {
		cv, parsed, ok := a.callerView(list[i])
		if !ok {
			failed.Store(true)
		} else if parsed {
			views[i] = cv
		}
	})
	if failed.Load() {
		return nil, nil, false
	}
	first := make([]int, len(list)) // the class's first principal, or -1
	firstOf := map[string]int{}
	for i, cv := range views {
		first[i] = -1
		if cv == nil || cv.class == "" || kv.personal || named[cv.p] {
			continue
		}
		if j, has := firstOf[cv.class]; has {
			first[i] = j
		} else {
			firstOf[cv.class] = i
		}
	}
	results := make([]map[string]any, len(list))
	bad := make([]bool, len(list))
	parallel(len(list), func(i int) {
		if failed.Load() || first[i] >= 0 {
			return
		}
		cv := views[i]
		if cv == nil {
			bad[i] = true
			return
		}
		if !mayHaveAccess(cv, kv, named) {
			return
		}
		r, ok := a.row(cv, kv, asked)
		if !ok {
			failed.Store(true)
			return
		}
		results[i] = r
	})
	if failed.Load() {
		return nil, nil, false
	}
	for i, j := range first {
		if j >= 0 && results[j] != nil && mayHaveAccess(views[i], kv, named) {
			r := maps.Clone(results[j])
			r["principal"] = list[i]
			results[i] = r
		}
	}
	rows = []any{}
	unparsed = []string{}
	for i, r := range results {
		if r != nil {
			rows = append(rows, r)
		}
		if bad[i] {
			unparsed = append(unparsed, list[i])
		}
	}
	anyone := "arn:" + kv.partition + ":iam::000000000000:role/kmsguard-anyone"
	cv, parsed, ok := a.callerView(anyone)
	if !ok {
		return nil, nil, false
	}
	if parsed {
		ev := &eval{e: a.e}
		list := newPair(a, ev, cv, kv).accesses(asked)
		if ev.unsupported {
			return nil, nil, false
		}
		if len(list) > 0 {
			rows = append(rows, map[string]any{"principal": "*", "type": "anyone", "external": true, "in_snapshot": false,
				"evaluated_as": anyone, "access": list})
		}
	}
	return rows, unparsed, true
}

// row is row(p, kv): nil when the principal can do nothing.
func (a *analysis) row(cv *callerView, kv *keyView, asked actSet) (map[string]any, bool) {
	ev := &eval{e: a.e}
	list := newPair(a, ev, cv, kv).accesses(asked)
	if ev.unsupported {
		return nil, false
	}
	if len(list) == 0 {
		return nil, true
	}
	return map[string]any{"principal": cv.p, "type": cv.typ, "external": !cv.service && cv.c.account != kv.account,
		"in_snapshot": cv.knownIdentity, "access": list}, true
}

// WhoCan is data.kmsguard.access.who_can for {"key", "action"?,
// "principals"?} (action "" when not given) on the engine's snapshot; ok is
// false when the engine declines (the Rego answers, and its errors).
func (e *Engine) WhoCan(key, action string, extra []string) (out map[string]any, ok bool) {
	defer func() { e.count(ok) }()
	a := e.analysis()
	if a == nil {
		return nil, false
	}
	asked, names, ok := a.askedActions(action)
	if !ok {
		return nil, false
	}
	kv, ok := a.keyView(key)
	if !ok {
		return nil, false
	}
	rows, unparsed, ok := a.keyRows(kv, extra, asked)
	if !ok {
		return nil, false
	}
	up := make([]any, len(unparsed))
	for i, p := range unparsed {
		up[i] = p
	}
	return map[string]any{"key": key, "actions": names, "principals": rows, "unparsed_principals": up}, true
}

// CanUse is data.kmsguard.access.can_use for {"principal", "action"?}.
func (e *Engine) CanUse(principal, action string) (out map[string]any, ok bool) {
	defer func() { e.count(ok) }()
	a := e.analysis()
	if a == nil {
		return nil, false
	}
	asked, names, ok := a.askedActions(action)
	if !ok {
		return nil, false
	}
	cv, parsed, ok := a.callerView(principal)
	if !ok || !parsed {
		return nil, false
	}
	arns := sortedKeys(a.snap.keys)
	results := make([]map[string]any, len(arns))
	var failed atomic.Bool
	parallel(len(arns), func(i int) {
		if failed.Load() {
			return
		}
		kv, ok := a.keyView(arns[i])
		if !ok {
			failed.Store(true)
			return
		}
		ev := &eval{e: e}
		list := newPair(a, ev, cv, kv).accesses(asked)
		if ev.unsupported {
			failed.Store(true)
			return
		}
		if len(list) > 0 {
			results[i] = map[string]any{"key": arns[i], "external": !cv.service && cv.c.account != kv.account, "access": list}
		}
	})
	if failed.Load() {
		return nil, false
	}
	keys := []any{}
	for _, r := range results {
		if r != nil {
			keys = append(keys, r)
		}
	}
	return map[string]any{"principal": principal, "actions": names, "type": cv.typ, "in_snapshot": cv.knownIdentity, "keys": keys}, true
}
