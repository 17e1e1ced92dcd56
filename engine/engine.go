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
	return decideWith(e, data, false, (*eval).decide)
}

// AppendDecision appends to dst the answer to the question in data as
// Decide's answer's AppendJSON would, and reports whether it allows; ok
// is false when the engine declines the question (dst is returned as it
// was). It makes no answer of its own: the answer and the question's
// strings are the scratch's, reused for the next question once written
// (for a batch, whose answers are only written).
func (e *Engine) AppendDecision(dst, data []byte) (out []byte, allowed, ok bool) {
	out, ok = decideWith(e, data, true, func(ev *eval) []byte {
		a := ev.decide()
		if ev.unsupported {
			return nil
		}
		allowed = a.IsAllowed()
		return a.AppendJSON(dst)
	})
	if !ok {
		return dst, false, false
	}
	return out, allowed, true
}

// Explain is data.kmsguard.authz.explain for the question in data; ok is
// false when the engine declines it.
func (e *Engine) Explain(data []byte) (map[string]any, bool) {
	return decideWith(e, data, false, (*eval).explain)
}

// decideWith prepares the question in data, gives it to f and counts it as
// answered or declined (f may find it unsupported). With borrow, the
// answer and the question's strings are the scratch's (see prepare): f
// must return nothing that holds them.
func decideWith[T any](e *Engine, data []byte, borrow bool, f func(*eval) T) (T, bool) {
	var none T
	sc, ok := e.prepare(data, borrow)
	if !ok {
		e.declined.Add(1)
		return none, false
	}
	out := f(&sc.ev)
	unsupported := sc.ev.unsupported
	sc.release()
	if unsupported {
		e.declined.Add(1)
		return none, false
	}
	e.native.Add(1)
	return out, true
}

// ---- the document cache -----------------------------------------------------------

// cacheMaxBytes bounds the document cache: documents are counted by the
// size of their JSON, times costFactor for the compiled form. The cache is
// cut in cacheShards shards, each bounded by cacheMaxBytes/cacheShards:
// past its bound a shard starts again empty, so memory stays near 64 MB
// whatever the questions. A document of more than 128 KB of JSON (a key
// policy is at most 32 KB) is compiled for each question that holds it.
const (
	cacheMaxBytes = 64 << 20
	costFactor    = 8
	shardBits     = 6
	cacheShards   = 1 << shardBits
)

// docCache holds compiled documents by a hash of their compact JSON bytes
// (whitespace removed) and kind. An entry keeps the bytes it was made from
// and is used only for the very same bytes. Each hash belongs to one shard
// (its own lock, bound and maps), so that the workers of a batch, which
// compile different documents, seldom wait for each other; lookups take
// the read lock, so that a document most questions hold makes no worker
// wait.
type docCache struct {
	seed   maphash.Seed
	max    int
	shards [cacheShards]cacheShard
}

// cacheShard is one part of the cache. An entry is put in the shard of
// each hash it is found by, and counted in each: when a shard starts again
// empty, what it referenced goes, whatever the others hold.
type cacheShard struct {
	mu      sync.RWMutex
	max     int
	size    int
	entries map[uint64][]*cacheEntry // by compactHash
	exact   map[uint64][]*cacheEntry // by a hash of the bytes as given
	// seen holds the hashes of documents compiled once and not kept: a
	// document enters the cache the second time it is seen, so a stream of
	// documents that never recur (a batch where every question brings its
	// own policy) does not fill the heap with compiled documents the
	// garbage collector must trace again and again. It is a
	// table of seenSlots hashes in pairs of slots, each hash in the pair
	// its low bits name: a new hash takes the pair's first slot and moves
	// the one there to the second (the older one goes), so that two
	// hashes of one pair that keep coming in turn (two documents of a
	// question) both find themselves seen. It is made at its first use,
	// holds no pointers, and is read and written without s.mu.
	seen atomic.Pointer[[seenSlots]atomic.Uint64]
	// prefixed indexes the kept documents of prefixMin bytes or more by a
	// hash of their first prefixLen bytes (at most prefixBucket a hash), so
	// that a question holding one is not scanned to find where it ends
	// (known).
	prefixed map[uint64][]*cacheEntry
	_        [64]byte // apart from the next shard's lock
}

// A kept document of prefixMin bytes or more is found by its first
// prefixLen bytes; smaller documents are scanned as quickly as they are
// looked up.
const (
	prefixLen    = 64
	prefixMin    = 512
	prefixBucket = 4
)

// seenSlots is the size of a shard's seen table (8 KB; 512 KB for all
// shards).
const seenSlots = 1 << 10

type cacheEntry struct {
	kind string
	raw  []byte
	doc  *document
}

func newDocCache(max int) *docCache {
	c := &docCache{seed: maphash.MakeSeed(), max: max}
	for i := range c.shards {
		c.shards[i] = cacheShard{max: max / cacheShards, entries: map[uint64][]*cacheEntry{}, exact: map[uint64][]*cacheEntry{},
			prefixed: map[uint64][]*cacheEntry{}}
	}
	return c
}

// shard is the shard of hash h.
func (c *docCache) shard(h uint64) *cacheShard { return &c.shards[h>>(64-shardBits)] }

// size is what the shards count, together.
func (c *docCache) size() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.size
		s.mu.Unlock()
	}
	return n
}

// firstSight remembers h as seen and reports whether it was not; a hash
// seen again is forgotten, its entry being made (by the one caller that
// finds it).
func (s *cacheShard) firstSight(h uint64) bool {
	seen := s.seen.Load()
	if seen == nil {
		seen = new([seenSlots]atomic.Uint64)
		if !s.seen.CompareAndSwap(nil, seen) {
			seen = s.seen.Load()
		}
	}
	pair := seenPair(seen, h)
	if pair[0].CompareAndSwap(h, 0) || pair[1].CompareAndSwap(h, 0) {
		return false
	}
	pair[1].Store(pair[0].Load())
	pair[0].Store(h)
	return true
}

