package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/internal/gen"
	"github.com/kmsguard/kmsguard/result"
)

// The batch is tested with the runner, which answers every line, in
// runner's tests; these are the tests of its parts.

// engineAnswerer answers with the native engine alone; a line the engine
// declines gets an error answer.
type engineAnswerer struct{ *engine.Engine }

func (a engineAnswerer) AppendNative(dst, data []byte) ([]byte, bool, bool) {
	return a.AppendDecision(dst, data)
}

func (engineAnswerer) AnswerLine(_ context.Context, line int, _ []byte) *result.Answer {
	return &result.Answer{Error: fmt.Sprintf("line %d: declined", line)}
}

func nativeAnswerer(t testing.TB) engineAnswerer {
	e, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	return engineAnswerer{e}
}

// next returns the next line of lr (appendNext after 4 bytes it must keep).
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	out, line, tooLong, err := lr.appendNext([]byte("kept"))
	if string(out[:4]) != "kept" || len(out) != 4+len(line) {
		panic(fmt.Sprintf("appendNext returned %q for line %q", out, line))
	}
	return line, tooLong, err
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 100)
	in := "a\n\r\nbb\r\n" + long + "\n" + long[:20] + "\nlast"
	lr := &lineReader{br: bufio.NewReaderSize(strings.NewReader(in), 16), max: 20}
	type line struct {
		n       int
		data    string
		tooLong bool
	}
	var got []line
	for {
		data, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, line{lr.line, string(data), tooLong})
	}
	want := []line{{1, "a", false}, {2, "", false}, {3, "bb", false}, {4, "", true}, {5, long[:20], false}, {6, "last", false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %v\nwant %v", got, want)
	}
}

// TestBatchChunkAllocatesOnlyTheEngines: answering a chunk of questions and
// encoding the answers allocates nothing beyond what the engine's
// decisions allocate (the chunk's buffers are reused, the answers are
// appended without reflection).
func TestBatchChunkAllocatesOnlyTheEngines(t *testing.T) {
	a := nativeAnswerer(t)
	c := &batchChunk{}
	c.reset(0)
	var lines [][]byte
	denials := 0
	for i, g := range gen.Generate(8, 1) {
		q, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		ans, ok := a.Decide(q)
		if !ok {
			t.Fatalf("the native engine declined question %d", i)
		}
		if !ans.IsAllowed() {
			denials++
		}
		lines = append(lines, q)
		c.lines = append(c.lines, chunkLine{start: len(c.data), end: len(c.data) + len(q), line: i + 1})
		c.data = append(c.data, q...)
	}
	ctx := t.Context()
	c.answer(ctx, a) // the documents compiled and cached, the buffers grown
	if c.sum.Errors != 0 || c.sum.Denials != denials {
		t.Fatalf("summary %+v, want 0 errors and %d denials:\n%s", c.sum, denials, c.out)
	}
	engine := testing.AllocsPerRun(50, func() {
		for _, q := range lines {
			if _, ok := a.Decide(q); !ok {
				t.Fatal("the native engine declined a question")
			}
		}
	})
	chunk := testing.AllocsPerRun(50, func() {
		c.out, c.sum = c.out[:0], Summary{}
		c.answer(ctx, a)
	})
	if chunk > engine {
		t.Errorf("a chunk of %d questions allocates %v times, the engine's decisions %v", len(lines), chunk, engine)
	}
}

// writeCounter counts the Writes it is given.
type writeCounter struct {
	bytes.Buffer
	writes int
}

func (w *writeCounter) Write(b []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(b)
}

