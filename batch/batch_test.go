package batch

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
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
