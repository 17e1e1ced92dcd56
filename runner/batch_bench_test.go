package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime/debug"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/batch"
	"github.com/kmsguard/kmsguard/internal/gen"
)

// generatedBatch is the file `eval --batch` is compared with iam-simulate
// on: the 10,000 generated conformance questions, one per line.
func generatedBatch(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	for i, q := range gen.Generate(10000, 0x6b6d7367756172) {
		data, err := json.Marshal(q)
		if err != nil {
			tb.Fatalf("question %d: %v", i, err)
		}
		buf.Write(data)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// BenchmarkBatchGenerated runs Batch over the 10,000 generated questions
// with a new runner each round (every document new to the engine, as in
// `kmsguard eval --batch` on that file), with eval's garbage collector
// setting. The figure is per batch; questions/s and the process's CPU time
// per batch (steadier than wall time on a shared machine) are reported too.
func BenchmarkBatchGenerated(b *testing.B) {
	in := generatedBatch(b)
	defer debug.SetGCPercent(debug.SetGCPercent(batch.GCPercent))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		r := nativeRunner(b)
		b.StartTimer()
		start := cpuTime()
		if _, err := batch.Run(b.Context(), r, bytes.NewReader(in), io.Discard, batch.Options{Name: "bench"}); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "questions/s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
