package engine

import (
	"sort"
	"strconv"
	"strings"
)

// One caller and one key: the statements that apply to the caller as far
// as the snapshot can tell, the paths to an allow, and the access to each
// action (rego/kmsguard/access/model.rego, from pair() on).

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
	// rendered is renderElement's answer, made at its first use: the
	// element is the same in every path and action of its pair; bare is
	// its statement's rendering when no condition is left open.
	rendered, bare map[string]any
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
	ctx, kpCtx ctxMap // made at their first use (context)
	resOrg     bool   // the snapshot decides aws:ResourceOrgID

	kpAllow, kpDeny  []*elem
	idAllow, bAllow  allowLists // identity policies', boundary's
	idDeny, bDeny    []*elem
	scpAllow         [][]*elem
	scpDeny, rcpDeny []*elem
	grants           []grantView
}

// allowLists are the Allow elements of the caller's identity policies or
// boundary on each resource (where: key, alias, any), made at their first
// use.
type allowLists struct {
	lists [3][]*elem
	done  [3]bool
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
		if e := pv.element(x.reason, x, ctxKeyPolicy); e != nil {
			e.kinds = kinds
			pv.kpAllow = append(pv.kpAllow, e)
		}
	}
	for i, g := range kv.grants {
		if kind := pv.granteeKind(g); kind != "" {
			pv.grants = append(pv.grants, grantView{index: i, grant: g, kind: kind, ops: kv.ops[i], reason: kv.grantReasons[i]})
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
		if e := pv.element(x.reason, x, ctxKeyPolicy); e != nil {
			pv.kpDeny = append(pv.kpDeny, e)
		}
	}
	for _, x := range cv.identity {
		if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
			if e := pv.identityElement(x.reason, x); e != nil {
				pv.idDeny = append(pv.idDeny, e)
			}
		}
	}
	for _, x := range cv.boundary {
		if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
			if e := pv.identityElement(x.reason, x); e != nil {
				pv.bDeny = append(pv.bDeny, e)
			}
		}
	}
	for _, level := range cv.scps {
		list := []*elem{}
		for _, x := range level {
			if x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
				if e := pv.identityElement(x.reason, x); e != nil {
					list = append(list, e)
				}
			}
		}
		pv.scpAllow = append(pv.scpAllow, list)
	}
	for _, level := range cv.scps {
		for _, x := range level {
			if !x.s.allow && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
				if e := pv.identityElement(x.reason, x); e != nil {
					pv.scpDeny = append(pv.scpDeny, e)
				}
			}
		}
	}
	if kv.customerManaged {
		for _, level := range kv.rcps {
			for _, x := range level {
				if !x.s.allow && pv.denialNames(x.s) && pv.resourceOK(x.s, kv.arn, ctxIdentity) {
					if e := pv.identityElement(x.reason, x); e != nil {
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

func (pv *pairView) idAllows(where int) []*elem { return pv.allows(&pv.idAllow, pv.cv.identity, where) }
func (pv *pairView) bAllows(where int) []*elem  { return pv.allows(&pv.bAllow, pv.cv.boundary, where) }

// allows is the Allow elements of stmts on the resource where, kept in l.
func (pv *pairView) allows(l *allowLists, stmts []kmsStmt, where int) []*elem {
	if !l.done[where] {
		l.done[where] = true
		r := pv.resource(where)
		for _, x := range stmts {
			if x.s.allow && pv.resourceOK(x.s, r, ctxIdentity) {
				if e := pv.identityElement(x.reason, x); e != nil {
					l.lists[where] = append(l.lists[where], e)
				}
			}
		}
	}
	return l.lists[where]
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
func (pv *pairView) context(kind int) ctxMap {
	switch kind {
	case ctxNone:
		return ctxMap{}
	case ctxKeyPolicy:
		if pv.kpCtx == nil {
			pv.kpCtx = make(ctxMap, len(pv.cv.keys)+len(pv.kv.ctx))
			for k, v := range pv.context(ctxIdentity) {
				if !pv.a.e.catalog.iamOnly(k) {
					pv.kpCtx[k] = v
				}
			}
		}
		return pv.kpCtx
	}
	if pv.ctx == nil {
		pv.ctx = make(ctxMap, len(pv.cv.keys)+len(pv.kv.ctx))
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
			if list[i].dynamic() {
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
	e := &elem{reason: r, acts: x.acts, stmt: x.s, ctxKind: kind, bare: x.bare}
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
		vals := ct.written()
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
	m := map[string]any{"policy": kind, "statement": s.index, "effect": s.effect()}
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
			out = append(out, path{{reason: pv.kv.grantReasons[i], conds: []openCond{}}})
		}
	}
	return out
}

func (pv *pairView) accountRetirePaths(a int) []path {
	if pv.cross || pv.cv.service {
		return nil
	}
	var out []path
	for i := range pv.kv.grants {
		for _, ip := range pv.identityPaths(a, whereKey) {
			out = append(out, append(path{{reason: pv.kv.grantReasons[i], conds: []openCond{}}}, ip...))
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
			if strings.HasPrefix(k, "kms:") && !pv.a.e.catalog.carries(act, k) && !pv.ev.test(c.ct, ctxMap{}) {
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
	ctx := make(ctxMap, 24)
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
	out := make(map[string]any, 5) // and example_context, actions (accesses)
	out["access"], out["paths"], out["unless"] = level, paths, unless
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
	if e.rendered == nil {
		e.rendered = pv.newRendering(e)
	}
	return e.rendered
}

func (pv *pairView) newRendering(e *elem) map[string]any {
	if e.requires != "" {
		return map[string]any{"requires": e.requires, "text": e.text}
	}
	if len(e.conds) == 0 && e.bare != nil {
		return e.bare
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
	out := make([][]*elem, 0, 10+len(pv.scpAllow))
	for _, l := range [...][]*elem{pv.kpAllow, pv.idAllows(whereKey), pv.idAllows(whereAlias), pv.bAllows(whereKey), pv.bAllows(whereAlias),
		pv.kpDeny, pv.idDeny, pv.bDeny, pv.scpDeny, pv.rcpDeny} {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	for _, l := range pv.scpAllow {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// accesses is accesses(pv): the caller's access to each asked action,
// actions with the same answer grouped.
func (pv *pairView) accesses(asked actSet) []any {
	pending := asked.and(pv.reachable())
	if pending.empty() {
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
	// Actions with the same signature (catalogue properties the analysis
	// reads, and the grants, elements and condition keys that apply to
	// them) get the same answer: each signature is answered once. The
	// signature is built in one reused buffer; a map lookup by
	// string(buf) does not copy it.
	bySig := map[string]int{} // signature -> index in groups
	var groups [][]int        // the actions of each signature, in catalogue-key order
	var b []byte
	for a := range pv.a.actions {
		if !pending.has(a) {
			continue
		}
		key := pv.a.actions[a]
		act := cat.Actions[key]
		b = b[:0]
		_, hasDefaults := cat.RequestDefaults[key]
		special := ""
		if key == "retiregrant" || key == "replicatekey" || key == "creategrant" {
			special = key
		}
		b = append(b, act.Scope...)
		b = append(b, '|')
		b = append(b, special...)
		b = append(b, '|')
		b = strconv.AppendBool(b, hasDefaults)
		b = append(b, '|')
		if pv.cross {
			b = strconv.AppendBool(b, act.CrossAccount)
		}
		b = append(b, '|')
		if len(pv.grants) > 0 {
			b = strconv.AppendBool(b, act.GrantOperation)
			b = strconv.AppendBool(b, act.EncryptionContext)
		}
		b = append(b, '|')
		for i, gv := range pv.grants {
			if gv.ops[key] {
				b = strconv.AppendInt(b, int64(i), 10)
				b = append(b, ',')
			}
		}
		for _, list := range lists {
			b = append(b, '|')
			for i, x := range list {
				if x.acts.has(a) {
					b = strconv.AppendInt(b, int64(i), 10)
					b = append(b, ',')
				}
			}
		}
		b = append(b, '|')
		for _, k := range usedKeys {
			if !cat.carries(act, k) {
				b = append(b, k...)
				b = append(b, ',')
			}
		}
		if g, seen := bySig[string(b)]; seen {
			groups[g] = append(groups[g], a)
			continue
		}
		bySig[string(b)] = len(groups)
		groups = append(groups, []int{a})
	}
	type entry struct {
		answer  map[string]any
		actions []string
	}
	var entries []entry
	for _, same := range groups {
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
		en.answer["actions"] = acts // the answer is access()'s own map
		out[i] = en.answer
	}
	return out
}
