package engine

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// A policy document is compiled straight from its JSON bytes, in one pass:
// each element is read into the compiled statement as the reader meets it,
// with no Go values in between. The reader checks what it reads as
// strictjson.Check does (syntax, number grammar, a key given twice,
// compared after unescaping) and says no to anything the engine does not
// compile (policy.valid's errors, shapes it does not handle): the question
// then goes to the Rego, which words the error. A document it accepts is
// well-formed JSON, which the document cache relies on (an exact hit is not
// read again, and a kept document ends where its bytes end).

// docReader compiles one document; its strings without escapes are cut
// from one copy of the bytes (decoder.src), or from the bytes themselves
// for a document compiled into a borrowing question's parts.
type docReader struct {
	decoder
	kind string
	vars bool

	strs []string // stringList's result, until the next call
	ops  []string // a Condition block's operators read so far
	keys map[string]struct{}

	// The document's compiled parts are cut from the arrays of p: own's
	// (a new docArena's, or arrays of their own) or a question's.
	p   *docParts
	own docParts
}

// docParts is the arrays a document's compiled parts are cut from, a few
// for all its statements.
type docParts struct {
	docs     chunk[document]
	stmts    chunk[statement]
	condKeys chunk[string]
	tests    chunk[condTest]
	vals     chunk[condValue]
	names    chunk[string]
	pats     chunk[pattern]
	res      chunk[resourcePattern]
	sets     chunk[actionSet]
	prins    chunk[principalSet]
	arns     chunk[arnPattern]
	// borrowed: the documents compiled here cut their strings from the
	// question's bytes themselves, not from a copy (the question borrows:
	// see scratch). Nothing kept is ever taken from parts: the cache
	// compiles what it keeps again, into memory of its own.
	borrowed bool
}

// partsMax bounds what a question's docParts keeps for the next question:
// an array grown longer than this by an unusual question is dropped.
const partsMax = 1024

// reset empties p for the next question, keeping its arrays: every
// element written is cleared (nothing the documents held stays reachable
// from here). The documents compiled into p must not be used after.
func (p *docParts) reset() {
	resetChunk(&p.docs)
	resetChunk(&p.stmts)
	resetChunk(&p.condKeys)
	resetChunk(&p.tests)
	resetChunk(&p.vals)
	resetChunk(&p.names)
	resetChunk(&p.pats)
	resetChunk(&p.res)
	resetChunk(&p.sets)
	resetChunk(&p.prins)
	resetChunk(&p.arns)
}

func resetChunk[T any](c *chunk[T]) {
	if cap(c.buf) > partsMax {
		*c = chunk[T]{}
		return
	}
	clear(c.buf)
	c.buf = c.buf[:0]
}

// docArena is the memory of a small document's compiled form, in one
// allocation: arrays sized for what most policies hold (two statements, a
// few actions, a resource ARN, a condition or two). A chunk whose array
// here is full goes on in an array of its own. oneArena is the same for a
// document of one statement.
type docArena struct {
	doc   [1]document
	stmts [2]statement
	keys  [2]string
	tests [2]condTest
	vals  [2]condValue
	names [4]string
	pats  [2]pattern
	res   [2]resourcePattern
	arns  [1]arnPattern
	sets  [2]actionSet
	prins [2]principalSet
}

type oneArena struct {
	doc   [1]document
	stmts [1]statement
	keys  [1]string
	tests [1]condTest
	vals  [2]condValue
	names [3]string
	pats  [1]pattern
	res   [1]resourcePattern
	arns  [1]arnPattern
	sets  [1]actionSet
	prins [1]principalSet
}

// arenaMax is the size of the largest document compiled into a docArena:
// larger ones rarely fit it.
const arenaMax = 1024

// oneArenaMax is the size of the largest document compiled into a
// oneArena: a statement is 100 to 300 bytes.
const oneArenaMax = 256

// useArena makes r compile the document d into a new arena.
func (r *docReader) useArena(d []byte) {
	p := &r.own
	if len(d) <= oneArenaMax {
		a := new(oneArena)
		p.docs.buf, p.stmts.buf, p.condKeys.buf = a.doc[:0], a.stmts[:0], a.keys[:0]
		p.tests.buf, p.vals.buf, p.names.buf, p.pats.buf = a.tests[:0], a.vals[:0], a.names[:0], a.pats[:0]
		p.res.buf, p.arns.buf, p.sets.buf, p.prins.buf = a.res[:0], a.arns[:0], a.sets[:0], a.prins[:0]
		return
	}
	a := new(docArena)
	p.docs.buf, p.stmts.buf, p.condKeys.buf = a.doc[:0], a.stmts[:0], a.keys[:0]
	p.tests.buf, p.vals.buf, p.names.buf, p.pats.buf = a.tests[:0], a.vals[:0], a.names[:0], a.pats[:0]
	p.res.buf, p.arns.buf, p.sets.buf, p.prins.buf = a.res[:0], a.arns[:0], a.sets[:0], a.prins[:0]
}

