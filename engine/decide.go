package engine

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// eval is one decision in progress: rego/kmsguard/authz, step by step.
type eval struct {
	e *Engine
	q *query

	c             caller
	ids           []identity
	idBuf         [4]identity // the array of ids (a caller has at most four)
	service, root bool

	act           *catalogAction
	actionKey     string
	actionName    string
	key           keyARN
	accountAction bool
	reqRes        string
	cross         bool

	ctx   context // what IAM policies and guardrails see (&keys)
	kpCtx context // what the key policy sees (ctx, or &kpKeys: keys without the IAM-only ones)
	keys  decisionCtx
	// kpKeys is keys as the key policy sees it, when iamOnlyKeys: keys
	// holds a key the key policy does not see.
	kpKeys      decisionCtx
	iamOnlyKeys bool
	ec          encContext

	unsupported bool  // something only the Rego can answer
	now         int64 // time.Now() in seconds, once read
	clockAsked  bool  // usesClock has been asked (its answer in clockUsed)
	clockUsed   bool

	idAllows []idAllowsMemo

	// into is the answer to write (AppendDecision's); nil: a new one.
	into *answerBuf

	// Kept from question to question (scratch), emptied: derive's
	// one-value lists (the context's pairs are in keys).
	arena []string
}

type idAllowsMemo struct {
	a, r    string
	reasons []why
}

// setup validates what the decision needs beyond decoding; ok is false when
// the Rego would report an error (the question goes to the Rego).
func (ev *eval) setup() bool {
	q := ev.q
	c, ok := parseCaller(q.principal, "", false)
	if !ok {
		return false
	}
	if q.hasRole {
		if c.kind != "session" {
			return false
		}
		r, ok := parseCaller(q.roleARN, "", false)
		if !ok || r.kind != "role" || r.account != c.account || r.name != c.name {
			return false
		}
	}
	if q.hasCallerRole {
		if c, ok = parseCaller(q.principal, q.callerRole, true); !ok {
			return false
		}
	}
	ev.c = c
	ev.service, ev.root = c.kind == "service", c.kind == "root"
	if ev.service && (q.identity != nil || q.boundary != nil || q.session != nil) {
		return false
	}
	if !isActionSyntax(q.action) {
		return false
	}
	ev.actionName = lower(q.action)
	ev.actionKey = lower(strings.TrimPrefix(ev.actionName, "kms:"))
	if ev.act = ev.e.catalog.Actions[ev.actionKey]; ev.act == nil {
		return false
	}
	if ev.key, ok = parseKeyARN(q.resource); !ok {
		return false
	}
	ev.ids = c.appendIdentities(ev.idBuf[:0])
	ev.accountAction = ev.act.Scope == "account"
	ev.reqRes = ev.key.arn
	if ev.accountAction {
		ev.reqRes = "*"
	}
	ev.cross = !ev.service && c.account != ev.key.account
	if q.newGrant != nil && ev.actionKey != "creategrant" {
		return false
	}
	if !ev.contextValid() {
		return false
	}
	return ev.buildContext()
}

// contextValid: the given context has none of the errors of
// authz._errors: values of their key's documented type, kms:* keys the
// action carries, no contradiction of the described grant.
func (ev *eval) contextValid() bool {
	cat := ev.e.catalog
	grantKeys := ev.newGrantKeys()
	for i := range ev.q.context {
		c := &ev.q.context[i]
		t, ok := c.typ, true
		if !c.known {
			t, ok = cat.keyType(c.low)
		}
		if !ok {
			return false
		}
		kind := c.kind
		if kind == ctxList {
			kind = ctxString // each element
		}
		for _, x := range c.vals {
			if !typeOK(t, kind, x) {
				return false
			}
		}
		if strings.HasPrefix(c.low, "kms:") && !cat.carries(ev.act, c.low) {
			return false
		}
		if want, has := grantKeys[c.low]; has && !sameValues(c.vals, want) {
			return false
		}
	}
	return true
}

// typeOK: the value of JSON type kind and text s (condition.text) fits the
// documented type t (authz.context_type_error is undefined).
func typeOK(t string, kind ctxKind, s string) bool {
	isStr := kind == ctxString
	switch t {
	case "Bool":
		if kind == ctxBool {
			return true
		}
		return isStr && (lower(s) == "true" || lower(s) == "false")
	case "Numeric":
		if kind == ctxNumber {
			return !strings.HasPrefix(s, "-")
		}
		return isStr && len(s) >= 1 && len(s) <= 15 && strings.Trim(s, "0123456789") == ""
	case "Date":
		_, ok, _ := dateOf(s)
		return ok
	case "IP":
		// net.ParseCIDR(cidrOf(s)) succeeds exactly for an address
		// without a zone (the /32 or /128 it adds always fits).
		if !isStr || strings.Contains(s, "/") {
			return false
		}
		a, err := netip.ParseAddr(s)
		return err == nil && a.Zone() == ""
	case "ARN":
		return isStr && isARNValue(s)
	case "String", "ArrayOfString":
		return kind != ctxBool
	}
	return true
}

