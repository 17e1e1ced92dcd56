package engine

import "sync"

// scratch is one decision in progress: the question, its evaluation and
// the arrays their slices are cut from. Finished, it goes back to scratches
// with its arrays emptied (capacity kept), so that a steady stream of
// questions allocates little for the questions themselves.
//
// Nothing reachable from an answer or from the document cache is ever in a
// scratch: answers are built of strings and arrays of their own, the
// documents the cache keeps own their memory (those it does not are
// compiled into parts), and the slices a question takes from a snapshot
// (its documents, grants) are referenced, never written. Strings are never
// reused: only the arrays that hold them are — except for a borrowing
// question (AppendDecision's), whose answer is written out before the
// scratch is released: its strings are cut from text, those of its
// documents compiled into parts from its bytes (the caller's, unchanged
// until then), and its answer is ans, written again by the next question.
type scratch struct {
	q   query
	ev  eval
	ctx ctxBuf
	// The elements of the question's lists of documents.
	elems [][]byte
	// The arrays of the question's lists of documents (identity_policies,
	// scps, rcps).
	docs     []*document
	levelBuf [][]*document
	// The arrays the question's documents that the cache does not keep
	// are compiled into (docCache.get); parts.borrowed: the question
	// borrows.
	parts docParts
	// The array the question's text is written into (sc.strings: its
	// strings themselves when it borrows), and its answer when it borrows.
	text []byte
	ans  answerBuf
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// prepare decodes and checks the question in data; ok is false when the
// engine declines it. With borrow, the question's strings and its answer
// are the scratch's memory (see scratch). The caller releases the scratch
// when done with it (and with them).
func (e *Engine) prepare(data []byte, borrow bool) (*scratch, bool) {
	sc := scratches.Get().(*scratch)
	sc.parts.borrowed = borrow
	if !e.decodeQuestion(data, sc) {
		sc.release()
		return nil, false
	}
	sc.ev.e, sc.ev.q = e, &sc.q
	if borrow {
		sc.ev.into = &sc.ans
	}
	if !sc.ev.setup() {
		sc.release()
		return nil, false
	}
	return sc, true
}

// maxKept bounds what a scratch keeps for the next question: an array or
// map grown larger than this by an unusual question is dropped.
const maxKept = 64

// release empties sc and returns it to scratches; sc must not be used
// after.
func (sc *scratch) release() {
	sc.q = query{}
	sc.ctx.reset()
	sc.elems = emptied(sc.elems) // they point into the caller's bytes
	sc.docs = emptied(sc.docs)
	sc.levelBuf = emptied(sc.levelBuf)
	sc.ev.reset()
	sc.parts.reset() // after ev and q: nothing points into it now
	sc.ans.reset()
	if cap(sc.text) > maxKept<<10 {
		sc.text = nil
	}
	sc.text, sc.parts.borrowed = sc.text[:0], false
	scratches.Put(sc)
}

// reset empties ev, keeping its buffers.
func (ev *eval) reset() {
	*ev = eval{
		keys:     decisionCtx{pairs: emptied(ev.keys.pairs)},
		arena:    emptied(ev.arena),
		ec:       emptied(ev.ec),
		idAllows: emptied(ev.idAllows),
	}
}

// emptied is s cleared (to its capacity: nothing it held stays reachable)
// and of length 0, or nil when it grew large.
func emptied[S ~[]E, E any](s S) S {
	if cap(s) > maxKept {
		return nil
	}
	s = s[:cap(s)]
	clear(s)
	return s[:0]
}

// ctxBuf holds the arrays question.context is read into (ctxBuf.read):
// the object was d[start:end] of the question's bytes d, and lowSize is
// the length of its keys that have upper-case letters and that the
// catalog cat (nil: none) does not know (lows holds them lower-cased
// while they are written).
type ctxBuf struct {
	cat        *catalogData
	entries    []contextEntry
	keys, vals []text
	strs       []string
	ends       []int
	start, end int
	lowSize    int
	lows       []byte
}

func (b *ctxBuf) reset() {
	b.entries = emptied(b.entries)
	b.keys = emptied(b.keys)
	b.vals = emptied(b.vals)
	b.strs = emptied(b.strs)
	b.ends = emptied(b.ends)
	b.start, b.end, b.lowSize = 0, 0, 0
	if cap(b.lows) > maxKept*32 {
		b.lows = nil
	}
	b.lows = b.lows[:0]
}
