package engine_test

import (
	"encoding/json"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/gen"
)

// BenchmarkGenerated answers 10,000 generated conformance questions (the
// file `eval --batch` is compared with iam-simulate on) one after another
// on one goroutine, with a new engine each round: every document is new to
// it, as in a batch where each question brings its own policies. The
// figure is per question.
func BenchmarkGenerated(b *testing.B) {
	lines := generatedLines(b)
	var e *engine.Engine
	for i := 0; b.Loop(); i++ {
		if i%len(lines) == 0 {
			b.StopTimer()
			var err error
			if e, err = engine.New(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if _, ok := e.Decide(lines[i%len(lines)]); !ok {
			b.Fatalf("question %d declined", i%len(lines))
		}
	}
}

// BenchmarkGeneratedCached answers the same questions with one engine
// whose cache holds their documents: what is left is the question's own
// path (decoding, context, setup, answer) and the decision. The figure is
// per question. The engine's own cache (64 MB) does not hold the documents
// of 10,000 questions that mostly bring their own key policy, so the
// benchmark's is larger, and each question is answered twice in a row
// first (a document is kept at its second sight), twice over; then every
// document of the questions must be in the cache.
func BenchmarkGeneratedCached(b *testing.B) {
	lines := generatedLines(b)
	e, err := engine.NewWithCache(1 << 30)
	if err != nil {
		b.Fatal(err)
	}
	for range 2 {
		for i, line := range lines {
			for range 2 {
				if _, ok := e.Decide(line); !ok {
					b.Fatalf("question %d declined", i)
				}
			}
		}
	}
	if n := e.UncachedGenerated(b); n > 0 {
		b.Fatalf("%d documents of the questions not in the cache", n)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := e.Decide(lines[i%len(lines)]); !ok {
			b.Fatalf("question %d declined", i%len(lines))
		}
	}
}

// generatedLines is the 10,000 generated conformance questions, one JSON
// line each; it sets b's bytes per operation to their mean size.
func generatedLines(b *testing.B) [][]byte {
	questions := gen.Generate(10000, 0x6b6d7367756172)
	lines := make([][]byte, len(questions))
	size := 0
	for i, q := range questions {
		data, err := json.Marshal(q)
		if err != nil {
			b.Fatal(err)
		}
		lines[i] = data
		size += len(data)
	}
	b.SetBytes(int64(size / len(lines)))
	b.ReportAllocs()
	return lines
}
