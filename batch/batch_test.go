package batch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
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

const batchKeyPolicy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// batchQuestion is question i: allowed for even i (the root user),
// implicitly denied for odd i (an IAM user without an identity policy).
func batchQuestion(i int) string {
	principal := "111122223333"
	if i%2 == 1 {
		principal = fmt.Sprintf("arn:aws:iam::111122223333:user/u%d", i)
	}
	return fmt.Sprintf(`{"id": "q%d", "principal": %q, "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": %s}`,
		i, principal, batchKeyPolicy)
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
	for i := range 4 {
		q := []byte(batchQuestion(i))
		lines = append(lines, q)
		c.lines = append(c.lines, chunkLine{start: len(c.data), end: len(c.data) + len(q), line: i + 1})
		c.data = append(c.data, q...)
	}
	ctx := t.Context()
	c.answer(ctx, a) // the documents compiled and cached, the buffers grown
	if c.sum.Errors != 0 || c.sum.Denials != 2 {
		t.Fatalf("summary %+v, want 0 errors and 2 denials:\n%s", c.sum, c.out)
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
