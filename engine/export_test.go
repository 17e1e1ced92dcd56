package engine

import (
	"bytes"
	"hash/maphash"
	"testing"
)

// NewWithCache is New with a document cache bounded by maxBytes (a
// benchmark that needs every document of its questions kept).
func NewWithCache(maxBytes int) (*Engine, error) {
	e, err := New()
	if err != nil {
		return nil, err
	}
	e.cache = newDocCache(maxBytes)
	return e, nil
}

// UncachedGenerated counts the documents of the generated questions
// (BenchmarkGenerated's) that e's cache does not hold as they are written.
func (e *Engine) UncachedGenerated(tb testing.TB) int {
	n := 0
	for _, q := range generatedDocuments(tb) {
		for _, d := range q {
			raw := bytes.TrimSpace(d.raw) // as Engine.document reads it
			h := maphash.Bytes(e.cache.seed, raw)
			s := e.cache.shard(h)
			s.mu.RLock()
			if find(s.exact[h], raw, d.kind) == nil {
				n++
			}
			s.mu.RUnlock()
		}
	}
	return n
}
