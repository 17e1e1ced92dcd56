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
	// reason is the statement's reason in answers, made once with the
	// caller's or the key's view and shared (read-only) by every answer;
	// bare is the rendering of its element when no condition is left open
	// (newRendering), shared the same way.
	reason, bare map[string]any
}

// setReason sets the statement's reason r (and its bare rendering).
func (x *kmsStmt) setReason(r map[string]any) {
	x.reason = r
	x.bare = map[string]any{"reason": r, "conditions": []any{}}
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

// levelStatements is the kms_statements of SCP or RCP levels (kind "scp"
// or "rcp"), each with its level, its index in the level and its reason.
func (a *analysis) levelStatements(kind string, levels [][]*document) [][]kmsStmt {
	var out [][]kmsStmt
	for l, level := range levels {
		list := []kmsStmt{}
		for i, d := range level {
			for _, x := range a.kmsStatements(d) {
				x.level, x.index = l, i
				x.setReason(levelledReasonMap(kind, l, i, x.s))
				list = append(list, x)
			}
		}
		out = append(out, list)
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
	keys          ctxMap
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
	cv.keys = ctxMap{}
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
						x.setReason(indexedReasonMap("identity_policy", i, x.s))
						cv.identity = append(cv.identity, x)
					}
				}
			}
			if _, has := ent.raw["permissions_boundary"]; has {
				cv.knownIdentity, cv.hasBoundary = true, true
				cv.boundary = a.kmsStatements(ent.doc["permissions_boundary"])
				for i := range cv.boundary {
					cv.boundary[i].setReason(reasonMap("permissions_boundary", cv.boundary[i].s))
				}
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
				cv.scps = a.levelStatements("scp", ent.lvls["scps"])
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
				if list[j].dynamic() {
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
	grantReasons                                    []map[string]any // grantReasonMap of each grant
	ops                                             []map[string]bool
	customerManaged                                 bool
	ctx                                             ctxMap
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
	kv.ctx = ctxMap{"aws:resourceaccount": {kv.account}, "aws:requestedregion": {kv.region}}
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
			ck := "aws:resourcetag/" + lower(k)
			if _, twice := kv.ctx[ck]; !ok || twice {
				return nil, false // two tags in different cases: snapshot.Parse refuses them
			}
			kv.ctx[ck] = []string{t}
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
	for i := range kv.stmts {
		kv.stmts[i].setReason(reasonMap("key_policy", kv.stmts[i].s))
	}
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
			kv.grantReasons = append(kv.grantReasons, grantReasonMap(len(kv.grants), gm))
			kv.grants = append(kv.grants, gm)
			kv.ops = append(kv.ops, ops)
		}
	}
	if ae, has := a.snap.accounts[kv.account]; has && ae != nil {
		if ae.notObject || ae.bad["rcps"] {
			return nil, false
		}
		kv.rcps = a.levelStatements("rcp", ae.lvls["rcps"])
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
	a, asked, names, ok := e.askedAnalysis(action)
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

// askedAnalysis is what WhoCan and CanUse start from: the snapshot's
// analysis and the asked actions (every key action for ""), with their
// names; ok is false when the engine declines.
func (e *Engine) askedAnalysis(action string) (a *analysis, asked actSet, names []any, ok bool) {
	if a = e.analysis(); a == nil {
		return nil, actSet{}, nil, false
	}
	asked, names, ok = a.askedActions(action)
	return a, asked, names, ok
}

// CanUse is data.kmsguard.access.can_use for {"principal", "action"?}.
func (e *Engine) CanUse(principal, action string) (out map[string]any, ok bool) {
	defer func() { e.count(ok) }()
	a, asked, names, ok := e.askedAnalysis(action)
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
