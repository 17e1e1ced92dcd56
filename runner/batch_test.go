package runner

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
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

const batchKeyPolicy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// batchQuestion is question i of a batch: allowed for even i (the root user),
// implicitly denied for odd i (an IAM user without an identity policy).
func batchQuestion(i int) string {
	principal := "111122223333"
	if i%2 == 1 {
		principal = fmt.Sprintf("arn:aws:iam::111122223333:user/u%d", i)
	}
	return fmt.Sprintf(`{"id": "q%d", "principal": %q, "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": %s}`,
		i, principal, batchKeyPolicy)
}

func decodeAnswers(t *testing.T, out []byte) []result.Answer {
	t.Helper()
	var answers []result.Answer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a result.Answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("answer %q: %v", sc.Text(), err)
		}
		answers = append(answers, a)
	}
	return answers
}

func TestBatchOrderManyWorkers(t *testing.T) {
	const n = 400
	var in strings.Builder
	for i := range n {
		in.WriteString(batchQuestion(i))
		in.WriteString("\n")
	}
	var out bytes.Buffer
	sum, err := Batch(t.Context(), nativeRunner(t), strings.NewReader(in.String()), &out, BatchOptions{Name: "standard input", Workers: 8})
	if err != nil || sum != (BatchSummary{Denials: n / 2}) {
		t.Errorf("summary %+v, error %v; want %d denials", sum, err, n/2)
	}
	answers := decodeAnswers(t, out.Bytes())
	if len(answers) != n {
		t.Fatalf("%d answers, want %d", len(answers), n)
	}
	for i, a := range answers {
		want := "Allowed"
		if i%2 == 1 {
			want = "ImplicitlyDenied"
		}
		if a.ID != fmt.Sprintf("q%d", i) || a.Decision != want || a.Error != "" {
			t.Fatalf("answer %d = %+v, want id q%d decision %s", i, a, i, want)
		}
	}
}

func TestBatchLongLine(t *testing.T) {
	long := `{"id": "long", "pad": "` + strings.Repeat("x", MaxLineBytes) + `"}`
	in := batchQuestion(0) + "\n" + long + "\n\n" + batchQuestion(2) // no final newline
	var out bytes.Buffer
	sum, err := Batch(t.Context(), nativeRunner(t), strings.NewReader(in), &out, BatchOptions{Name: "standard input"})
	if err != nil || sum != (BatchSummary{Errors: 1}) {
		t.Errorf("summary %+v, error %v; want 1 error answer", sum, err)
	}
	answers := decodeAnswers(t, out.Bytes())
	if len(answers) != 3 {
		t.Fatalf("answers = %+v", answers)
	}
	if answers[0].ID != "q0" || !answers[0].IsAllowed() {
		t.Errorf("answer 0 = %+v", answers[0])
	}
	if want := fmt.Sprintf("line 2: longer than %d bytes", MaxLineBytes); answers[1].Error != want || answers[1].IsAllowed() {
		t.Errorf("answer 1 = %+v, want error %q", answers[1], want)
	}
	if answers[2].ID != "q2" || !answers[2].IsAllowed() {
		t.Errorf("answer 2 = %+v", answers[2])
	}
}

// TestBatchStreams checks that Batch answers a line before it reads the
// next: the batch is fed through a pipe one line at a time, and each answer
// is read before the next question is written. An implementation that reads
// all input first would block here.
func TestBatchStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	type done struct {
		sum BatchSummary
		err error
	}
	finished := make(chan done, 1)
	r := nativeRunner(t)
	go func() {
		sum, err := Batch(t.Context(), r, inR, outW, BatchOptions{Name: "standard input"})
		_ = outW.Close()
		finished <- done{sum, err}
	}()
	answers := bufio.NewReader(outR)
	for i := range 3 {
		if _, err := io.WriteString(inW, batchQuestion(i)+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := answers.ReadBytes('\n')
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		var a result.Answer
		if err := json.Unmarshal(line, &a); err != nil || a.ID != fmt.Sprintf("q%d", i) {
			t.Fatalf("answer %d = %s (%v)", i, line, err)
		}
	}
	_ = inW.Close()
	if rest, _ := io.ReadAll(answers); len(rest) != 0 {
		t.Errorf("unexpected output %q", rest)
	}
	if d := <-finished; d.err != nil || d.sum != (BatchSummary{Denials: 1}) {
		t.Errorf("summary %+v, error %v; want 1 denial", d.sum, d.err)
	}
}