// chunk hands out runs of one array: the run being built (from start)
// moves to a new, larger array when the array is full, and the runs handed
// out stay where they are. Each run is a slice of its own (its capacity
// ends where it does).
type chunk[T any] struct {
	buf   []T
	first int // the first array's size
}

// add appends x to the run from start, and returns where the run now
// starts.
func (c *chunk[T]) add(start int, x T) int {
	if len(c.buf) == cap(c.buf) {
		n := len(c.buf) - start
		buf := make([]T, n, max(2*cap(c.buf), c.first, 4, 2*n))
		copy(buf, c.buf[start:])
		c.buf, start = buf, 0
	}
	c.buf = append(c.buf, x)
	return start
}

// run returns the run from start: empty, not nil, when there is none yet
// (the same document compiles to the same value whatever its arrays).
func (c *chunk[T]) run(start int) []T {
	if c.buf == nil {
		return []T{}
	}
	return c.buf[start:len(c.buf):len(c.buf)]
}

// one returns a pointer to a new element x.
func (c *chunk[T]) one(x T) *T {
	start := c.add(len(c.buf), x)
	return &c.buf[start]
}

// compileBytes compiles the policy document d of kind; spaced tells whether
// d has whitespace between its tokens (else it is its own compact form).
// ok is false for anything but a valid document the engine compiles. With
// parts nil the document owns its memory; else it is compiled into parts
// (a question's, for a document the cache will not keep) and lives until
// parts.reset.
func compileBytes(d []byte, kind string, parts *docParts) (doc *document, spaced, ok bool) {
	r := readers.Get().(*docReader)
	defer r.release()
	var src string
	if parts != nil && parts.borrowed {
		src = unsafe.String(unsafe.SliceData(d), len(d)) // d outlives parts
	} else {
		src = string(d)
	}
	r.decoder = decoder{d: d, src: src, objects: true, members: r.members, items: r.items}
	r.kind, r.vars = kind, false
	switch {
	case parts != nil:
		r.p = parts // arrays grown here are the question's
	case len(d) <= arenaMax:
		r.useArena(d)
		r.p = &r.own
	default:
		r.p = &r.own
	}
	// The arrays' first sizes, from the document's: about what a document
	// of many statements with conditions needs.
	r.p.stmts.first, r.p.condKeys.first = min(max(len(d)/200, 1), 64), len(d)/200
	r.p.tests.first, r.p.vals.first, r.p.names.first = len(d)/80, len(d)/80, len(d)/60
	r.p.pats.first, r.p.res.first, r.p.sets.first, r.p.prins.first = len(d)/400, len(d)/200, len(d)/200, len(d)/200
	r.p.arns.first = len(d) / 400
	doc, ok = r.document()
	if !ok {
		return nil, false, false
	}
	return doc, r.spaced, true
}

// readers holds docReaders for the next documents: their scratch lists
// grow to a document's size once, not for every document.
var readers = sync.Pool{New: func() any { return new(docReader) }}

// release empties r (it keeps no document's bytes or strings) and puts it
// back in readers.
func (r *docReader) release() {
	clear(r.members)
	clear(r.items)
	clear(r.strs)
	clear(r.ops)
	clear(r.keys)
	*r = docReader{ // p nil and own zero: no document's arrays kept
		decoder: decoder{members: r.members[:0], items: r.items[:0]},
		strs:    r.strs[:0], ops: r.ops[:0], keys: r.keys,
	}
	if cap(r.items) > 4096 || cap(r.strs) > 4096 {
		return // grown on a very large document: not kept
	}
	readers.Put(r)
}

// compileDocument compiles a document given as Go values (a snapshot's,
// decoded by encoding/json with numbers kept exact): through its JSON.
func compileDocument(v any, kind string) (*document, bool) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return nil, false
	}
	doc, _, ok := compileBytes([]byte(b.String()), kind, nil)
	return doc, ok
}