// TestBatchRegularFile: a question file (a regular file, which reads never
// wait for) is read in whole chunks, a chunk ending only at chunkLinesOf
// lines, not also where the read buffer happens to end (here inside
// three chunks), and only the last one flushes the answers, which are
// written in one Write; other readers' chunks also end, and flush, where
// the read buffer does; and answers written to a regular file are the same
// bytes.
func TestBatchRegularFile(t *testing.T) {
	a := nativeAnswerer(t)
	// One generated question, padded to 1,800 bytes a line: 32 lines are
	// 56 KB, under ChunkBytes.
	q, err := json.Marshal(gen.Generate(1, 2)[0])
	if err != nil || len(q) > 1700 {
		t.Fatalf("the question (%d bytes, %v) must be under 1,700 bytes", len(q), err)
	}
	line := strings.TrimSuffix(string(q), "}") + `, "pad": "` + strings.Repeat("p", 1800-len(q)-11) + `"}` + "\n"
	const n = 3*ChunkLines + 5
	sb := strings.Builder{}
	for range n {
		sb.WriteString(line)
	}
	in := sb.String()
	if len(in) < 2*(64<<10) {
		t.Fatalf("the input (%d bytes) must span three read buffers", len(in))
	}
	// What Run writes for the same lines from a reader that is not a file
	// (runner's tests hold that to answering line by line).
	var want bytes.Buffer
	if _, err := Run(t.Context(), a, strings.NewReader(in), &want, Options{Name: "in", Workers: 2}); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(name, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	open := func() *os.File {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Close() })
		return f
	}

	var out writeCounter
	if _, err := Run(t.Context(), a, open(), &out, Options{Name: name, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Fatalf("output differs from the batch read from a reader\n got %.300q\nwant %.300q", out.Bytes(), want.Bytes())
	}
	if out.writes != 1 {
		t.Errorf("%d writes of %d bytes of answers, want 1", out.writes, out.Len())
	}
	var wantChunks []string
	for left := n; left > 0; {
		size := min(left, chunkLinesOf(len(wantChunks)))
		left -= size
		wantChunks = append(wantChunks, fmt.Sprintf("%d lines, flush %t", size, left == 0))
	}
	if got := readChunkSizes(t, open()); !reflect.DeepEqual(got, wantChunks) {
		t.Errorf("chunks of the file: %q, want %q", got, wantChunks)
	}
	// From a reader that is not a file, the chunks also end, and flush,
	// where each 64 KB read buffer does (after lines 36 and 72).
	got := readChunkSizes(t, strings.NewReader(in))
	if len(got) != len(wantChunks)+1 || got[5] != "5 lines, flush true" || got[7] != "4 lines, flush true" || got[len(got)-1] != "29 lines, flush true" {
		t.Errorf("chunks of a reader: %q", got)
	}

	answers, err := os.Create(filepath.Join(t.TempDir(), "answers.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = answers.Close() }()
	if _, err := Run(t.Context(), a, open(), answers, Options{Name: name, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(answers.Name()); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("answers file (%v) differs from the batch read from a reader\n got %.300q\nwantChunks %.300q", err, got, want.Bytes())
	}
}

// readChunkSizes reads the chunks of in as Run does, and tells the
// number of lines of each and whether it flushes.
func readChunkSizes(t *testing.T, in io.Reader) []string {
	t.Helper()
	free, jobs := make(chan *batchChunk, 1), make(chan *batchChunk, 1)
	free <- &batchChunk{}
	errc := make(chan error, 1)
	go func() {
		errc <- readChunks(t.Context(), in, free, jobs)
		close(jobs)
	}()
	var got []string
	for c := range jobs {
		got = append(got, fmt.Sprintf("%d lines, flush %t", len(c.lines), c.flush))
		free <- c
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return got
}

// TestAnswerWriter: answers are held until minBytes of them are ready (or
// flush, or a chunk to flush), each Write counted in the summary once it succeeded, and after a
// failed Write nothing more is written.
func TestAnswerWriter(t *testing.T) {
	chunk := func(out string, denials int) *batchChunk {
		return &batchChunk{out: []byte(out), sum: Summary{Denials: denials}}
	}
	var out writeCounter
	w := &answerWriter{out: &out, minBytes: 10}
	for i, c := range []*batchChunk{chunk("aaaa\n", 1), chunk("bbbb\n", 0), chunk("cccc\n", 1), chunk("0123456789abc\n", 1)} {
		if !w.write(c) {
			t.Fatalf("write %d failed: %v", i, w.err)
		}
		if i == 0 && (out.writes != 0 || w.sum != (Summary{})) {
			t.Fatalf("after 5 bytes: %d writes, summary %+v; want none", out.writes, w.sum)
		}
	}
	if !w.flush() || out.String() != "aaaa\nbbbb\ncccc\n0123456789abc\n" || out.writes != 2 || w.sum != (Summary{Denials: 3}) {
		t.Fatalf("wrote %q in %d writes, summary %+v; want 2 writes, 3 denials", out.String(), out.writes, w.sum)
	}
	if !w.flush() || out.writes != 2 {
		t.Errorf("a flush with nothing held wrote (%d writes)", out.writes)
	}

	// A chunk to flush is written at once, with the answers held before it.
	out = writeCounter{}
	w = &answerWriter{out: &out, minBytes: 100}
	w.write(chunk("a\n", 1))
	flushed := chunk("b\n", 0)
	flushed.flush = true
	w.write(flushed)
	if out.String() != "a\nb\n" || out.writes != 1 || w.sum != (Summary{Denials: 1}) {
		t.Errorf("wrote %q in %d writes, summary %+v; want a and b in 1 write, 1 denial", out.String(), out.writes, w.sum)
	}
	w.write(flushed)
	if out.writes != 2 {
		t.Errorf("a chunk to flush with nothing held: %d writes, want 2", out.writes)
	}

	// Nothing held (minBytes 0): each chunk is one Write.
	out = writeCounter{}
	w = &answerWriter{out: &out}
	for range 3 {
		w.write(chunk("x\n", 1))
	}
	if out.writes != 3 || w.sum != (Summary{Denials: 3}) {
		t.Errorf("%d writes, summary %+v; want 3 writes, 3 denials", out.writes, w.sum)
	}

	// A failed Write: its answers and the later ones are not counted.
	w = &answerWriter{out: failWriter{}, minBytes: 4}
	if !w.write(chunk("ab\n", 1)) || w.write(chunk("cd\n", 1)) || w.write(chunk("ef\n", 1)) || w.flush() {
		t.Errorf("write and flush results wrong after a failed Write")
	}
	if w.err == nil || w.sum != (Summary{}) {
		t.Errorf("error %v, summary %+v; want the write error and nothing counted", w.err, w.sum)
	}
}

// failWriter fails every Write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestSummaryExitCode: an error answer outranks a denial, which outranks
// nothing.
func TestSummaryExitCode(t *testing.T) {
	for _, tt := range []struct {
		sum  Summary
		want int
	}{
		{Summary{}, exitcode.Allowed},
		{Summary{Denials: 3}, exitcode.Denied},
		{Summary{Errors: 1}, exitcode.Input},
		{Summary{Errors: 1, Denials: 3}, exitcode.Input},
	} {
		if got := tt.sum.ExitCode(); got != tt.want {
			t.Errorf("%+v: exit %d, want %d", tt.sum, got, tt.want)
		}
	}
}

// TestSetGC: SetGC sets the batch's collector target unless GOGC is set.
func TestSetGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	SetGC()
	if got := debug.SetGCPercent(50); got != GCPercent {
		t.Errorf("without GOGC: target %d, want %d", got, GCPercent)
	}
	t.Setenv("GOGC", "50")
	SetGC()
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("with GOGC=50: target %d, want 50 (the environment's)", got)
	}
}