// seenBefore reports whether firstSight(h) would find h seen, without
// changing anything.
func (s *cacheShard) seenBefore(h uint64) bool {
	seen := s.seen.Load()
	if seen == nil {
		return false
	}
	pair := seenPair(seen, h)
	return pair[0].Load() == h || pair[1].Load() == h
}

// seenPair is the pair of slots of h in seen.
func seenPair(seen *[seenSlots]atomic.Uint64, h uint64) []atomic.Uint64 {
	i := h % (seenSlots / 2) * 2
	return seen[i : i+2]
}

// charge counts cost in s, which starts again empty when it would go past
// its bound (s.mu held); false when cost alone is past it.
func (s *cacheShard) charge(cost int) bool {
	if cost > s.max {
		return false
	}
	if s.size+cost > s.max {
		clear(s.entries)
		clear(s.exact)
		clear(s.prefixed)
		s.size = 0
	}
	s.size += cost
	return true
}

// known returns the length of the kept document d starts with, or 0. A
// kept document is well-formed JSON, so when d starts with its very bytes
// the value at d ends where they end.
func (c *docCache) known(d []byte) int {
	if len(d) < prefixMin {
		return 0
	}
	h := maphash.Bytes(c.seed, d[:prefixLen])
	s := c.shard(h)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.prefixed[h] {
		if len(d) >= len(e.raw) && bytes.Equal(d[:len(e.raw)], e.raw) {
			return len(e.raw)
		}
	}
	return 0
}

// find returns the document of kind in list whose bytes are raw.
func find(list []*cacheEntry, raw []byte, kind string) *document {
	for _, e := range list {
		if e.kind == kind && bytes.Equal(raw, e.raw) {
			return e.doc
		}
	}
	return nil
}

// get returns the compiled document of kind whose JSON is raw (ok false:
// the engine does not compile it). A document the cache will not keep is
// compiled into parts (a question's; nil: none), and lives until
// parts.reset; a kept one owns its memory.
func (c *docCache) get(raw []byte, kind string, parts *docParts) (*document, bool) {
	// A large document kept: found by its first bytes, compared whole.
	var p uint64
	if len(raw) >= prefixMin {
		p = maphash.Bytes(c.seed, raw[:prefixLen])
		s := c.shard(p)
		s.mu.RLock()
		doc := find(s.prefixed[p], raw, kind)
		s.mu.RUnlock()
		if doc != nil {
			return doc, true
		}
	}
	// The very same bytes (the common case: a document that recurs as it
	// was written): a hash and a comparison at memory speed.
	exact := maphash.Bytes(c.seed, raw)
	s := c.shard(exact)
	s.mu.RLock()
	doc := find(s.exact[exact], raw, kind)
	seen := s.seenBefore(exact)
	s.mu.RUnlock()
	if doc != nil {
		return doc, true
	}
	// Not these bytes: compile them, which checks them (syntax, duplicate
	// keys, as strictjson.Check does), before looking any further. An
	// entry is made only from checked bytes, so an exact hit above needs
	// no check. A document the engine does not compile is not kept.
	// A document seen before is about to be kept (below, the same test
	// when it is compact): it is compiled into memory of its own. The
	// others are compiled into parts, and copied out of them in the rare
	// case they are kept after all (written with whitespace, or seen by
	// another worker in between).
	if seen {
		parts = nil
	}
	doc, spaced, ok := compileBytes(raw, kind, parts)
	if !ok {
		return nil, false
	}
	// The same document written with other whitespace. Without any, the
	// hash of its compact form is the hash of its bytes (maphash hashes
	// bytes written in pieces as the same bytes written at once).
	h := exact
	if spaced {
		h = compactHash(c.seed, raw)
	}
	cost := len(raw) * costFactor
	s = c.shard(h)
	s.mu.Lock()
	for _, k := range s.entries[h] {
		if k.kind == kind && compactEqual(raw, k.raw) {
			s.mu.Unlock()
			return k.doc, true
		}
	}
	if s.firstSight(h) || !s.charge(cost) {
		s.mu.Unlock()
		return doc, true
	}
	if parts != nil {
		// Compiled into the question's parts: compiled again, into memory
		// of its own.
		own, _, ok := compileBytes(raw, kind, nil)
		if !ok {
			s.mu.Unlock()
			return doc, true // never: it compiled once
		}
		doc = own
	}
	e := &cacheEntry{kind: kind, raw: bytes.Clone(raw), doc: doc}
	s.entries[h] = append(s.entries[h], e)
	if h == exact {
		s.exact[h] = append(s.exact[h], e)
	}
	s.mu.Unlock()
	if h != exact {
		c.index(exact, e, cost, func(s *cacheShard) map[uint64][]*cacheEntry { return s.exact }, -1)
	}
	if len(raw) >= prefixMin {
		c.index(p, e, cost, func(s *cacheShard) map[uint64][]*cacheEntry { return s.prefixed }, prefixBucket)
	}
	return doc, true
}

// index adds e under hash h to the map of h's shard that m names (at most
// limit entries a hash; -1: any number), counting its cost there.
func (c *docCache) index(h uint64, e *cacheEntry, cost int, m func(*cacheShard) map[uint64][]*cacheEntry, limit int) {
	s := c.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if list := m(s)[h]; (limit < 0 || len(list) < limit) && s.charge(cost) {
		m(s)[h] = append(m(s)[h], e)
	}
}