// sameValues: a and b have as many values and the same set of them
// (count and set equality, as authz compares them).
func sameValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) > 16 { // long lists: sets, not quadratic time
		set := func(xs []string) map[string]bool {
			m := map[string]bool{}
			for _, x := range xs {
				m[x] = true
			}
			return m
		}
		sa, sb := set(a), set(b)
		if len(sa) != len(sb) {
			return false
		}
		for x := range sa {
			if !sb[x] {
				return false
			}
		}
		return true
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// newGrantKeys is authz.new_grant_keys: the context of the grant a
// CreateGrant question describes.
func (ev *eval) newGrantKeys() map[string][]string {
	g := ev.q.newGrant
	if g == nil {
		return nil
	}
	out := map[string][]string{}
	if len(g.opNames) > 0 {
		out["kms:grantoperations"] = g.opNames
	}
	if g.hasGranteePrincipal {
		out["kms:granteeprincipal"] = []string{g.granteePrincipal}
	} else {
		out["kms:granteeserviceprincipal"] = []string{g.granteeService}
	}
	if g.hasRetiring {
		out["kms:retiringprincipal"] = []string{g.retiring}
	}
	var types []string
	if g.hasEquals {
		types = append(types, "EncryptionContextEquals")
	}
	if g.hasSubset {
		types = append(types, "EncryptionContextSubset")
	}
	if len(types) > 0 {
		out["kms:grantconstrainttype"] = types
	}
	return out
}

// derive puts the keys kmsguard fills in (authz.context without the
// question's own context), noting those that are facts the given context
// must agree with (authz.context_facts).
func (ev *eval) derive() {
	q, c, cat := ev.q, &ev.c, ev.e.catalog
	// One backing array for the one-value lists.
	arena := ev.arena[:0]
	defer func() { ev.arena = arena }()
	one := func(v string) []string {
		arena = append(arena, v)
		n := len(arena)
		return arena[n-1 : n : n]
	}
	set := ev.put
	if ev.service {
		set("aws:principalisawsservice", one("true"), true)
		set("aws:principalservicename", one(c.service), true)
	} else {
		set("aws:principalarn", one(c.principalARN), true)
		set("aws:principalaccount", one(c.account), true)
		set("kms:calleraccount", one(c.account), true)
		set("aws:principaltype", one(c.typ), true)
		set("aws:principalisawsservice", one("false"), true)
		switch c.kind {
		case "user":
			set("aws:username", one(c.name), true)
		case "root":
			set("aws:userid", one(c.account), true)
		}
		// The organization keys are no facts: a question may ask "what
		// if" of another organization (authz.org_key_names).
		if org, ok := q.orgs.organization(c.account); ok {
			set("aws:principalorgid", one(org), false)
		}
		if path, ok := q.orgs.orgPath(c.account); ok {
			set("aws:principalorgpaths", one(path), false)
		}
	}
	set("aws:resourceaccount", one(ev.key.account), true)
	set("aws:requestedregion", one(ev.key.region), true)
	if org, ok := q.orgs.organization(ev.key.account); ok {
		set("aws:resourceorgid", one(org), false)
	}
	if path, ok := q.orgs.orgPath(ev.key.account); ok {
		set("aws:resourceorgpaths", one(path), false)
	}
	if !ev.accountAction {
		// kms:MultiRegion from the key id: multi-Region key ids begin
		// with mrk- (authz.key_id_keys).
		mrk := boolText(strings.HasPrefix(ev.key.id, "mrk-"))
		for _, r := range cat.rows("key_id") {
			set(r.Key, one(mrk), true)
		}
		k := &q.key
		// The deprecated kms:CustomerMasterKeySpec and
		// kms:CustomerMasterKeyUsage hold the same values.
		twins := cat.ConditionKeys.ReplacedBy.Keys
		if k.hasSpec {
			set("kms:keyspec", one(k.keySpec), true)
			set(twins["kms:keyspec"], one(k.keySpec), true)
		}
		if k.hasUsage {
			set("kms:keyusage", one(k.keyUsage), true)
			set(twins["kms:keyusage"], one(k.keyUsage), true)
		}
		if k.hasOrigin {
			set("kms:keyorigin", one(k.origin), true)
		}
		if k.hasMultiRegion {
			set("kms:multiregion", one(boolText(k.multiRegion)), true)
		}
		for t, v := range k.tags {
			set("aws:resourcetag/"+lower(t), one(v), true)
		}
		if k.hasAliases {
			set("kms:resourcealiases", k.aliases, true)
		}
	}
	for i := range cat.RequestContext.Rows {
		r := &cat.RequestContext.Rows[i]
		if r.Value != nil && r.appliesTo(ev.actionKey, &q.key) {
			set(r.Key, r.Value, r.Fact)
		}
	}
	if secs, ok := ev.requestSeconds(); ok {
		for _, r := range cat.rows("request_time") {
			set(r.Key, one(ev.timeText(r.Format, secs)), q.hasRequestTime)
		}
	}
	via := ev.given("kms:viaservice") || ev.given("aws:calledvia")
	for _, r := range cat.rows("via_service") {
		set(r.Key, one(boolText(via)), via)
	}
	if cv := ev.givenValues("aws:calledvia"); len(cv) > 0 {
		for _, r := range cat.rows("called_via") {
			v := cv[0]
			if r.Position == "last" {
				v = cv[len(cv)-1]
			}
			set(r.Key, one(v), true)
		}
	}
	if ev.service {
		for _, r := range cat.rows("service_caller") {
			set(r.Key, one(c.service), true)
		}
	}
}

// fact is authz.context_facts[k]: the values the key k was last set to as
// a fact.
func (ev *eval) fact(k string) ([]string, bool) {
	for i := len(ev.keys.pairs) - 1; i >= 0; i-- {
		if p := &ev.keys.pairs[i]; p.fact && p.key == k {
			return p.vals, true
		}
	}
	return nil, false
}

// given reports whether the question's context gives the lower-cased key k.
func (ev *eval) given(k string) bool {
	for i := range ev.q.context {
		if ev.q.context[i].low == k {
			return true
		}
	}
	return false
}

// givenValues is authz.given_context[k] for the lower-cased key k.
func (ev *eval) givenValues(k string) []string {
	for i := range ev.q.context {
		if ev.q.context[i].low == k {
			return ev.q.context[i].vals
		}
	}
	return nil
}

// requestSeconds is authz.request_secs: the question's request_time, or now
// when a policy tests a request-time key and the context gives none.
func (ev *eval) requestSeconds() (int64, bool) {
	if ev.q.hasRequestTime {
		return ev.q.requestSecs, true
	}
	if !ev.clockAsked {
		ev.clockAsked = true
		ev.clockUsed = ev.usesClock()
	}
	if !ev.clockUsed {
		return 0, false
	}
	if ev.now == 0 {
		ev.now = time.Now().Unix()
	}
	return ev.now, true
}

// usesClock: the context gives no request-time key and a policy of the
// question tests one (the rest of authz.request_secs).
func (ev *eval) usesClock() bool {
	rows := ev.e.catalog.rows("request_time")
	for _, r := range rows {
		if ev.given(r.Key) {
			return false
		}
	}
	return ev.policyTests(rows)
}

// policyTests reports whether a condition of a policy of the question
// tests the key of one of the rows.
func (ev *eval) policyTests(rows []*contextRow) bool {
	q := ev.q
	docs := []*document{q.keyPolicy, q.boundary, q.session, q.endpoint}
	docs = append(docs, q.identity...)
	for _, levels := range [][][]*document{q.scps, q.rcps} {
		for _, l := range levels {
			docs = append(docs, l...)
		}
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, k := range d.condKeys {
			for _, r := range rows {
				if k == r.Key {
					return true
				}
			}
		}
	}
	return false
}

// requestTimeField is authz.request_time_field.
func (ev *eval) requestTimeField() string {
	if ev.q.hasRequestTime {
		return ev.q.requestTime
	}
	if secs, ok := ev.requestSeconds(); ok {
		return timeText("rfc3339", secs)
	}
	return ""
}

// timeText is timeText(format, secs), without a new string when it is the
// question's request_time as given (the usual RFC 3339 text in UTC).
func (ev *eval) timeText(format string, secs int64) string {
	q := ev.q
	if format != "epoch_seconds" && q.hasRequestTime && secs == q.requestSecs {
		var buf [64]byte
		if string(time.Unix(secs, 0).UTC().AppendFormat(buf[:0], time.RFC3339)) == q.requestTime {
			return q.requestTime
		}
	}
	return timeText(format, secs)
}

// timeText is authz.time_text.
func timeText(format string, secs int64) string {
	if format == "epoch_seconds" {
		return strconv.FormatInt(secs, 10)
	}
	return time.Unix(secs, 0).UTC().Format(time.RFC3339)
}

// rfc3339Seconds is floor(time.parse_rfc3339_ns(s) / 1e9); ok is false
// where the Rego's parse fails (outside the nanosecond range too).
func rfc3339Seconds(s string) (int64, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Before(minNs) || t.After(maxNs) {
		return 0, false
	}
	return t.Unix(), true
}

// agrees is authz.context_agrees: the given values of the lower-cased key
// k agree with the derived ones.
func (ev *eval) agrees(k string, given, want []string) bool {
	if sameValues(given, want) {
		return true
	}
	t, _ := ev.e.catalog.keyType(k)
	switch t {
	case "Bool":
		low := make([]string, len(given))
		for i, x := range given {
			low[i] = lower(x)
		}
		return sameValues(low, want)
	case "Date":
		if len(given) != 1 || len(want) != 1 {
			return false
		}
		g, ok, _ := dateOf(given[0])
		w, ok2, _ := dateOf(want[0])
		return ok && ok2 && floorSecs(g) == floorSecs(w)
	case "ArrayOfString":
		for _, x := range want {
			if !slices.Contains(given, x) {
				return false
			}
		}
		return true
	}
	if k == "aws:principalarn" && len(given) == 1 && ev.c.kind == "session" && !ev.q.hasCallerRole {
		c := &ev.c
		return strings.HasPrefix(given[0], "arn:"+c.partition+":iam::"+c.account+":role/") &&
			strings.HasSuffix(given[0], "/"+c.name)
	}
	return false
}

func floorSecs(ns int64) int64 {
	s := ns / 1_000_000_000
	if ns%1_000_000_000 < 0 {
		s--
	}
	return s
}

// buildContext is authz.context and authz.key_policy_context; ok is false
// when the question's context contradicts a fact (the Rego reports an
// error).
func (ev *eval) buildContext() bool {
	q := ev.q
	ev.derive()
	for i := range q.context {
		c := &q.context[i]
		if want, isFact := ev.fact(c.low); isFact && !ev.agrees(c.low, c.vals, want) {
			return false
		}
	}
	ev.ec = ev.ec[:0]
	for i := range q.context {
		c := &q.context[i]
		if strings.HasPrefix(c.low, "kms:encryptioncontext:") && c.kind != ctxList {
			ev.ec = ev.ec.add(c.key[len("kms:encryptioncontext:"):], c.vals[0])
		}
	}
	if len(ev.ec) > 0 {
		from := len(ev.arena)
		for i := range ev.ec {
			ev.arena = append(ev.arena, ev.ec[i].key)
		}
		ev.put("kms:encryptioncontextkeys", ev.arena[from:len(ev.arena):len(ev.arena)], false)
	}
	for k, v := range ev.newGrantKeys() {
		ev.put(k, v, false)
	}
	for i := range q.context {
		ev.put(q.context[i].low, q.context[i].vals, false)
	}
	// A given kms:KeySpec or kms:KeyUsage also sets its deprecated twin,
	// unless the question gives that too (authz.given_deprecated_keys).
	for _, t := range ev.e.catalog.twins {
		if ev.given(t.key) && !ev.given(t.deprecated) {
			v, _ := ev.keys.values(t.key)
			ev.put(t.deprecated, v, false)
		}
	}
	ev.ctx, ev.kpCtx = &ev.keys, &ev.keys
	if ev.iamOnlyKeys {
		// The key policy does not see them: the same pairs, read without
		// them.
		ev.kpKeys = decisionCtx{pairs: ev.keys.pairs, hide: ev.e.catalog}
		ev.kpCtx = &ev.kpKeys
	}
	return true
}

// put sets key k of the context being built (ev.keys), as a fact or not,
// noting whether a key the key policy does not see is set.
func (ev *eval) put(k string, v []string, fact bool) {
	ev.keys.pairs = append(ev.keys.pairs, ctxPair{k, v, fact})
	if !ev.iamOnlyKeys && ev.e.catalog.iamOnly(k) {
		ev.iamOnlyKeys = true
	}
}

// decisionCtx is a decision's request context: its lower-cased keys in the
// order they were set, a key set again overriding the values it had
// (authz.context's precedence: derived keys, then the encryption
// context's and the grant's, then the keys given). A decision reads the
// few keys its documents' conditions test out of some thirty: a list read
// from its end costs less than a map made for each question.
type decisionCtx struct {
	pairs []ctxPair
	// hide, when not nil, is the catalog whose IAM-only keys the list
	// does not show (authz.key_policy_context).
	hide *catalogData
}

type ctxPair struct {
	key  string
	vals []string
	fact bool // derived, and a fact (ev.fact)
}

func (l *decisionCtx) values(k string) ([]string, bool) {
	for i := len(l.pairs) - 1; i >= 0; i-- {
		if l.pairs[i].key == k {
			if l.hide != nil && l.hide.iamOnly(k) {
				return nil, false
			}
			return l.pairs[i].vals, true
		}
	}
	return nil, false
}

// encContext is the request's encryption context: the
// kms:EncryptionContext:<key> keys of the question's context that have one
// value, by key (the key as given after the prefix), sorted by key.
type encContext []ecPair

type ecPair struct{ key, val string }

// add inserts the pair (the keys are unique: the context's keys are).
func (c encContext) add(k, v string) encContext {
	c = append(c, ecPair{k, v})
	for j := len(c) - 1; j > 0 && c[j].key < c[j-1].key; j-- {
		c[j], c[j-1] = c[j-1], c[j]
	}
	return c
}

func (c encContext) get(k string) (string, bool) {
	for i := range c {
		if c[i].key == k {
			return c[i].val, true
		}
	}
	return "", false
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ---- matching one statement ------------------------------------------------------------

func (s *statement) actionOK(a string) bool {
	if s.action != nil {
		return s.action.has(a)
	}
	if s.notAction != nil {
		return !s.notAction.has(a)
	}
	return false
}

func (s *statement) resourceOK(r string, ctx context) bool {
	if s.hasRes {
		for i := range s.resource {
			if s.resource[i].match(r, ctx) {
				return true
			}
		}
		return false
	}
	if s.hasNotRes {
		for i := range s.notResource {
			if !s.notResource[i].resolvable(ctx) {
				return false
			}
		}
		for i := range s.notResource {
			if s.notResource[i].match(r, ctx) {
				return false
			}
		}
		return true
	}
	return false
}

func (ev *eval) conditionsOK(s *statement, ctx context) bool {
	for i := range s.conds {
		if !ev.test(&s.conds[i], ctx) {
			return false
		}
	}
	return true
}

// allowKinds is authz.allow_kinds.
func (ev *eval) allowKinds(s *statement) int {
	if s.principal != nil {
		return s.principal.kinds(ev.ids, ev.service)
	}
	if s.notPrincipal != nil && !ev.exemptFromAllow(s.notPrincipal) {
		return kindAny
	}
	return 0
}

func (ev *eval) exemptFromAllow(np *principalSet) bool {
	return np.any || np.kinds(ev.ids, ev.service) != 0
}

func (ev *eval) exemptFromDeny(np *principalSet) bool {
	if np.any {
		return true
	}
	req := ev.c.requiredKinds()
	return np.kinds(ev.ids, ev.service)&req == req
}

// denialNamesCaller is authz.denial_names_caller.
func (ev *eval) denialNamesCaller(s *statement) bool {
	if s.principal != nil && s.principal.kinds(ev.ids, ev.service) != 0 {
		return true
	}
	if s.notPrincipal != nil && (ev.q.boundary != nil || !ev.exemptFromDeny(s.notPrincipal)) {
		return true
	}
	return false
}

// resourceAllow is authz.resource_allow: the kinds, or 0.
func (ev *eval) resourceAllow(s *statement, ctx context) int {
	if !s.allow || !s.actionOK(ev.actionName) || !s.resourceOK(ev.reqRes, ctx) {
		return 0
	}
	k := ev.allowKinds(s)
	if k == 0 || !ev.conditionsOK(s, ctx) {
		return 0
	}
	return k
}

func (ev *eval) resourceDeny(s *statement, ctx context) bool {
	return !s.allow && s.actionOK(ev.actionName) && s.resourceOK(ev.reqRes, ctx) &&
		ev.denialNamesCaller(s) && ev.conditionsOK(s, ctx)
}

func (ev *eval) identityApplies(s *statement, a, r string) bool {
	return s.actionOK(a) && s.resourceOK(r, ev.ctx) && ev.conditionsOK(s, ev.ctx)
}

// ---- reasons ----------------------------------------------------------------------------

// why is a reason while the decision is made: its numbers held by value
// (-1: none). The answer's Reasons are made of them at the end
// (eval.answer), their pointers into the answer's own block.
type why struct {
	policy, effect, sid, grantID string
	level, index, stmt           int
}

func reason(kind string, s *statement) why {
	r := why{policy: kind, stmt: s.index, effect: s.effect(), level: -1, index: -1}
	if s.hasSid {
		r.sid = s.sid
	}
	return r
}

func indexedReason(kind string, i int, s *statement) why {
	r := reason(kind, s)
	r.index = i
	return r
}

func levelledReason(kind string, l, i int, s *statement) why {
	r := reason(kind, s)
	r.level, r.index = l, i
	return r
}

// ---- identity side ------------------------------------------------------------------------

func (ev *eval) identityAllows(a, r string) []why {
	for _, m := range ev.idAllows {
		if m.a == a && m.r == r {
			return m.reasons
		}
	}
	var out []why
	for i, d := range ev.q.identity {
		for j := range d.statements {
			s := &d.statements[j]
			if s.allow && ev.identityApplies(s, a, r) {
				out = append(out, indexedReason("identity_policy", i, s))
			}
		}
	}
	ev.idAllows = append(ev.idAllows, idAllowsMemo{a, r, out})
	return out
}

func (ev *eval) docAllows(d *document, a, r string) bool {
	if d == nil {
		return true
	}
	for j := range d.statements {
		s := &d.statements[j]
		if s.allow && ev.identityApplies(s, a, r) {
			return true
		}
	}
	return false
}

func (ev *eval) limitsOK(a, r string) bool {
	if !ev.docAllows(ev.q.boundary, a, r) {
		return false
	}
	// A federated-user session without a session policy has no
	// permissions from identity policies.
	if ev.q.session == nil {
		return ev.c.kind != "federated"
	}
	return ev.docAllows(ev.q.session, a, r)
}

func (ev *eval) identityOK(a, r string) bool {
	if ev.root {
		return true
	}
	return !ev.service && len(ev.identityAllows(a, r)) > 0 && ev.limitsOK(a, r)
}

func (ev *eval) docDenies(kind string, d *document) []why {
	if d == nil {
		return nil
	}
	var out []why
	for j := range d.statements {
		s := &d.statements[j]
		if !s.allow && ev.identityApplies(s, ev.actionName, ev.reqRes) {
			out = append(out, reason(kind, s))
		}
	}
	return out
}

// ---- guardrails ----------------------------------------------------------------------------

func (ev *eval) scpsApply() bool {
	return !ev.service && !ev.c.serviceLinked && !ev.managementAccount(ev.c.account) && len(ev.q.scps) > 0
}

func (ev *eval) rcpsApply() bool {
	return !ev.q.key.keyManagerAWS && !ev.accountAction && ev.actionKey != "retiregrant" &&
		!ev.c.serviceLinked && !ev.managementAccount(ev.key.account)
}

// managementAccount: the question names account a as its organization's
// management account.
func (ev *eval) managementAccount(a string) bool {
	return ev.q.management != "" && ev.q.management == a
}

func (ev *eval) endpointOK() bool {
	if ev.q.endpoint == nil {
		return true
	}
	for j := range ev.q.endpoint.statements {
		if ev.resourceAllow(&ev.q.endpoint.statements[j], ev.ctx) != 0 {
			return true
		}
	}
	return false
}

// scpGaps: the levels whose SCPs allow nothing that matches.
func (ev *eval) scpGaps() []int {
	if !ev.scpsApply() {
		return nil
	}
	var gaps []int
	for l, level := range ev.q.scps {
		allows := false
		for _, d := range level {
			for j := range d.statements {
				s := &d.statements[j]
				if s.allow && ev.identityApplies(s, ev.actionName, ev.reqRes) {
					allows = true
					break
				}
			}
			if allows {
				break
			}
		}
		if !allows {
			gaps = append(gaps, l)
		}
	}
	return gaps
}

func (ev *eval) denialReasons() []why {
	var out []why
	q := ev.q
	if !ev.accountAction {
		for j := range q.keyPolicy.statements {
			s := &q.keyPolicy.statements[j]
			if ev.resourceDeny(s, ev.kpCtx) {
				out = append(out, reason("key_policy", s))
			}
		}
	}
	for i, d := range q.identity {
		for j := range d.statements {
			s := &d.statements[j]
			if !s.allow && ev.identityApplies(s, ev.actionName, ev.reqRes) {
				out = append(out, indexedReason("identity_policy", i, s))
			}
		}
	}
	out = append(out, ev.docDenies("permissions_boundary", q.boundary)...)
	out = append(out, ev.docDenies("session_policy", q.session)...)
	if ev.scpsApply() {
		for l, level := range q.scps {
			for i, d := range level {
				for j := range d.statements {
					s := &d.statements[j]
					if !s.allow && ev.identityApplies(s, ev.actionName, ev.reqRes) {
						out = append(out, levelledReason("scp", l, i, s))
					}
				}
			}
		}
	}
	if ev.rcpsApply() {
		for l, level := range q.rcps {
			for i, d := range level {
				for j := range d.statements {
					s := &d.statements[j]
					if ev.resourceDeny(s, ev.ctx) {
						out = append(out, levelledReason("rcp", l, i, s))
					}
				}
			}
		}
	}
	if q.endpoint != nil {
		for j := range q.endpoint.statements {
			s := &q.endpoint.statements[j]
			if ev.resourceDeny(s, ev.ctx) {
				out = append(out, reason("vpc_endpoint_policy", s))
			}
		}
	}
	return out
}

// ---- grants ----------------------------------------------------------------------------------

const (
	granteeNone = iota
	granteeSelf
	granteeRole
	granteeAccount
)

// granteeKind is authz.grantee_kind.
func (ev *eval) granteeKind(g *grant) int {
	c := &ev.c
	if g.hasGranteePrincipal {
		gp := g.granteePrincipal
		switch {
		case c.kind != "role" && c.arn != "" && gp == c.arn:
			return granteeSelf
		case ev.service && lower(gp) == c.service:
			return granteeSelf
		case (c.kind == "session" || c.kind == "role") && gp == c.roleARN:
			return granteeRole
		case !ev.service && !ev.root && (gp == c.account || gp == c.rootARN()):
			return granteeAccount
		}
		return granteeNone
	}
	if ev.service && lower(g.granteeService) == c.service {
		return granteeSelf
	}
	return granteeNone
}

func (g *grant) hasOperation(name string) bool {
	l := lower(name)
	for _, op := range g.operations {
		if op == l {
			return true
		}
	}
	return false
}

func (ev *eval) constraintsOK(g *grant) bool {
	if !ev.act.EncryptionContext {
		return true
	}
	if g.hasEquals {
		if len(g.equals) != len(ev.ec) {
			return false
		}
		for k, v := range g.equals {
			if x, ok := ev.ec.get(k); !ok || x != v {
				return false
			}
		}
	}
	if g.hasSubset {
		for k, v := range g.subset {
			if x, ok := ev.ec.get(k); !ok || x != v {
				return false
			}
		}
	}
	return true
}

func (ev *eval) childOperationsOK(g *grant) bool {
	if ev.actionKey != "creategrant" {
		return true
	}
	ops, _ := ev.ctx.values("kms:grantoperations")
	for _, op := range ops {
		if !g.hasOperation(op) {
			return false
		}
	}
	return true
}

// childConstraintsOK is authz.child_constraints_ok: a grant created
// through grant g is at least as strict as g.
func (ev *eval) childConstraintsOK(g *grant) bool {
	if ev.actionKey != "creategrant" || !g.hasConstraints {
		return true
	}
	var child grant
	if ev.q.newGrant != nil {
		child = *ev.q.newGrant
	}
	if g.hasEquals && (!child.hasEquals || !sameMap(child.equals, g.equals)) {
		return false
	}
	if g.hasSubset && len(g.subset) > 0 && !containsPairs(child.equals, child.hasEquals, g.subset) &&
		!containsPairs(child.subset, child.hasSubset, g.subset) {
		return false
	}
	return true
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	return containsPairs(a, true, b)
}

func containsPairs(m map[string]string, has bool, pairs map[string]string) bool {
	if !has {
		return false
	}
	for k, v := range pairs {
		if x, ok := m[k]; !ok || x != v {
			return false
		}
	}
	return true
}

func grantReason(i int, g *grant) why {
	r := why{policy: "grant", index: i, effect: "Allow", level: -1, stmt: -1}
	if g.hasGrantID {
		r.grantID = g.grantID
	}
	return r
}

// usableGrant is authz.usable_grants for grant i.
func (ev *eval) usableGrant(g *grant) bool {
	if !ev.act.GrantOperation || ev.actionKey == "retiregrant" {
		return false
	}
	kind := ev.granteeKind(g)
	if kind == granteeNone || !g.hasOperation(ev.act.Name) || !ev.constraintsOK(g) || !ev.childOperationsOK(g) || !ev.childConstraintsOK(g) {
		return false
	}
	switch kind {
	case granteeRole:
		return ev.limitsOK(ev.actionName, ev.reqRes)
	case granteeAccount:
		return ev.identityOK(ev.actionName, ev.reqRes)
	}
	return true
}

func (ev *eval) grantReasons() []why {
	var out []why
	for i := range ev.q.grants {
		if ev.usableGrant(&ev.q.grants[i]) {
			out = append(out, grantReason(i, &ev.q.grants[i]))
		}
	}
	return out
}

func (ev *eval) mayRetire(g *grant) bool {
	c := &ev.c
	if g.hasRetiring {
		if (c.arn != "" && g.retiring == c.arn) || (c.roleARN != "" && g.retiring == c.roleARN) {
			return true
		}
		if ev.service && lower(g.retiring) == c.service {
			return true
		}
	}
	if !ev.service && g.hasRetiring && (g.retiring == c.account || g.retiring == c.rootARN()) &&
		ev.identityOK(ev.actionName, ev.reqRes) {
		return true
	}
	if k := ev.granteeKind(g); (k == granteeSelf || k == granteeRole) && g.hasOperation("RetireGrant") {
		return true
	}
	return !ev.cross && !ev.service && ev.identityOK(ev.actionName, ev.reqRes)
}

func (ev *eval) retireReasons() []why {
	if ev.actionKey != "retiregrant" {
		return nil
	}
	var out []why
	for i := range ev.q.grants {
		if ev.mayRetire(&ev.q.grants[i]) {
			out = append(out, grantReason(i, &ev.q.grants[i]))
		}
	}
	return out
}

// ---- the decision -------------------------------------------------------------------------------

type kpAllow struct {
	s     *statement
	kinds int
}

// decide is authz.decision for a question without errors.
func (ev *eval) decide() *Answer {
	q := ev.q
	if denials := ev.denialReasons(); len(denials) > 0 {
		return ev.answer("ExplicitlyDenied", false, denials, nil)
	}

	var allowBuf [8]kpAllow // on the stack: the answer keeps none of it
	allows := allowBuf[:0]
	if !ev.accountAction {
		for j := range q.keyPolicy.statements {
			s := &q.keyPolicy.statements[j]
			if k := ev.resourceAllow(s, ev.kpCtx); k != 0 {
				allows = append(allows, kpAllow{s, k})
			}
		}
	}
	directKind := func(k int) bool { return k&kindSelf != 0 || (ev.service && k&kindAny != 0) }
	roleKind := func(k int) bool { return k&kindRole != 0 || (!ev.service && k&kindAny != 0) }
	accountKind := func(k int) bool { return k&kindAccount != 0 || (!ev.service && k&kindAny != 0) }
	var bufs [4][8]why // on the stack: the answer copies what it keeps
	direct, role, account, anyKP := bufs[0][:0], bufs[1][:0], bufs[2][:0], bufs[3][:0]
	for _, a := range allows {
		r := reason("key_policy", a.s)
		if directKind(a.kinds) {
			direct = append(direct, r)
		} else if roleKind(a.kinds) {
			role = append(role, r)
		}
		if accountKind(a.kinds) {
			account = append(account, r)
		}
		anyKP = append(anyKP, r)
	}

	keySide := func() []why {
		if !ev.cross {
			limited := role
			if !ev.limitsOK(ev.actionName, ev.reqRes) {
				limited = nil
			}
			if len(direct)+len(limited) > 0 {
				return concat(direct, limited)
			}
			if len(account) > 0 && ev.identityOK(ev.actionName, ev.reqRes) {
				return concat(account, ev.identityAllows(ev.actionName, ev.reqRes))
			}
			return nil
		}
		if ev.act.CrossAccount && len(anyKP) > 0 && ev.identityOK(ev.actionName, ev.reqRes) {
			return concat(anyKP, ev.identityAllows(ev.actionName, ev.reqRes))
		}
		return nil
	}()
	grants := ev.grantReasons()
	extraOK := ev.act.Scope != "alias" ||
		ev.identityOK(ev.actionName, "arn:"+ev.key.partition+":kms:"+ev.key.region+":"+ev.key.account+":alias/kmsguard-any-alias")
	replicateOK := ev.actionKey != "replicatekey" || ev.identityOK("kms:createkey", "*")
	retire := ev.retireReasons()

	var allowReasons []why
	switch {
	case ev.accountAction && ev.identityOK(ev.actionName, "*"):
		allowReasons = ev.identityAllows(ev.actionName, "*")
	case ev.actionKey == "retiregrant":
		allowReasons = retire
	case !ev.accountAction && extraOK && replicateOK:
		allowReasons = concat(keySide, grants)
	}
	gaps := ev.scpGaps()
	endpointOK := ev.endpointOK()
	guardrailsOK := len(gaps) == 0 && endpointOK
	if guardrailsOK && (len(allowReasons) > 0 || (ev.root && ev.accountAction)) {
		return ev.answer("Allowed", true, allowReasons, nil)
	}

	// Why an implicit deny.
	name := ev.act.Name
	c := &ev.c
	var missBuf [8]string // on the stack: the answer gets a copy
	missing := missBuf[:0]
	add := func(s string) { missing = append(missing, s) }
	if ev.cross && !ev.act.CrossAccount {
		add("kms:" + name + " cannot be used across accounts: the caller is in account " + c.account + ", the key in account " + ev.key.account)
	}
	for _, l := range gaps {
		add("SCP level " + strconv.Itoa(l) + " allows nothing that matches kms:" + name)
	}
	if !endpointOK {
		add("the VPC endpoint policy does not allow the request")
	}
	if !ev.accountAction && ev.actionKey != "retiregrant" && len(allows) == 0 && len(grants) == 0 {
		add("no statement of the key policy allows the caller, its role or its account kms:" + name + " under the request's conditions")
	}
	limitNote := ""
	if len(ev.identityAllows(ev.actionName, ev.reqRes)) > 0 {
		limitNote = " (or its permissions boundary / session policy does not)"
	}
	idOK := ev.identityOK(ev.actionName, ev.reqRes)
	if !ev.accountAction && len(account) > 0 && !idOK && len(keySide) == 0 && len(grants) == 0 && !ev.service {
		add("the key policy lets account " + c.account + " delegate kms:" + name + ", but no identity policy of the caller allows it" + limitNote)
	}
	if ev.cross && ev.act.CrossAccount && len(anyKP) > 0 && len(account) == 0 && !idOK && len(grants) == 0 {
		add("the key is in another account: the caller's own identity policies must also allow kms:" + name + limitNote)
	}
	if !ev.cross && len(role) > 0 && !ev.limitsOK(ev.actionName, ev.reqRes) && len(keySide) == 0 {
		add("the key policy names the caller's role, but its permissions boundary or session policy does not allow the action")
	}
	if ev.accountAction && !ev.root && !ev.identityOK(ev.actionName, "*") {
		add("no identity policy of the caller allows kms:" + name)
	}
	if ev.actionKey == "retiregrant" && len(retire) == 0 {
		add("no grant lets the caller retire a grant on this key (retiring principal, grantee with RetireGrant, or the key's account through IAM)")
	}
	if ev.act.Scope == "alias" && !extraOK {
		add(name + " also needs an identity-policy allow on the alias (covering every alias of the account and Region)")
	}
	if c.kind == "federated" && q.session == nil {
		add("a federated-user session without a session policy has no permissions except those a resource policy or grant gives the session itself")
	}
	if !replicateOK {
		add("ReplicateKey also needs an identity-policy allow for kms:CreateKey")
	}
	slices.Sort(missing)
	return ev.answer("ImplicitlyDenied", false, nil, compactStrings(missing))
}

func concat(a, b []why) []why {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]why, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
