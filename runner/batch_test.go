package runner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
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