// document reads the whole of d: {"Version", "Id", "Statement"}.
func (r *docReader) document() (*document, bool) {
	d := r.d
	i := r.ws(0)
	if i >= len(d) || d[i] != '{' {
		return nil, false
	}
	i = r.ws(i + 1)
	var (
		seen       [3]bool // Version, Id, Statement
		stmtAt     = -1    // Statement read before Version: read it last
		stmtEnd    int
		doc        *document
		hasVersion bool
	)
	if i < len(d) && d[i] == '}' {
		return nil, false // no Statement
	}
	for {
		key, end, ok := r.key(i)
		if !ok {
			return nil, false
		}
		i = end
		switch key {
		case "Version":
			if seen[0] || i >= len(d) || d[i] != '"' {
				return nil, false
			}
			seen[0] = true
			s, end, ok := r.str(i)
			if !ok || (s != "2012-10-17" && s != "2008-10-17") {
				return nil, false
			}
			r.vars, hasVersion, i = s == "2012-10-17", true, end
		case "Id":
			if seen[1] {
				return nil, false
			}
			seen[1] = true
			_, end, ok := r.value(i, 1)
			if !ok {
				return nil, false
			}
			i = end
		case "Statement":
			if seen[2] {
				return nil, false
			}
			seen[2] = true
			if !hasVersion && bytes.Contains(d, []byte("${")) {
				// The Version, if any, is still to come, and decides
				// whether ${...} is a policy variable: the statements are
				// read once the rest is. (Without ${ anywhere, the
				// Version changes nothing they compile to but their
				// vars, set below.)
				stmtAt, stmtEnd = i, skipValue(d, i)
				i = stmtEnd
				break
			}
			if doc, i, ok = r.statements(i); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
		i = r.ws(i)
		if i >= len(d) {
			return nil, false
		}
		if d[i] == '}' {
			break
		}
		if d[i] != ',' {
			return nil, false
		}
		i = r.ws(i + 1)
	}
	if r.ws(i+1) != len(d) || !seen[2] {
		return nil, false
	}
	if stmtAt >= 0 {
		var end int
		var ok bool
		if doc, end, ok = r.statements(stmtAt); !ok || end != stmtEnd {
			return nil, false
		}
	}
	for j := range doc.statements {
		doc.statements[j].vars = r.vars
	}
	return doc, true
}

// key reads the object key at d[i] and the colon after it; end is the
// index of its value (within d).
func (r *docReader) key(i int) (string, int, bool) {
	d := r.d
	if i >= len(d) || d[i] != '"' {
		return "", 0, false
	}
	k, end, ok := r.str(i)
	if !ok {
		return "", 0, false
	}
	i = r.ws(end)
	if i >= len(d) || d[i] != ':' {
		return "", 0, false
	}
	i = r.ws(i + 1)
	return k, i, i < len(d)
}

// next reads what follows a member or element at d[i]: the closing
// bracket (done) or a comma (i is then the next one's index).
func (r *docReader) next(i int, closing byte) (int, bool, bool) {
	d := r.d
	i = r.ws(i)
	switch {
	case i >= len(d):
		return 0, false, false
	case d[i] == closing:
		return i + 1, true, true
	case d[i] == ',':
		return r.ws(i + 1), false, true
	}
	return 0, false, false
}

// statements reads the Statement element at d[i]: a list of statements, or
// one statement.
func (r *docReader) statements(i int) (*document, int, bool) {
	d := r.d
	if i >= len(d) {
		return nil, 0, false
	}
	// The statements and their condition keys are runs built as they are
	// read; the document is made when they are done.
	stmts, keys := len(r.p.stmts.buf), len(r.p.condKeys.buf)
	add := func(s *statement) {
		stmts = r.p.stmts.add(stmts, *s)
		for j := range s.conds {
			if !slices.Contains(r.p.condKeys.run(keys), s.conds[j].keyL) {
				keys = r.p.condKeys.add(keys, s.conds[j].keyL)
			}
		}
	}
	done := func() *document {
		return r.p.docs.one(document{statements: r.p.stmts.run(stmts), condKeys: r.p.condKeys.run(keys)})
	}
	if d[i] == '{' {
		s, end, ok := r.statement(i, 0)
		if !ok {
			return nil, 0, false
		}
		add(&s)
		return done(), end, true
	}
	if d[i] != '[' {
		return nil, 0, false
	}
	i = r.ws(i + 1)
	if i < len(d) && d[i] == ']' {
		return done(), i + 1, true
	}
	for idx := 0; ; idx++ {
		if i >= len(d) {
			return nil, 0, false
		}
		s, end, ok := r.statement(i, idx)
		if !ok {
			return nil, 0, false
		}
		add(&s)
		var last bool
		if i, last, ok = r.next(end, ']'); !ok {
			return nil, 0, false
		}
		if last {
			return done(), i, true
		}
	}
}

// Statement elements, as bits of what a statement has.
const (
	elSid = 1 << iota
	elEffect
	elAction
	elNotAction
	elResource
	elNotResource
	elPrincipal
	elNotPrincipal
	elCondition
)

// statementElement is the bit of statement element k (0: not one).
func statementElement(k string) int {
	switch k {
	case "Sid":
		return elSid
	case "Effect":
		return elEffect
	case "Principal":
		return elPrincipal
	case "NotPrincipal":
		return elNotPrincipal
	case "Action":
		return elAction
	case "NotAction":
		return elNotAction
	case "Resource":
		return elResource
	case "NotResource":
		return elNotResource
	case "Condition":
		return elCondition
	}
	return 0
}

// statement reads the statement at d[i] (policy.normalize's statement,
// when policy.valid finds nothing wrong with it).
func (r *docReader) statement(i, idx int) (statement, int, bool) {
	d := r.d
	st := statement{index: idx, vars: r.vars}
	if i >= len(d) || d[i] != '{' {
		return st, 0, false
	}
	i = r.ws(i + 1)
	if i < len(d) && d[i] == '}' {
		return st, 0, false // no Effect
	}
	has := 0
	for {
		key, at, ok := r.key(i)
		if !ok {
			return st, 0, false
		}
		el := statementElement(key)
		if el == 0 || has&el != 0 {
			return st, 0, false
		}
		has |= el
		var end int
		switch el {
		case elSid:
			if at >= len(d) || d[at] != '"' {
				return st, 0, false
			}
			st.sid, end, ok = r.str(at)
			st.hasSid = true
		case elEffect:
			if at >= len(d) || d[at] != '"' {
				return st, 0, false
			}
			var effect string
			effect, end, ok = r.str(at)
			st.allow = effect == "Allow"
			ok = ok && (st.allow || effect == "Deny")
		case elAction:
			st.action, end, ok = r.actions(at)
		case elNotAction:
			st.notAction, end, ok = r.actions(at)
		case elResource:
			st.resource, end, ok = r.resources(at)
			st.hasRes = true
		case elNotResource:
			st.notResource, end, ok = r.resources(at)
			st.hasNotRes = true
		case elPrincipal:
			st.principal, end, ok = r.principal(at)
		case elNotPrincipal:
			st.notPrincipal, end, ok = r.principal(at)
		case elCondition:
			st.conds, end, ok = r.condition(at)
		}
		if !ok {
			return st, 0, false
		}
		var done bool
		if i, done, ok = r.next(end, '}'); !ok {
			return st, 0, false
		}
		if done {
			break
		}
	}
	both := func(a, b int) bool { return has&a != 0 && has&b != 0 }
	switch {
	case has&elEffect == 0, both(elAction, elNotAction), both(elResource, elNotResource):
		return st, 0, false
	case r.kind == kindIdentity:
		if has&(elPrincipal|elNotPrincipal) != 0 {
			return st, 0, false
		}
	case (has&elPrincipal != 0) == (has&elNotPrincipal != 0):
		return st, 0, false
	}
	return st, i, true
}

// stringList is policy.string_list at d[i]: a string or a non-empty list of
// strings, in r.strs until the next call.
func (r *docReader) stringList(i int) ([]string, int, bool) {
	d := r.d
	r.strs = r.strs[:0]
	if i >= len(d) {
		return nil, 0, false
	}
	if d[i] == '"' {
		s, end, ok := r.str(i)
		r.strs = append(r.strs, s)
		return r.strs, end, ok
	}
	if d[i] != '[' {
		return nil, 0, false
	}
	i = r.ws(i + 1)
	for {
		if i >= len(d) || d[i] != '"' {
			return nil, 0, false // not a string (or an empty list)
		}
		s, end, ok := r.str(i)
		if !ok {
			return nil, 0, false
		}
		r.strs = append(r.strs, s)
		var done bool
		if i, done, ok = r.next(end, ']'); !ok {
			return nil, 0, false
		}
		if done {
			return r.strs, i, true
		}
	}
}

func (r *docReader) actions(i int) (*actionSet, int, bool) {
	list, end, ok := r.stringList(i)
	if !ok {
		return nil, 0, false
	}
	names, wild := len(r.p.names.buf), len(r.p.pats.buf)
	for _, a := range list {
		if !validAction(a) {
			return nil, 0, false
		}
		l := lower(a)
		names = r.p.names.add(names, l)
		if hasWildcard(l) {
			wild = r.p.pats.add(wild, likePattern(l))
		}
	}
	set := r.p.sets.one(actionSet{exact: r.p.names.run(names)})
	if w := r.p.pats.run(wild); len(w) > 0 {
		set.wild = w
	}
	return set, end, true
}

func (r *docReader) resources(i int) ([]resourcePattern, int, bool) {
	list, end, ok := r.stringList(i)
	if !ok {
		return nil, 0, false
	}
	start := len(r.p.res.buf)
	for _, p := range list {
		// A wildcard in the service part of an ARN is an error
		// (policy.service_wildcard).
		if rest, isARN := strings.CutPrefix(p, "arn:"); isARN {
			// parts[2] of strings.SplitN(p, ":", 4), when there is one
			if _, rest, ok := strings.Cut(rest, ":"); ok {
				if service, _, _ := strings.Cut(rest, ":"); hasWildcard(service) {
					return nil, 0, false
				}
			}
		}
		start = r.p.res.add(start, compileResource(p, r.vars, &r.p.arns))
	}
	return r.p.res.run(start), end, true
}

func isPrincipalType(k string) bool {
	return k == "AWS" || k == "Service" || k == "Federated" || k == "CanonicalUser"
}

// anyPrincipal is the compiled "*" (never changed).
var anyPrincipal = &principalSet{any: true}

// principal is principal.valid and principal.normalize of the Principal or
// NotPrincipal at d[i].
func (r *docReader) principal(i int) (*principalSet, int, bool) {
	d := r.d
	if i >= len(d) {
		return nil, 0, false
	}
	if d[i] == '"' {
		s, end, ok := r.str(i)
		return anyPrincipal, end, ok && s == "*"
	}
	if d[i] != '{' {
		return nil, 0, false
	}
	i = r.ws(i + 1)
	if i < len(d) && d[i] == '}' {
		return nil, 0, false
	}
	np := r.p.prins.one(principalSet{})
	var seen [4]string
	n := 0
	for {
		k, at, ok := r.key(i)
		if !ok || !isPrincipalType(k) || slices.Contains(seen[:n], k) {
			return nil, 0, false
		}
		seen[n] = k
		n++
		list, end, ok := r.stringList(at)
		if !ok {
			return nil, 0, false
		}
		for _, x := range list {
			if !validPrincipalValue(k, x) {
				return nil, 0, false
			}
		}
		switch k {
		case "AWS":
			start := len(r.p.names.buf)
			for _, a := range list {
				start = r.p.names.add(start, a)
			}
			np.aws = r.p.names.run(start)
			if slices.Contains(list, "*") {
				np.any = true
			}
		case "Service":
			start := len(r.p.names.buf)
			for _, s := range list {
				if strings.Contains(s, "\n") {
					return nil, 0, false // the Rego splits on newlines
				}
				start = r.p.names.add(start, lower(s))
			}
			np.service = r.p.names.run(start)
		}
		var done bool
		if i, done, ok = r.next(end, '}'); !ok {
			return nil, 0, false
		}
		if done {
			return np, i, true
		}
	}
}

// condition reads the Condition block at d[i]: ok is false when it is not
// valid (policy.valid_condition) or holds what the engine does not handle.
// Its tests are in the order of their operators, then of their keys.
func (r *docReader) condition(i int) ([]condTest, int, bool) {
	d := r.d
	if i >= len(d) || d[i] != '{' {
		return nil, 0, false
	}
	r.ops = r.ops[:0]
	start := len(r.p.tests.buf)
	i = r.ws(i + 1)
	if i < len(d) && d[i] == '}' {
		return []condTest{}, i + 1, true
	}
	for {
		op, at, ok := r.key(i)
		if !ok || slices.Contains(r.ops, op) {
			return nil, 0, false
		}
		r.ops = append(r.ops, op)
		o, ok := parseOp(op)
		if !ok {
			return nil, 0, false
		}
		var end int
		if start, end, ok = r.operator(at, op, o, start); !ok {
			return nil, 0, false
		}
		var done bool
		if i, done, ok = r.next(end, '}'); !ok {
			return nil, 0, false
		}
		if done {
			break
		}
	}
	tests := r.p.tests.run(start)
	slices.SortFunc(tests, func(a, b condTest) int {
		if c := strings.Compare(a.op, b.op); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return tests, i, true
}

// operator reads the keys and values of operator op at d[i] into the
// run of tests from start, and returns where the run now starts.
func (r *docReader) operator(i int, op string, o operator, start int) (int, int, bool) {
	d := r.d
	if i >= len(d) || d[i] != '{' {
		return 0, 0, false
	}
	i = r.ws(i + 1)
	if i < len(d) && d[i] == '}' {
		return start, i + 1, true
	}
	first := len(r.p.tests.buf) - start // this operator's tests, in the run
	clear(r.keys)
	for {
		key, at, ok := r.key(i)
		if !ok || r.duplicate(key, r.p.tests.run(start)[first:]) {
			return 0, 0, false
		}
		ct := condTest{op: op, key: key, keyL: lower(key), o: o}
		var end int
		if ct.raw, ct.list, ct.values, end, ok = r.condValues(at, o); !ok {
			return 0, 0, false
		}
		start = r.p.tests.add(start, ct)
		var done bool
		if i, done, ok = r.next(end, '}'); !ok {
			return 0, 0, false
		}
		if done {
			return start, i, true
		}
	}
}

// duplicate reports whether the operator being read (its tests so far)
// has key already.
func (r *docReader) duplicate(key string, tests []condTest) bool {
	if len(tests) < 16 {
		for j := range tests {
			if tests[j].key == key {
				return true
			}
		}
		return false
	}
	if len(r.keys) == 0 {
		if r.keys == nil {
			r.keys = make(map[string]struct{}, 64)
		}
		for j := range tests {
			r.keys[tests[j].key] = struct{}{}
		}
	}
	if _, dup := r.keys[key]; dup {
		return true
	}
	r.keys[key] = struct{}{}
	return false
}

// condValues reads the value(s) of a condition key at d[i], typed, and
// whether they are written as a list (a scalar or a non-empty list of
// scalars). raw is the values as written when one is not a string (nil:
// they are the values' texts, condTest.written).
func (r *docReader) condValues(i int, o operator) (raw any, list bool, vals []condValue, end int, ok bool) {
	d := r.d
	if i >= len(d) {
		return nil, false, nil, 0, false
	}
	start := len(r.p.vals.buf)
	if d[i] != '[' {
		x, text, end, ok := r.scalar(i)
		if !ok {
			return nil, false, nil, 0, false
		}
		cv, ok := compileCondValue(o, text, r.vars)
		start = r.p.vals.add(start, cv)
		return x, false, r.p.vals.run(start), end, ok
	}
	i = r.ws(i + 1)
	if i < len(d) && d[i] == ']' {
		return nil, false, nil, 0, false
	}
	base := len(r.items)
	typed := false // a value not a string
	for {
		x, text, end, ok := r.scalar(i)
		if !ok {
			return nil, false, nil, 0, false
		}
		cv, ok := compileCondValue(o, text, r.vars)
		if !ok {
			return nil, false, nil, 0, false
		}
		start = r.p.vals.add(start, cv)
		r.items = append(r.items, x)
		typed = typed || x != nil
		var done bool
		if i, done, ok = r.next(end, ']'); !ok {
			return nil, false, nil, 0, false
		}
		if done {
			vals := r.p.vals.run(start)
			if typed {
				written := make([]any, len(r.items)-base)
				for k, x := range r.items[base:] {
					if x == nil {
						x = vals[k].text // a string: its text
					}
					written[k] = x
				}
				raw = written
			}
			clear(r.items[base:])
			r.items = r.items[:base]
			return raw, true, vals, i, true
		}
	}
}

// scalar reads the condition value at d[i]: a string, a boolean or an
// integer of at most 15 digits (condition.text's scalars the engine
// handles), as written (nil for a string: its text is) and as text.
func (r *docReader) scalar(i int) (any, string, int, bool) {
	d := r.d
	if i >= len(d) {
		return nil, "", 0, false
	}
	switch d[i] {
	case '"':
		s, end, ok := r.str(i)
		return nil, s, end, ok
	case 't', 'f':
		v, end, ok := r.value(i, 1)
		if !ok {
			return nil, "", 0, false
		}
		if v == true {
			return true, "true", end, true
		}
		return false, "false", end, true
	case '{', '[', 'n':
		return nil, "", 0, false
	}
	end, ok := numberEnd(d, i)
	if !ok {
		return nil, "", 0, false
	}
	n := json.Number(r.src[i:end])
	text, ok := scalarText(n)
	return n, text, end, ok
}