func TestBatchReadError(t *testing.T) {
	in := io.MultiReader(strings.NewReader(batchQuestion(0)+"\n"), errReader{})
	var out bytes.Buffer
	sum, err := Batch(t.Context(), nativeRunner(t), in, &out, BatchOptions{Name: "q.jsonl"})
	if err == nil || err.Error() != "reading q.jsonl: disk on fire" || sum != (BatchSummary{}) {
		t.Errorf("summary %+v, error %v", sum, err)
	}
	if answers := decodeAnswers(t, out.Bytes()); len(answers) != 1 || !answers[0].IsAllowed() {
		t.Errorf("answers = %+v", answers)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestBatchWriteError(t *testing.T) {
	in := batchQuestion(0) + "\n" + batchQuestion(1) + "\n"
	_, err := Batch(t.Context(), nativeRunner(t), strings.NewReader(in), errWriter{}, BatchOptions{Name: "standard input"})
	if err == nil || err.Error() != "writing answers: disk full" {
		t.Errorf("error = %v, want writing answers: disk full", err)
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

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

func TestSalvageID(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"id": "q1", "action": }`, "q1"},
		{`{"principal": {"id": "nested"}, "id": "top", "x": [1, {"id": "n"}], `, "top"},
		{`{"principal": {"id": "nested"}, "action": ]`, ""},
		{`{"context": {"id": "x"}, "grants": [{"id": "y"}]`, ""},
		{`{"key_policy": {"Statement": [}, "id": "late"}`, ""},
		{`{"id": 7,`, ""},
		{`{"id": {"a": 1}, "b"`, ""},
		{`{"id"`, ""},
		{`["id", "x"`, ""},
		{`{"a": "id", "b": "c", "id": "third"`, "third"},
		{``, ""},
	}
	for _, tt := range tests {
		if got := salvageID([]byte(tt.in)); got != tt.want {
			t.Errorf("salvageID(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// batchErrorLines are lines that get error answers (with line and column
// positions, ids salvaged or not) and lines that are skipped.
var batchErrorLines = []string{
	`{"id": "broken", "principal": "alice", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-east-1:111122223333:key/x", "key_policy": {}}`,
	`{"id": "syntax", "action": }`,
	`{"id": "dup", "id": "dup"}`,
	`not json`,
	`{"id": "ctx", "principal": "111122223333", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "context": {"kms:GrantIsForAWSResource": 7}, "key_policy": ` + batchKeyPolicy + `}`,
	``,
	"  \t",
	"\r",
}

// sequentialAnswers is what Batch must write for in: each non-blank line
// answered one after another, into an answer of its own, and encoded by
// encoding/json, as Batch did before it answered lines in chunks.
func sequentialAnswers(t testing.TB, r *Runner, in string) []byte {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	lr := &lineReader{br: bufio.NewReader(strings.NewReader(in)), max: MaxLineBytes}
	for {
		data, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return out.Bytes()
		}
		if err != nil {
			t.Fatal(err)
		}
		if !tooLong && len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		a, ok := (*Answer)(nil), false
		if !tooLong {
			a, ok = r.DecideNative(data) // an answer of its own
		}
		if !ok {
			a = answerLine(t.Context(), r, lr.line, data, tooLong)
		}
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
}

// pieceReader returns its input in pieces of the given sizes, in turn.
type pieceReader struct {
	data  []byte
	sizes []int
	i     int
}

func (p *pieceReader) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(b), len(p.data), p.sizes[p.i%len(p.sizes)])
	p.i++
	copy(b, p.data[:n])
	p.data = p.data[n:]
	return n, nil
}

// TestBatchChunkBoundaries: whatever the number of lines around the chunk
// size, the size of a chunk's bytes, how the input arrives and the number
// of workers, Batch writes the same bytes as answering line by line.
func TestBatchChunkBoundaries(t *testing.T) {
	r := nativeRunner(t)
	pad := `, "pad": "` + strings.Repeat("p", chunkBytes/5) + `"}` // 5 lines fill a chunk's bytes
	makeInput := func(n int, big bool) string {
		var sb strings.Builder
		for i := range n {
			q := batchQuestion(i)
			switch {
			case i%13 == 5:
				q = batchErrorLines[i%len(batchErrorLines)]
			case big && i%2 == 0:
				q = strings.TrimSuffix(q, "}") + pad
			}
			sb.WriteString(q)
			if i%7 == 3 {
				sb.WriteString("\r")
			}
			if i < n-1 || i%2 == 0 {
				sb.WriteString("\n")
			}
		}
		return sb.String()
	}
	for _, n := range []int{0, 1, 2, chunkLines - 1, chunkLines, chunkLines + 1, 3*chunkLines + 7} {
		for _, big := range []bool{false, true} {
			in := makeInput(n, big)
			want := sequentialAnswers(t, r, in)
			for _, workers := range []int{1, 3} {
				for _, sizes := range [][]int{{1 << 30}, {1}, {7, 1500, 64 << 10}} {
					var out bytes.Buffer
					_, err := Batch(t.Context(), r, &pieceReader{data: []byte(in), sizes: sizes}, &out, BatchOptions{Name: "in", Workers: workers})
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(out.Bytes(), want) {
						t.Fatalf("%d lines (big %v), %d workers, pieces %v: output differs from line by line\n got %.300q\nwant %.300q", n, big, workers, sizes, out.Bytes(), want)
					}
				}
			}
		}
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
// three chunks); and answers written to a regular file are the same bytes
// as answering line by line.
func TestBatchRegularFile(t *testing.T) {
	r := nativeRunner(t)
	pad := `, "pad": "` + strings.Repeat("p", 1500) + `"}` // 32 lines: 48 KB, under chunkBytes
	const n = 3*chunkLines + 5
	var sb strings.Builder
	for i := range n {
		sb.WriteString(strings.TrimSuffix(batchQuestion(i), "}") + pad + "\n")
	}
	in := sb.String()
	if len(in) < 2*(64<<10) {
		t.Fatalf("the input (%d bytes) must span three read buffers", len(in))
	}
	want := sequentialAnswers(t, r, in)
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
	if _, err := Batch(t.Context(), r, open(), &out, BatchOptions{Name: name, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("output differs from line by line\n got %.300q\nwant %.300q", out.Bytes(), want)
	}
	wantWrites := 0
	for left := n; left > 0; left -= chunkLinesOf(wantWrites - 1) {
		wantWrites++
	}
	if out.writes != wantWrites {
		t.Errorf("%d chunks written, want %d (of 1, 2, 4, 8, 16, then %d lines)", out.writes, wantWrites, chunkLines)
	}

	answers, err := os.Create(filepath.Join(t.TempDir(), "answers.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = answers.Close() }()
	if _, err := Batch(t.Context(), r, open(), answers, BatchOptions{Name: name, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(answers.Name()); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("answers file (%v) differs from line by line\n got %.300q\nwant %.300q", err, got, want)
	}
}

// TestAnswerWriter: answers are held until minBytes of them are ready (or
// flush), each Write counted in the summary once it succeeded, and after a
// failed Write nothing more is written.
func TestAnswerWriter(t *testing.T) {
	chunk := func(out string, denials int) *batchChunk {
		return &batchChunk{out: []byte(out), sum: BatchSummary{Denials: denials}}
	}
	var out writeCounter
	w := &answerWriter{out: &out, minBytes: 10}
	for i, c := range []*batchChunk{chunk("aaaa\n", 1), chunk("bbbb\n", 0), chunk("cccc\n", 1), chunk("0123456789abc\n", 1)} {
		if !w.write(c) {
			t.Fatalf("write %d failed: %v", i, w.err)
		}
		if i == 0 && (out.writes != 0 || w.sum != (BatchSummary{})) {
			t.Fatalf("after 5 bytes: %d writes, summary %+v; want none", out.writes, w.sum)
		}
	}
	if !w.flush() || out.String() != "aaaa\nbbbb\ncccc\n0123456789abc\n" || out.writes != 2 || w.sum != (BatchSummary{Denials: 3}) {
		t.Fatalf("wrote %q in %d writes, summary %+v; want 2 writes, 3 denials", out.String(), out.writes, w.sum)
	}
	if !w.flush() || out.writes != 2 {
		t.Errorf("a flush with nothing held wrote (%d writes)", out.writes)
	}

	// Nothing held (minBytes 0): each chunk is one Write.
	out = writeCounter{}
	w = &answerWriter{out: &out}
	for range 3 {
		w.write(chunk("x\n", 1))
	}
	if out.writes != 3 || w.sum != (BatchSummary{Denials: 3}) {
		t.Errorf("%d writes, summary %+v; want 3 writes, 3 denials", out.writes, w.sum)
	}

	// A failed Write: its answers and the later ones are not counted.
	w = &answerWriter{out: errWriter{}, minBytes: 4}
	if !w.write(chunk("ab\n", 1)) || w.write(chunk("cd\n", 1)) || w.write(chunk("ef\n", 1)) || w.flush() {
		t.Errorf("write and flush results wrong after a failed Write")
	}
	if w.err == nil || w.sum != (BatchSummary{}) {
		t.Errorf("error %v, summary %+v; want the write error and nothing counted", w.err, w.sum)
	}
}

// TestBatchGeneratedSameBytes: on the 10,000 generated conformance
// questions, with error lines, blank lines and CRLF endings mixed in,
// Batch writes exactly what answering line by line with encoding/json
// writes (and every answer of a generated question is a decision).
func TestBatchGeneratedSameBytes(t *testing.T) {
	r := nativeRunner(t)
	var sb strings.Builder
	wantErrors := 0
	for i, line := range bytes.Split(bytes.TrimSuffix(generatedBatch(t), []byte("\n")), []byte("\n")) {
		if i%97 == 0 {
			bad := batchErrorLines[(i/97)%len(batchErrorLines)]
			if strings.TrimSpace(bad) != "" {
				wantErrors++
			}
			sb.WriteString(bad + "\n")
		}
		sb.Write(line)
		if i%89 == 0 {
			sb.WriteString("\r")
		}
		sb.WriteString("\n")
	}
	in := sb.String()
	var out bytes.Buffer
	sum, err := Batch(t.Context(), r, strings.NewReader(in), &out, BatchOptions{Name: "in"})
	if err != nil {
		t.Fatal(err)
	}
	want := sequentialAnswers(t, r, in)
	if !bytes.Equal(out.Bytes(), want) {
		got, wantLines := bytes.Split(out.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(got), len(wantLines)) {
			if !bytes.Equal(got[i], wantLines[i]) {
				t.Fatalf("answer %d differs:\n got %s\nwant %s", i+1, got[i], wantLines[i])
			}
		}
		t.Fatalf("%d answers, want %d", len(got), len(wantLines))
	}
	if sum.Errors != wantErrors || wantErrors == 0 {
		t.Errorf("%d error answers, want %d", sum.Errors, wantErrors)
	}
	// Every position an error answer gives is on its question's line.
	lineNumber := regexp.MustCompile(`\bline ([0-9]+)\b`)
	answers := decodeAnswers(t, out.Bytes())
	k := 0
	for i, q := range strings.Split(in, "\n") {
		if strings.TrimSpace(q) == "" {
			continue
		}
		if a := answers[k]; a.Error != "" {
			ms := lineNumber.FindAllStringSubmatch(a.Error, -1)
			for _, m := range ms {
				if m[1] != strconv.Itoa(i+1) {
					t.Fatalf("the answer to line %d says %q", i+1, a.Error)
				}
			}
			if len(ms) == 0 {
				t.Fatalf("the answer to line %d names no line: %q", i+1, a.Error)
			}
		}
		k++
	}
}

// cancelWriter cancels its context on its first Write.
type cancelWriter struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(b []byte) (int, error) {
	w.cancel()
	return w.Buffer.Write(b)
}

// TestBatchCancel: a cancelled batch stops reading, writes whole answers
// in order for what it read, and says it stopped.
func TestBatchCancel(t *testing.T) {
	r := nativeRunner(t)
	var sb strings.Builder
	const n = 100 * chunkLines
	for i := range n {
		sb.WriteString(batchQuestion(i) + "\n")
	}
	ctx, cancel := context.WithCancel(t.Context())
	w := &cancelWriter{cancel: cancel}
	_, err := Batch(ctx, r, strings.NewReader(sb.String()), w, BatchOptions{Name: "q.jsonl", Workers: 2})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "stopped before the end of q.jsonl: ") {
		t.Fatalf("error %v, want it to say the batch stopped", err)
	}
	answers := decodeAnswers(t, w.Bytes())
	if len(answers) == 0 || len(answers) >= n/2 {
		t.Fatalf("%d answers after cancelling at the first write of %d", len(answers), n)
	}
	for i, a := range answers {
		if a.ID != fmt.Sprintf("q%d", i) {
			t.Fatalf("answer %d has id %q", i, a.ID)
		}
	}

	// Cancelled before it starts: nothing is answered.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	if _, err := Batch(ctx, r, strings.NewReader(sb.String()), &out, BatchOptions{Name: "q.jsonl"}); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("error %v, output %d bytes; want context.Canceled and no output", err, out.Len())
	}
}

// repeatReader gives line n times, then io.EOF, without holding the input,
// and counts the bytes it has given.
type repeatReader struct {
	line  []byte
	n     int
	off   int
	given atomic.Int64
}

func (r *repeatReader) Read(b []byte) (int, error) {
	total := 0
	for len(b) > 0 && r.n > 0 {
		k := copy(b, r.line[r.off:])
		b, total, r.off = b[k:], total+k, r.off+k
		if r.off == len(r.line) {
			r.off, r.n = 0, r.n-1
		}
	}
	r.given.Add(int64(total))
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

// aheadWriter counts answer lines and records how far, at most, the input
// read was ahead of the questions answered when answers were written.
type aheadWriter struct {
	in    *repeatReader
	lines int
	ahead int64
}

func (w *aheadWriter) Write(b []byte) (int, error) {
	w.lines += bytes.Count(b, []byte("\n"))
	w.ahead = max(w.ahead, w.in.given.Load()-int64(w.lines*len(w.in.line)))
	return len(b), nil
}

// TestBatchBoundedMemory streams 64 MB of questions through Batch: what it
// has read but not yet answered stays within the stated bound (3 chunks a
// worker, each less than chunkBytes and one line, and the read buffer), so
// memory does not grow with the input.
func TestBatchBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MB")
	}
	// One question with a 4 KB statement id, so that the key policy is
	// read once and kept (the engine's cache) and each line costs little.
	sid := strings.Repeat("s", 4096)
	line := []byte(strings.Replace(batchQuestion(0), `"Effect"`, `"Sid": "`+sid+`", "Effect"`, 1) + "\n")
	const input, workers = 64 << 20, 2
	n := input / len(line)
	in := &repeatReader{line: line, n: n}
	w := &aheadWriter{in: in}
	sum, err := Batch(t.Context(), nativeRunner(t), in, w, BatchOptions{Name: "in", Workers: workers})
	if err != nil || sum != (BatchSummary{}) || w.lines != n {
		t.Fatalf("summary %+v, error %v, %d answers; want %d allowed answers", sum, err, w.lines, n)
	}
	bound := int64(3*workers*(chunkBytes+len(line)) + 64<<10)
	if w.ahead <= 0 || w.ahead > bound {
		t.Errorf("read up to %d KB ahead of the answers written, want at most %d KB", w.ahead>>10, bound>>10)
	}
	t.Logf("%d questions (%d MB): read at most %d KB ahead of the answers (bound %d KB)", n, input>>20, w.ahead>>10, bound>>10)
}

// TestBatchChunkAllocatesOnlyTheEngines: answering a chunk of questions and
// encoding the answers allocates nothing beyond what the engine's
// decisions allocate (the chunk's buffers are reused, the answers are
// appended without reflection).
func TestBatchChunkAllocatesOnlyTheEngines(t *testing.T) {
	r := nativeRunner(t)
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
	c.answer(ctx, r) // the documents compiled and cached, the buffers grown
	if c.sum.Errors != 0 || c.sum.Denials != 2 {
		t.Fatalf("summary %+v, want 0 errors and 2 denials:\n%s", c.sum, c.out)
	}
	engine := testing.AllocsPerRun(50, func() {
		for _, q := range lines {
			if _, ok := r.DecideNative(q); !ok {
				t.Fatal("the native engine declined a question")
			}
		}
	})
	chunk := testing.AllocsPerRun(50, func() {
		c.out, c.sum = c.out[:0], BatchSummary{}
		c.answer(ctx, r)
	})
	if chunk > engine {
		t.Errorf("a chunk of %d questions allocates %v times, the engine's decisions %v", len(lines), chunk, engine)
	}
}
