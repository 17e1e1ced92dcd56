package batch

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

// lineAnswerer answers a question with an error naming its line and text.
type lineAnswerer struct{}

func (lineAnswerer) AppendNative(dst, _ []byte) ([]byte, bool, bool) { return dst, false, false }

func (lineAnswerer) AnswerLine(_ context.Context, line int, data []byte) *result.Answer {
	return &result.Answer{ID: "q", Error: fmt.Sprintf("line %d: %s", line, data)}
}

// TestDeclinedRoundTrip: the questions a DeclinedClient asks are answered
// by AnswerDeclined at the other end of two pipes, one at a time, with
// their own line numbers.
func TestDeclinedRoundTrip(t *testing.T) {
	qr, qw := io.Pipe()
	ar, aw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- AnswerDeclined(t.Context(), lineAnswerer{}, qr, aw)
		_ = aw.Close()
	}()
	c := NewDeclinedClient(qw, ar)
	for _, q := range []struct {
		line int
		data string
	}{{7, `{"id": "q", "x": "a b"}`}, {3, `not json`}, {1000000, `{}`}} {
		a, err := c.Ask(q.line, []byte(q.data))
		if want := fmt.Sprintf("line %d: %s", q.line, q.data); err != nil || a.Error != want || a.ID != "q" {
			t.Fatalf("Ask(%d, %s) = %+v, %v; want the error %q", q.line, q.data, a, err, want)
		}
	}
	_ = qw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The other end gone: an error, not an answer.
	if a, err := c.Ask(1, []byte(`{}`)); err == nil {
		t.Errorf("Ask after the end = %+v, want an error", a)
	}
}

func TestAnswerDeclinedMalformed(t *testing.T) {
	long := "1 " + strings.Repeat("x", MaxLineBytes+30) + "\n"
	for _, in := range []string{"{}\n", "x {}\n", "0 {}\n", "-1 {}\n", "\n", long} {
		var out strings.Builder
		if err := AnswerDeclined(t.Context(), lineAnswerer{}, strings.NewReader(in), &out); err == nil || out.Len() != 0 {
			t.Errorf("AnswerDeclined(%.40q): %v, output %q; want an error and no answer", in, err, out.String())
		}
	}
}
