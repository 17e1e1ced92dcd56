package engine

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

// grant is one grant of a question, checked and typed.
type grant struct {
	granteePrincipal    string
	hasGranteePrincipal bool
	granteeService      string
	operations          []string // lower-cased
	hasConstraints      bool
	equals              map[string]string
	hasEquals           bool
	subset              map[string]string
	hasSubset           bool
	retiring            string
	hasRetiring         bool
	grantID             string
	hasGrantID          bool
	opNames             []string // as given (spelled as KMS spells them)
}

// keyInfo is question.key, checked.
type keyInfo struct {
	keySpec, keyUsage, origin    string
	hasSpec, hasUsage, hasOrigin bool
	multiRegion, hasMultiRegion  bool
	aliases                      []string
	hasAliases                   bool
	tags                         map[string]string
	keyManagerAWS                bool
}

// query is a decoded question the engine can answer: every field checked
// as data.kmsguard.authz._errors checks it, and found valid.
type query struct {
	id        string
	hasID     bool
	principal string
	action    string
	resource  string
	roleARN   string
	hasRole   bool

	keyPolicy *document
	identity  []*document
	boundary  *document
	session   *document
	endpoint  *document
	scps      [][]*document
	rcps      [][]*document
	hasSCPs   bool
	hasRCPs   bool
	grants    []grant
	context   []contextEntry // as given (values checked), sorted by key
	key       keyInfo

	management    string // the organization's management account, or ""
	callerRole    string // the role ARN of an assumed-role caller: role_arn, or the snapshot's
	hasCallerRole bool
	orgs          *snapshotIndex // organization ids (nil: none known)
	newGrant      *grant         // the grant a CreateGrant question creates

	requestTime    string // as given (RFC 3339)
	hasRequestTime bool
	requestSecs    int64 // requestTime in seconds since the epoch
}

// The fields of a question (docs/decision-format.md), numbered.
const (
	fID = iota
	fPrincipal
	fAction
	fResource
	fContext
	fKeyPolicy
	fIdentity
	fBoundary
	fSession
	fSCPs
	fRCPs
	fGrants
	fEndpoint
	fRole
	fKey
	fManagement
	fGrant
	fRequestTime
	nFields
)

var fieldNames = [nFields]string{
	fID: "id", fPrincipal: "principal", fAction: "action", fResource: "resource", fContext: "context",
	fKeyPolicy: "key_policy", fIdentity: "identity_policies", fBoundary: "permissions_boundary",
	fSession: "session_policy", fSCPs: "scps", fRCPs: "rcps", fGrants: "grants", fEndpoint: "vpc_endpoint_policy",
	fRole: "role_arn", fKey: "key", fManagement: "management_account", fGrant: "grant", fRequestTime: "request_time",
}

// fieldOf is the number of the question field named key, or -1: a scan
// of fieldNames, whose lengths mostly differ, costs less than hashing.
func fieldOf[S string | []byte](key S) int {
	for i, name := range fieldNames {
		if string(key) == name { // no allocation for the comparison
			return i
		}
	}
	return -1
}

// rawFields holds a question's fields, raw, by number (nil: not given).
type rawFields [nFields][]byte

