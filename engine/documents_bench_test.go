package engine

import (
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/internal/gen"
)

// generatedDocuments returns, for each of the 10,000 generated conformance
// questions BenchmarkGenerated answers, its policy documents as raw JSON
// with their kinds, in the order the question decoder reads them.
func generatedDocuments(tb testing.TB) [][]rawDoc {
	tb.Helper()
	questions := gen.Generate(10000, 0x6b6d7367756172)
	out := make([][]rawDoc, len(questions))
	for i, q := range questions {
		data, err := json.Marshal(q)
		if err != nil {
			tb.Fatal(err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			tb.Fatalf("question %d: %v", i, err)
		}
		add := func(raw []byte, kind string) { out[i] = append(out[i], rawDoc{raw, kind}) }
		for _, f := range []struct{ name, kind string }{
			{"key_policy", kindResource}, {"permissions_boundary", kindIdentity},
			{"session_policy", kindIdentity}, {"vpc_endpoint_policy", kindResource},
		} {
			if raw, has := fields[f.name]; has {
				add(raw, f.kind)
			}
		}
		if raw, has := fields["identity_policies"]; has {
			list := elems(tb, raw)
			for _, r := range list {
				add(r, kindIdentity)
			}
		}
		for _, f := range []struct{ name, kind string }{{"scps", kindIdentity}, {"rcps", kindResource}} {
			raw, has := fields[f.name]
			if !has {
				continue
			}
			levels := elems(tb, raw)
			for _, l := range levels {
				docs := elems(tb, l)
				for _, r := range docs {
					add(r, f.kind)
				}
			}
		}
	}
	return out
}

// elems splits a JSON array into its elements' raw JSON.
func elems(tb testing.TB, raw []byte) []json.RawMessage {
	tb.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		tb.Fatal(err)
	}
	return list
}

type rawDoc struct {
	raw  []byte
	kind string
}

// BenchmarkDocuments compiles or finds in the cache the policy documents of
// the 10,000 generated conformance questions, question by question, with a
// new cache each round (as BenchmarkGenerated): the documents' share of a
// batch. The figure is per question.
func BenchmarkDocuments(b *testing.B) {
	if _, err := embeddedCatalog(); err != nil {
		b.Fatal(err)
	}
	questions := generatedDocuments(b)
	b.ReportAllocs()
	var c *docCache
	var parts docParts // a question's, as in the engine
	start := cpuTime(b)
	for i := 0; b.Loop(); i++ {
		if i%len(questions) == 0 {
			c = newDocCache(cacheMaxBytes)
		}
		for _, d := range questions[i%len(questions)] {
			if _, ok := c.get(d.raw, d.kind, &parts); !ok {
				b.Fatalf("question %d: a document declined", i%len(questions))
			}
		}
		parts.reset()
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time of the process so far (garbage collection
// included): a figure less sensitive than wall time to other processes on
// the machine.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
