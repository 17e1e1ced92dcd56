// Package engine is kmsguard's native decision engine: a compiled Go
// evaluator of the Rego under rego/kmsguard/authz (with iam/* and the
// catalog data), which stays the specification. It answers
// data.kmsguard.authz.decision and data.kmsguard.authz.explain with the
// same bytes as the Rego; the differential tests (difftest_test.go, the
// conformance and fuzz tests) hold the two together.
//
// The engine answers only what it is sure of. A question it does not handle
// — a question with errors, a number or date it does not type, a loaded
// snapshot — is declined (ok false) and the caller asks the Rego instead
// (runner.Runner does so, and counts it).
package engine

import (
	"bytes"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Engine compiles policy documents once and answers questions. It is safe
// for concurrent use.
type Engine struct {
	catalog *catalogData
	cache   *docCache
	// The snapshot's documents, compiled once (Prepare, or the first
	// question); snapshot nil: none.
	snapshot map[string]any
	snapOnce sync.Once
	snap     *snapshotIndex

	native   atomic.Int64
	declined atomic.Int64

	// The access analysis (access.go), made at its first use.
	accessOnce     sync.Once
	access         *analysis
	accessNative   atomic.Int64
	accessDeclined atomic.Int64
}

// New makes an engine with the catalog embedded in the bundle. A snapshot
// (WithSnapshot) has its documents compiled now.
func New(opts ...Option) (*Engine, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cat, err := embeddedCatalog()
	if err != nil {
		return nil, err
	}
	e := &Engine{catalog: cat, cache: newDocCache(cacheMaxBytes)}
	if len(o.snapshot) > 0 {
		e.snapshot = o.snapshot
	}
	return e, nil
}

// Prepare compiles the snapshot's documents now rather than at the first
// question (a server does it when it loads its data).
func (e *Engine) Prepare() { e.index() }

func (e *Engine) index() *snapshotIndex {
	e.snapOnce.Do(func() {
		if e.snapshot != nil {
			e.snap = newSnapshotIndex(e.snapshot, e.catalog)
		}
	})
	return e.snap
}

// Stats counts the questions the engine answered and declined.
type Stats struct {
	Native   int64 `json:"native"`
	Declined int64 `json:"declined"`
}

// Stats returns the counts so far.
func (e *Engine) Stats() Stats {
	return Stats{Native: e.native.Load(), Declined: e.declined.Load()}
}

// Decide answers the question in data (one JSON object, as in
// docs/decision-format.md); ok is false when the engine declines it.
func (e *Engine) Decide(data []byte) (*Answer, bool) {
	sc, ok := e.prepare(data)
	if !ok {
		e.declined.Add(1)
		return nil, false
	}
	ans := sc.ev.decide()
	unsupported := sc.ev.unsupported
	sc.release()
	if unsupported {
		e.declined.Add(1)
		return nil, false
	}
	e.native.Add(1)
	return ans, true
}

// Explain is data.kmsguard.authz.explain for the question in data; ok is
// false when the engine declines it.
func (e *Engine) Explain(data []byte) (map[string]any, bool) {
	sc, ok := e.prepare(data)
	if !ok {
		e.declined.Add(1)
		return nil, false
	}
	out := sc.ev.explain()
	unsupported := sc.ev.unsupported
	sc.release()
	if unsupported {
		e.declined.Add(1)
		return nil, false
	}
	e.native.Add(1)
	return out, true
}

// ---- the document cache -----------------------------------------------------------

// cacheMaxBytes bounds the document cache: documents are counted by the
// size of their JSON, times costFactor for the compiled form. Past the
// bound the cache starts again empty, so memory stays near 64 MB whatever
// the questions.
const (
	cacheMaxBytes = 64 << 20
	costFactor    = 8
)

// docCache holds compiled documents by a hash of their compact JSON bytes
// (whitespace removed) and kind. An entry keeps the bytes it was made from
// and is used only for the very same bytes.
type docCache struct {
	seed maphash.Seed
	max  int

	mu      sync.RWMutex
	entries map[uint64][]cacheEntry // by compactHash
	exact   map[uint64][]cacheEntry // by a hash of the bytes as given
	size    int
	// seen holds the compact hashes of documents compiled once and not
	// kept: a document enters the cache the second time it is seen, so a
	// stream of documents that never recur (a batch where every question
	// brings its own policy) does not fill the heap with compiled
	// documents the garbage collector must trace again and again. It holds
	// no pointers and at most seenMax hashes (then starts again empty).
	seen map[uint64]struct{}
	// prefixed indexes the kept documents of prefixMin bytes or more by a
	// hash of their first prefixLen bytes (at most prefixBucket a hash), so
	// that a question holding one is not scanned to find where it ends
	// (known).
	prefixed map[uint64][]*cacheEntry
	// stmts holds compiled statements, by a hash of their first
	// prefixLen/2 bytes (at most stmtBucket a hash), kept the second time
	// they are seen: policies that are new as a whole often repeat
	// statements (the decoder does not read a kept statement again:
	// knownStatement).
	stmts map[uint64][]*stmtEntry
}

type stmtEntry struct {
	kind   string
	vars   bool
	spaced bool // whitespace between its tokens
	raw    []byte
	st     statement
}

const (
	stmtPrefix = prefixLen / 2
	stmtBucket = 8
)

// A kept document of prefixMin bytes or more is found by its first
// prefixLen bytes; smaller documents are scanned as quickly as they are
// looked up.
const (
	prefixLen    = 64
	prefixMin    = 512
	prefixBucket = 4
)

// seenMax bounds docCache.seen (about 1 MB).
const seenMax = 1 << 16

type cacheEntry struct {
	kind string
	raw  []byte
	doc  *document
}

func newDocCache(max int) *docCache {
	return &docCache{seed: maphash.MakeSeed(), max: max, entries: map[uint64][]cacheEntry{}, exact: map[uint64][]cacheEntry{},
		seen: map[uint64]struct{}{}, prefixed: map[uint64][]*cacheEntry{}, stmts: map[uint64][]*stmtEntry{}}
}

// knownStatement returns the length of the kept statement d starts with,
// or 0, and whether it has whitespace between its tokens. A kept statement
// is well-formed JSON, so when d starts with its very bytes the value at d
// ends where they end.
func (c *docCache) knownStatement(d []byte) (int, bool) {
	if len(d) < stmtPrefix {
		return 0, false
	}
	h := maphash.Bytes(c.seed, d[:stmtPrefix])
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, e := range c.stmts[h] {
		if len(d) >= len(e.raw) && bytes.Equal(d[:len(e.raw)], e.raw) {
			return len(e.raw), e.spaced
		}
	}
	return 0, false
}

// statement returns the kept statement of these bytes, kind and Version
// (its statement.vars is the caller's to set).
func (c *docCache) statement(raw []byte, kind string, vars bool) (statement, bool) {
	if len(raw) < stmtPrefix {
		return statement{}, false
	}
	vars = varsMatter(raw, vars)
	h := maphash.Bytes(c.seed, raw[:stmtPrefix])
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, e := range c.stmts[h] {
		if e.kind == kind && e.vars == vars && bytes.Equal(raw, e.raw) {
			return e.st, true
		}
	}
	return statement{}, false
}

// keepStatements keeps the statements compiled from the bytes of raws
// (sts[from[i]] from raws[i]) that were seen before (the others are
// remembered as seen). A kept statement's strings and parts are cut from
// the copy and the arrays of its compiled document (size bytes of JSON),
// which it keeps alive: that document is counted once, as a document.
func (c *docCache) keepStatements(kind string, vars bool, raws [][]byte, from []int, sts []statement, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	counted := false
	for i, raw := range raws {
		if len(raw) < stmtPrefix {
			continue
		}
		full := maphash.Bytes(c.seed, raw) ^ 0x5354 // "ST": apart from the documents' hashes
		if _, again := c.seen[full]; !again {
			if len(c.seen) >= seenMax {
				clear(c.seen)
			}
			c.seen[full] = struct{}{}
			continue
		}
		delete(c.seen, full)
		h := maphash.Bytes(c.seed, raw[:stmtPrefix])
		if len(c.stmts[h]) >= stmtBucket {
			continue
		}
		cost, doc := len(raw)*costFactor, 0
		if !counted {
			doc = size * costFactor
		}
		if c.size+cost+doc > c.max {
			c.reset()
			doc = size * costFactor
		}
		if cost+doc > c.max {
			continue
		}
		counted = true
		c.stmts[h] = append(c.stmts[h], &stmtEntry{kind: kind, vars: varsMatter(raw, vars), spaced: hasSpace(raw), raw: bytes.Clone(raw), st: sts[from[i]]})
		c.size += cost + doc
	}
}

// varsMatter is whether Version 2012-10-17 (vars) changes what statement
// raw compiles to: only when it holds ${ (a policy variable).
func varsMatter(raw []byte, vars bool) bool { return vars && bytes.Contains(raw, []byte("${")) }

// reset empties the cache (c.mu held).
func (c *docCache) reset() {
	clear(c.entries)
	clear(c.exact)
	clear(c.prefixed)
	clear(c.stmts)
	c.size = 0
}

// hasSpace reports whether the JSON d has whitespace between its tokens.
func hasSpace(d []byte) bool {
	for i := 0; i < len(d); {
		switch c := d[i]; {
		case c == '"':
			i = skipString(d, i)
		case isWS(c):
			return true
		default:
			i++
		}
	}
	return false
}

// known returns the length of the kept document d starts with, or 0. A
// kept document is well-formed JSON, so when d starts with its very bytes
// the value at d ends where they end.
func (c *docCache) known(d []byte) int {
	if len(d) < prefixMin {
		return 0
	}
	h := maphash.Bytes(c.seed, d[:prefixLen])
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, e := range c.prefixed[h] {
		if len(d) >= len(e.raw) && bytes.Equal(d[:len(e.raw)], e.raw) {
			return len(e.raw)
		}
	}
	return 0
}

func (c *docCache) get(raw []byte, kind string) (*document, bool) {
	k := uint64(len(kind))
	// A large document kept: found by its first bytes, compared whole.
	if len(raw) >= prefixMin {
		p := maphash.Bytes(c.seed, raw[:prefixLen])
		c.mu.RLock()
		for _, e := range c.prefixed[p] {
			if e.kind == kind && bytes.Equal(raw, e.raw) {
				c.mu.RUnlock()
				return e.doc, true
			}
		}
		c.mu.RUnlock()
	}
	// The very same bytes (the common case: a document that recurs as it
	// was written): a hash and a comparison at memory speed.
	exact := maphash.Bytes(c.seed, raw) ^ k
	c.mu.RLock()
	for _, e := range c.exact[exact] {
		if e.kind == kind && bytes.Equal(raw, e.raw) {
			c.mu.RUnlock()
			return e.doc, true
		}
	}
	c.mu.RUnlock()
	// Not these bytes: compile them, which checks them (syntax, duplicate
	// keys, as strictjson.Check does), before looking any further. An
	// entry is made only from checked bytes, so an exact hit above needs
	// no check. A document the engine does not compile is not kept.
	doc, spaced, ok := compileBytes(raw, kind, c)
	if !ok {
		return nil, false
	}
	// The same document written with other whitespace. Without any, the
	// hash of its compact form is the hash of its bytes (maphash hashes
	// bytes written in pieces as the same bytes written at once).
	h := exact
	if spaced {
		h = compactHash(c.seed, raw) ^ k
	}
	c.mu.RLock()
	for _, e := range c.entries[h] {
		if e.kind == kind && compactEqual(raw, e.raw) {
			c.mu.RUnlock()
			return e.doc, true
		}
	}
	c.mu.RUnlock()

	cost := len(raw) * costFactor
	if cost > c.max {
		return doc, true
	}
	c.mu.Lock()
	if _, again := c.seen[h]; !again {
		if len(c.seen) >= seenMax {
			clear(c.seen)
		}
		c.seen[h] = struct{}{}
		c.mu.Unlock()
		return doc, true
	}
	delete(c.seen, h)
	if c.size+cost > c.max {
		c.reset()
	}
	e := cacheEntry{kind: kind, raw: bytes.Clone(raw), doc: doc}
	c.entries[h] = append(c.entries[h], e)
	c.exact[exact] = append(c.exact[exact], e)
	if len(raw) >= prefixMin {
		p := maphash.Bytes(c.seed, raw[:prefixLen])
		if len(c.prefixed[p]) < prefixBucket {
			c.prefixed[p] = append(c.prefixed[p], &e)
		}
	}
	c.size += cost
	c.mu.Unlock()
	return doc, true
}