// questionFields splits the JSON object d into the question's fields,
// raw; ok is false when d is not one object (only whitespace after it)
// with well-formed keys, colons and commas, or has a key that is no
// question field, or a key twice. The values are not checked: the decoder
// that reads each checks it (strictjson.Check's rules, or the document
// cache's exact bytes).
//
// known, when not nil, gives the length of a JSON object known to be
// well-formed that d holds at the start of a value (0: none):
// questionFields takes its end from it rather than scanning it
// (skipKnown).
//
// ctx, when not nil, reads the context where it stands (ctxBuf.read): its
// strings are cut once the question's text is made (scratch.strings).
func questionFields(d []byte, known func([]byte) int, out *rawFields, ctx *ctxBuf) bool {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '{' {
		return false
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return skipWS(d, i+1) == len(d)
	}
	for i < len(d) {
		if d[i] != '"' {
			return false
		}
		end := skipString(d, i)
		if end > len(d)-1 || end < i+2 {
			return false
		}
		key := d[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			s, ok := stringValue(d[i:end])
			if !ok {
				return false
			}
			key = []byte(s)
		}
		f := fieldOf(key)
		if f < 0 || out[f] != nil {
			return false // not a field, or one given twice
		}
		i = skipWS(d, end)
		if i >= len(d) || d[i] != ':' {
			return false
		}
		i = skipWS(d, i+1)
		if i >= len(d) {
			return false
		}
		var vend int
		if f == fContext && ctx != nil {
			var ok bool
			if vend, ok = ctx.read(d, i); !ok {
				return false
			}
		} else {
			vend = skipKnown(d, i, known)
		}
		out[f] = d[i:vend:vend]
		i = skipWS(d, vend)
		if i >= len(d) {
			return false
		}
		switch d[i] {
		case '}':
			return skipWS(d, i+1) == len(d)
		case ',':
			i = skipWS(d, i+1)
		default:
			return false
		}
	}
	return false
}

// named is the field called name, raw (nil: not given or no field).
func (f *rawFields) named(name string) []byte {
	if i := fieldOf(name); i >= 0 {
		return f[i]
	}
	return nil
}

var grantFields = map[string]bool{
	"grantee_principal": true, "grantee_service_principal": true, "operations": true, "constraints": true,
	"retiring_principal": true, "grant_id": true, "name": true,
}

var keyFields = map[string]bool{
	"aliases": true, "tags": true, "key_spec": true, "key_usage": true, "origin": true, "multi_region": true, "key_manager": true,
}

// decodeQuestion reads one question from JSON. ok is false for a question
// the engine leaves to the Rego: any question with an error, and the few
// shapes the engine does not handle.
func (e *Engine) decodeQuestion(data []byte, sc *scratch) bool {
	if bytes.IndexByte(data, 0) >= 0 || bytes.Contains(data, []byte(`\u0000`)) {
		return false
	}
	// JSON syntax errors and duplicate keys are errors the question decoder
	// reports (with their position): the Rego path answers them. The
	// question's own keys are checked here, and every field by the decoder
	// that reads it (sc.strings, decodeValue, the cache's compileBytes),
	// which says no to what strictjson.Check finds; every field is read.
	var fields rawFields
	sc.ctx.cat = e.catalog
	if !questionFields(data, e.cache.known, &fields, &sc.ctx) {
		return false
	}
	q := &sc.q
	if !sc.strings(data, &fields) {
		return false
	}
	q.hasID, q.hasRole = fields[fID] != nil, fields[fRole] != nil
	var ok bool
	if raw := fields[fKeyPolicy]; raw != nil {
		if q.keyPolicy, ok = sc.document(e, raw, kindResource); !ok {
			return false
		}
	}
	for _, f := range [...]struct {
		field int
		kind  string
		dst   **document
	}{
		{fBoundary, kindIdentity, &q.boundary},
		{fSession, kindIdentity, &q.session},
		{fEndpoint, kindResource, &q.endpoint},
	} {
		if raw := fields[f.field]; raw != nil {
			if *f.dst, ok = sc.document(e, raw, f.kind); !ok {
				return false
			}
		}
	}
	if raw := fields[fIdentity]; raw != nil {
		if q.identity, ok = sc.documents(e, raw, kindIdentity); !ok {
			return false
		}
	}
	if q.scps, q.hasSCPs, ok = sc.levels(e, fields[fSCPs], kindIdentity); !ok {
		return false
	}
	if q.rcps, q.hasRCPs, ok = sc.levels(e, fields[fRCPs], kindResource); !ok {
		return false
	}
	if raw := fields[fGrants]; raw != nil {
		if q.grants, ok = decodeGrants(raw, e.catalog); !ok {
			return false
		}
	}
	if fields[fContext] != nil {
		q.context = sc.ctx.entries // read by questionFields, cut by sc.strings
	}
	if raw := fields[fKey]; raw != nil {
		if q.key, ok = decodeKey(raw); !ok {
			return false
		}
	}
	if fields[fManagement] != nil && !isAccount(q.management) {
		return false
	}
	if raw := fields[fGrant]; raw != nil {
		v, ok := decodeAny(raw)
		if !ok {
			return false
		}
		g, ok := decodeGrant(v, e.catalog)
		if !ok {
			return false
		}
		q.newGrant = &g
	}
	if fields[fRequestTime] != nil {
		if q.requestSecs, ok = rfc3339Seconds(q.requestTime); !ok {
			return false
		}
		q.hasRequestTime = true
	}
	q.callerRole, q.hasCallerRole = q.roleARN, q.hasRole
	if s := e.index(); s != nil && !s.complete(q, &fields) {
		return false
	}
	return q.keyPolicy != nil
}

