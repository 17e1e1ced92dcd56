package engine

import (
	"encoding/json"
	"testing"

	"github.com/kmsguard/kmsguard/internal/gen"
)

// questionSideCount is how many generated questions the question-side
// benchmarks repeat: few enough that the cache keeps their documents
// (questionSideEngine checks it), so that what is measured is the
// question's own path.
const questionSideCount = 300

// questionSideEngine is an engine that has seen each of the first
// questionSideCount generated conformance questions twice, and those of
// the questions as JSON lines whose every document the cache now holds
// (the same compiled document each time it is asked).
func questionSideEngine(b *testing.B) (*Engine, [][]byte) {
	e, err := New()
	if err != nil {
		b.Fatal(err)
	}
	questions := gen.Generate(questionSideCount, 0x6b6d7367756172)
	lines := make([][]byte, len(questions))
	for i, q := range questions {
		if lines[i], err = json.Marshal(q); err != nil {
			b.Fatal(err)
		}
	}
	// Each question twice in a row: a document is kept the second time it
	// is seen, and a document seen in between could take the place of the
	// first sight in the cache's table (see cacheShard.seen).
	for i, line := range lines {
		for range 2 {
			if _, ok := e.Decide(line); !ok {
				b.Fatalf("question %d declined", i)
			}
		}
	}
	for i, line := range lines {
		if !sameDocuments(questionDocuments(b, e, line), questionDocuments(b, e, line)) {
			b.Fatalf("question %d: its documents are not in the cache", i)
		}
	}
	size := 0
	for _, line := range lines {
		size += len(line)
	}
	b.SetBytes(int64(size / len(lines)))
	b.ReportAllocs()
	return e, lines
}

// sameDocuments: a and b are the same compiled documents.
func sameDocuments(a, b []*document) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// questionDocuments is the compiled documents of the question in line, in
// the order the decoder reads them.
func questionDocuments(b *testing.B, e *Engine, line []byte) []*document {
	sc, ok := e.prepare(line, false)
	if !ok {
		b.Fatal("a question declined")
	}
	defer sc.release()
	q := &sc.q
	docs := append([]*document{q.keyPolicy, q.boundary, q.session, q.endpoint}, q.identity...)
	for _, levels := range [][][]*document{q.scps, q.rcps} {
		for _, l := range levels {
			docs = append(docs, l...)
		}
	}
	return docs
}

// BenchmarkQuestionSide decodes and sets up generated questions whose
// documents are all cached (prepare and release, no decision): the share
// of a batch that is the question's own (its fields, its context, the
// checks of setup). The figure is per question.
func BenchmarkQuestionSide(b *testing.B) {
	e, lines := questionSideEngine(b)
	start := cpuTime(b)
	for i := 0; b.Loop(); i++ {
		sc, ok := e.prepare(lines[i%len(lines)], true) // as in a batch
		if !ok {
			b.Fatalf("question %d declined", i%len(lines))
		}
		sc.release()
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDecideCached answers the same questions, their documents
// cached: the question's path and the decision, without compiling. The
// figure is per question.
func BenchmarkDecideCached(b *testing.B) {
	e, lines := questionSideEngine(b)
	start := cpuTime(b)
	for i := 0; b.Loop(); i++ {
		if _, ok := e.Decide(lines[i%len(lines)]); !ok {
			b.Fatalf("question %d declined", i%len(lines))
		}
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}