// stringFields are the question's fields that are strings.
var stringFields = [...]int{fID, fPrincipal, fAction, fResource, fRole, fManagement, fRequestTime}

// strings decodes the question's string fields into sc.q and cuts the
// strings of its context (read by questionFields from data into sc.ctx),
// all those without escapes from one string, the question's text (one
// allocation for them all, or none when sc borrows); ok is false when principal, action or
// resource is missing, a field given is not a JSON string, or the context
// has a key twice.
func (sc *scratch) strings(data []byte, fields *rawFields) bool {
	q := &sc.q
	dst := [len(stringFields)]*string{&q.id, &q.principal, &q.action, &q.resource, &q.roleARN, &q.management, &q.requestTime}
	var plain [len(stringFields)][]byte // the bytes of those without escapes
	size, hasCtx := 0, fields[fContext] != nil
	if hasCtx {
		size = sc.ctx.size()
	}
	for k, f := range stringFields {
		raw := fields[f]
		if raw == nil {
			if f == fPrincipal || f == fAction || f == fResource {
				return false
			}
			continue
		}
		if plainString(raw) {
			plain[k] = raw[1 : len(raw)-1]
			size += len(plain[k])
			continue
		}
		s, ok := stringValue(raw)
		if !ok {
			return false
		}
		*dst[k] = s
	}
	b := sc.text[:0]
	if cap(b) < size {
		b = make([]byte, 0, size)
	}
	if hasCtx {
		b = sc.ctx.write(b, data)
	}
	ctxEnd := len(b)
	for _, p := range plain {
		b = append(b, p...)
	}
	sc.text = b
	var text string
	if sc.parts.borrowed { // the question borrows (see scratch)
		// No copy: written again by the next question.
		text = unsafe.String(unsafe.SliceData(b), len(b))
	} else {
		text = string(b)
	}
	at := ctxEnd
	for k, p := range plain {
		if p != nil {
			*dst[k] = text[at : at+len(p)]
			at += len(p)
		}
	}
	return !hasCtx || sc.ctx.cut(text[:ctxEnd])
}

// decodeAny decodes a JSON value of a checked question, keeping numbers
// exact.
func decodeAny(raw []byte) (any, bool) { return decodeValue(raw) }

// documents reads the JSON list of documents raw into sc.docs (never nil:
// an empty list is a list given).
func (sc *scratch) documents(e *Engine, raw []byte, kind string) ([]*document, bool) {
	base, ok := sc.split(raw)
	defer sc.dropElems(base)
	if !ok {
		return nil, false
	}
	if sc.docs == nil {
		sc.docs = make([]*document, 0, 16)
	}
	from := len(sc.docs)
	for _, r := range sc.elems[base:] {
		d, ok := sc.document(e, r, kind)
		if !ok {
			return nil, false
		}
		sc.docs = append(sc.docs, d)
	}
	return sc.docs[from:len(sc.docs):len(sc.docs)], true
}

// levels reads the levels of scps or rcps (raw nil: not given) into
// sc.levelBuf.
func (sc *scratch) levels(e *Engine, raw []byte, kind string) ([][]*document, bool, bool) {
	if raw == nil {
		return nil, false, true
	}
	base, ok := sc.split(raw)
	defer sc.dropElems(base)
	if !ok {
		return nil, false, false
	}
	if sc.levelBuf == nil {
		sc.levelBuf = make([][]*document, 0, 8)
	}
	from, n := len(sc.levelBuf), len(sc.elems)
	for k := base; k < n; k++ {
		level, ok := sc.documents(e, sc.elems[k], kind)
		if !ok {
			return nil, false, false
		}
		sc.levelBuf = append(sc.levelBuf, level)
	}
	return sc.levelBuf[from:len(sc.levelBuf):len(sc.levelBuf)], true, true
}

// split appends the elements of the JSON list raw to sc.elems, from base
// on; ok is false when raw is not a list. dropElems(base) lets them go.
func (sc *scratch) split(raw []byte) (base int, ok bool) {
	base = len(sc.elems)
	elems, ok := appendElems(sc.elems, raw)
	if ok {
		sc.elems = elems
	}
	return base, ok
}

// dropElems forgets the elements split from base on.
func (sc *scratch) dropElems(base int) {
	clear(sc.elems[base:])
	sc.elems = sc.elems[:base]
}

// document compiles (or finds in the cache) the policy document raw, which
// may be given as a JSON string holding the document, into sc.parts when
// the cache does not keep it. raw has not been checked: the cache checks
// what it does not hold byte for byte.
func (sc *scratch) document(e *Engine, raw json.RawMessage, kind string) (*document, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		if strictjson.Check([]byte(s)) != nil {
			return nil, false
		}
		raw = []byte(s)
	}
	return e.cache.get(raw, kind, &sc.parts)
}

func decodeGrants(raw json.RawMessage, cat *catalogData) ([]grant, bool) {
	v, ok := decodeAny(raw)
	if !ok {
		return nil, false
	}
	return grantsOf(v, cat)
}

func grantsOf(v any, cat *catalogData) ([]grant, bool) {
	list, isList := v.([]any)
	if !isList {
		return nil, false
	}
	var ok bool
	out := make([]grant, len(list))
	for i, x := range list {
		if out[i], ok = decodeGrant(x, cat); !ok {
			return nil, false
		}
	}
	return out, true
}

// decodeGrant checks one grant as authz.grant_errors does.
func decodeGrant(x any, cat *catalogData) (grant, bool) {
	var out grant
	g, isObj := x.(map[string]any)
	if !isObj {
		return out, false
	}
	for k := range g {
		if !grantFields[k] {
			return out, false
		}
	}
	gp, hasGP := g["grantee_principal"]
	gs, hasGS := g["grantee_service_principal"]
	if hasGP == hasGS {
		return out, false
	}
	var isStr bool
	if hasGP {
		out.granteePrincipal, isStr = gp.(string)
		out.hasGranteePrincipal = true
	} else {
		out.granteeService, isStr = gs.(string)
	}
	if !isStr {
		return out, false
	}
	ops, ok := stringList(g["operations"])
	if _, isList := g["operations"].([]any); !ok || !isList {
		return out, false
	}
	for _, op := range ops {
		l := lower(op)
		if !cat.grantOperations[l] || cat.Actions[l].Name != op {
			return out, false
		}
		out.operations = append(out.operations, l)
	}
	out.opNames = ops
	if c, has := g["constraints"]; has {
		cm, isObj := c.(map[string]any)
		if !isObj {
			return out, false
		}
		out.hasConstraints = len(cm) > 0
		for k, v := range cm {
			m, ok := stringMap(v)
			if !ok {
				return out, false
			}
			switch k {
			case "encryption_context_equals":
				out.equals, out.hasEquals = m, true
			case "encryption_context_subset":
				out.subset, out.hasSubset = m, true
			default:
				return out, false
			}
		}
	}
	if r, has := g["retiring_principal"]; has {
		if out.retiring, isStr = r.(string); !isStr {
			return out, false
		}
		out.hasRetiring = true
	}
	if id, isStr := g["grant_id"].(string); isStr {
		out.grantID, out.hasGrantID = id, true
	}
	return out, true
}

func stringMap(v any) (map[string]string, bool) {
	m, isObj := v.(map[string]any)
	if !isObj {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		s, isStr := x.(string)
		if !isStr {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// contextEntry is one key of question.context.
type contextEntry struct {
	key  string   // as given
	low  string   // lower-cased
	kind ctxKind  // the JSON type of the value given
	vals []string // authz.context_values: the list, or the scalar's text
	// known: the catalog types the key by name, typ being its type (low
	// is the catalog's string).
	known bool
	typ   string
}

// ctxKind is the JSON type of a context value the engine handles.
type ctxKind uint8

const (
	ctxString ctxKind = iota
	ctxBool
	ctxNumber // an integer of at most 15 digits: vals[0] is its decimal text
	ctxList   // a list of strings
)

// decodeContext checks question.context: an object of keys (unique
// case-insensitively, ASCII) to strings, booleans, integers of at most 15
// digits or lists of strings; anything else (null, objects, other numbers,
// lists of other values, JSON that is not well-formed) is declined. It
// reads the bytes once, straight into typed entries, sorted by key. The
// strings are cut from one copy of raw, never from raw itself; the keys
// the catalog cat (nil: none) types by name take its names and types.
func decodeContext(raw []byte, cat *catalogData) ([]contextEntry, bool) {
	b := ctxBuf{cat: cat}
	end, ok := b.read(raw, skipWS(raw, 0))
	if !ok || skipWS(raw, end) != len(raw) {
		return nil, false
	}
	if !b.cut(string(b.write(make([]byte, 0, b.size()), raw))) {
		return nil, false
	}
	return b.entries, true
}

// read reads the object at d[i] into b's arrays, its strings left in d
// (b.write copies them, b.cut cuts them from the copy: decodeContext);
// end is the index after the object. The entries and their values are b's
// until it is reset.
func (b *ctxBuf) read(d []byte, i int) (end int, ok bool) {
	if i >= len(d) || d[i] != '{' {
		return 0, false
	}
	start := i
	// entries[k].vals is vals[ends[k-1]:ends[k]]; every value in one array.
	entries, ends, keys, vals := b.entries[:0], b.ends[:0], b.keys[:0], b.vals[:0]
	defer func() { b.entries, b.ends, b.keys, b.vals = entries, ends, keys, vals }()
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		end = i + 1
	}
	for end == 0 {
		if i >= len(d) || d[i] != '"' {
			return 0, false
		}
		var key text
		if key, i, ok = textAt(d, i); !ok || key.from < 0 && !isASCII(key.s) {
			return 0, false
		}
		var kk knownKey
		var known bool
		if b.cat != nil {
			if key.from >= 0 {
				kk, known = lookupKey(b.cat, d[key.from:key.to])
			} else {
				kk, known = lookupKey(b.cat, key.s)
			}
		}
		key.upper = !known && hasUpper(key, d)
		keys = append(keys, key)
		i = skipWS(d, i)
		if i >= len(d) || d[i] != ':' {
			return 0, false
		}
		i = skipWS(d, i+1)
		if i >= len(d) {
			return 0, false
		}
		kind := ctxString
		switch c := d[i]; {
		case c == '"':
			var v text
			if v, i, ok = textAt(d, i); !ok {
				return 0, false
			}
			vals = append(vals, v)
		case c == 't' && len(d) >= i+4 && string(d[i:i+4]) == "true":
			kind, i = ctxBool, i+4
			vals = append(vals, text{s: "true", from: -1})
		case c == 'f' && len(d) >= i+5 && string(d[i:i+5]) == "false":
			kind, i = ctxBool, i+5
			vals = append(vals, text{s: "false", from: -1})
		case c == '[':
			kind = ctxList
			i = skipWS(d, i+1)
			if i < len(d) && d[i] == ']' {
				i++
				break
			}
			for {
				if i >= len(d) || d[i] != '"' {
					return 0, false // not a string (or not JSON)
				}
				var v text
				if v, i, ok = textAt(d, i); !ok {
					return 0, false
				}
				vals = append(vals, v)
				i = skipWS(d, i)
				if i < len(d) && d[i] == ',' {
					i = skipWS(d, i+1)
					continue
				}
				if i < len(d) && d[i] == ']' {
					i++
					break
				}
				return 0, false
			}
		case c == '-' || c >= '0' && c <= '9':
			nend, ok := numberEnd(d, i)
			if !ok {
				return 0, false
			}
			v, ok := integerText(d, i, nend)
			if !ok {
				return 0, false
			}
			kind, i = ctxNumber, nend
			vals = append(vals, v)
		default: // null, an object, or not JSON
			return 0, false
		}
		entries = append(entries, contextEntry{kind: kind, low: kk.name, known: known, typ: kk.typ})
		ends = append(ends, len(vals))
		i = skipWS(d, i)
		if i >= len(d) {
			return 0, false
		}
		switch d[i] {
		case '}':
			end = i + 1
		case ',':
			i = skipWS(d, i+1)
		default:
			return 0, false
		}
	}
	b.start, b.end = start, end
	b.lowSize = 0
	for _, key := range keys {
		if key.upper {
			b.lowSize += key.len()
		}
	}
	return end, true
}

// size is the length of the text b.write writes.
func (b *ctxBuf) size() int { return b.end - b.start + b.lowSize }

// write appends to w the object b read from d, then its keys that have
// upper-case letters, lower-cased.
func (b *ctxBuf) write(w []byte, d []byte) []byte {
	w = append(w, d[b.start:b.end]...)
	lows := b.lows[:0]
	for _, key := range b.keys {
		switch {
		case !key.upper:
		case key.from >= 0:
			lows = asciiLowerBytes(lows, d[key.from:key.to])
		default:
			lows = asciiLowerBytes(lows, []byte(key.s))
		}
	}
	b.lows = lows
	return append(w, lows...)
}

// cut sets the strings of b's entries, cutting them from text (what
// b.write wrote) and sorts the entries by key; ok is false when a key is
// there twice, case-insensitively.
func (b *ctxBuf) cut(text string) bool {
	strs := b.strs[:0]
	if strs == nil {
		strs = make([]string, 0, 24) // an empty list is not nil
	}
	for _, v := range b.vals {
		strs = append(strs, v.in(text, b.start))
	}
	b.strs = strs
	entries := b.entries
	at, from := b.end-b.start, 0
	for k := range entries {
		e, key := &entries[k], b.keys[k]
		e.key = key.in(text, b.start)
		switch {
		case e.known:
		case key.upper:
			e.low = text[at : at+len(e.key)]
			at += len(e.key)
		default:
			e.low = e.key
		}
		e.vals = strs[from:b.ends[k]:b.ends[k]]
		from = b.ends[k]
		for _, prev := range entries[:k] {
			if prev.low == e.low {
				return false // a key twice, case-insensitively
			}
		}
	}
	// Insertion sort: a context has a few dozen keys at most, often sorted.
	for k := 1; k < len(entries); k++ {
		for j := k; j > 0 && entries[j].key < entries[j-1].key; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	return true
}

// text is a string of the context being read: the bytes d[from:to] when
// from >= 0 (cut, once the object is read, from one copy of it), else s;
// upper is set for a key the catalog does not know that has upper-case
// letters (its lower-cased copy is written after the object).
type text struct {
	s        string
	from, to int
	upper    bool
}

// len is the length of t's string.
func (t text) len() int {
	if t.from < 0 {
		return len(t.s)
	}
	return t.to - t.from
}

// in is the string t, src being the copy of d from base.
func (t text) in(src string, base int) string {
	if t.from < 0 {
		return t.s
	}
	return src[t.from-base : t.to-base]
}

// textAt reads the JSON string at d[i] == '"' and returns the index after
// it: its bytes when it has no escapes (ASCII only), else its text as
// encoding/json decodes it.
func textAt(d []byte, i int) (text, int, bool) {
	for j := i + 1; j < len(d); j++ {
		c := d[j]
		if c == '"' {
			return text{from: i + 1, to: j}, j + 1, true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	end := skipString(d, i)
	s, ok := stringValue(d[i:end])
	return text{s: s, from: -1}, end, ok
}

// integerText is numberText of the JSON number d[i:end] (well-formed): the
// number's bytes, JSON allowing no leading zero, except for -0.
func integerText(d []byte, i, end int) (text, bool) {
	digits := d[i:end]
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return text{}, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return text{}, false
		}
	}
	if string(d[i:end]) == "-0" {
		return text{s: "0", from: -1}, true
	}
	return text{from: i, to: end}, true
}

// asciiLowerBytes appends s, lower-cased (ASCII letters only), to b.
func asciiLowerBytes(b, s []byte) []byte {
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// hasUpper reports whether the string t of d has an ASCII upper-case
// letter.
func hasUpper(t text, d []byte) bool {
	if t.from < 0 {
		return strings.IndexFunc(t.s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
	}
	for _, c := range d[t.from:t.to] {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// numberText is the text condition.text gives the JSON number s: its
// decimal digits when it is an integer of at most 15 digits (ok false
// otherwise: the engine does not type other numbers).
func numberText(s string) (string, bool) {
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

func decodeKey(raw json.RawMessage) (keyInfo, bool) {
	v, ok := decodeAny(raw)
	if !ok {
		return keyInfo{}, false
	}
	return keyOf(v)
}

func keyOf(v any) (keyInfo, bool) {
	var k keyInfo
	m, isObj := v.(map[string]any)
	if !isObj {
		return k, false
	}
	for f, x := range m {
		if !keyFields[f] {
			return k, false
		}
		var isStr bool
		switch f {
		case "aliases":
			list, isList := x.([]any)
			if !isList {
				return k, false
			}
			k.hasAliases = true
			k.aliases = make([]string, len(list))
			for i, a := range list {
				if k.aliases[i], isStr = a.(string); !isStr {
					return k, false
				}
			}
		case "tags":
			tags, ok := stringMap(x)
			if !ok {
				return k, false
			}
			seen := map[string]bool{}
			for t := range tags {
				if seen[lower(t)] {
					return k, false // the Rego's object would conflict
				}
				seen[lower(t)] = true
			}
			k.tags = tags
		case "key_spec":
			k.keySpec, isStr = x.(string)
			k.hasSpec = true
		case "key_usage":
			k.keyUsage, isStr = x.(string)
			k.hasUsage = true
		case "origin":
			k.origin, isStr = x.(string)
			k.hasOrigin = true
		case "multi_region":
			k.multiRegion, isStr = x.(bool)
			k.hasMultiRegion = true
		case "key_manager":
			s, _ := x.(string)
			isStr = s == "AWS" || s == "CUSTOMER"
			k.keyManagerAWS = s == "AWS"
		}
		if f != "aliases" && f != "tags" && !isStr {
			return k, false
		}
	}
	return k, true
}

// keyARN is authz.key: the parts of a KMS key ARN.
type keyARN struct {
	partition, region, account, arn string
	id                              string // the key id, after "key/"
}

func parseKeyARN(r string) (keyARN, bool) {
	p, six := splitARN(r) // as strings.Split(r, ":") of six parts:
	six = six && !strings.Contains(p[5], ":")
	if !six || p[0] != "arn" || p[2] != "kms" || !isAccount(p[4]) || !isKeyResource(p[5]) || p[3] == "" {
		return keyARN{}, false
	}
	return keyARN{partition: p[1], region: p[3], account: p[4], arn: r, id: p[5][len("key/"):]}, true
}
