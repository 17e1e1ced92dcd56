package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/kmsguard/kmsguard/result"
)

// The questions kmsguard's native engine declines are answered by
// kmsguard-full (`kmsguard-full eval --batch - --declined`), one at a time
// over its standard streams: kmsguard writes a question's line number, a
// space and the question, on one line; kmsguard-full answers it with the
// Rego (AnswerLine, so that its errors name the line of kmsguard's input)
// and writes the answer, one JSON line, before it reads the next.

// AnswerDeclined answers the numbered questions of in with a.AnswerLine
// and writes each answer to out before reading the next question.
func AnswerDeclined(ctx context.Context, a Answerer, in io.Reader, out io.Writer) error {
	// A line number and a space before a question of up to MaxLineBytes.
	lr := &lineReader{br: bufio.NewReaderSize(in, 64<<10), max: MaxLineBytes + 21}
	var data, buf []byte
	for {
		var (
			text    []byte
			tooLong bool
			err     error
		)
		data, text, tooLong, err = lr.appendNext(data[:0])
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("reading declined questions: %w", err)
		case tooLong:
			return fmt.Errorf("declined questions: line %d is longer than %d bytes", lr.line, lr.max)
		}
		num, q, ok := bytes.Cut(text, []byte(" "))
		line, nerr := strconv.Atoi(string(num))
		if !ok || nerr != nil || line < 1 {
			return fmt.Errorf("declined questions: want a line number and a question, got %.40q", text)
		}
		buf = a.AnswerLine(ctx, line, q).AppendJSON(buf[:0]) // one line, its newline included
		if _, err := out.Write(buf); err != nil {
			return fmt.Errorf("writing answers: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
	}
}

// DeclinedClient asks AnswerDeclined, at the other end of w and r, for the
// answers to questions.
type DeclinedClient struct {
	w   io.Writer
	r   *bufio.Reader
	buf []byte
}

// NewDeclinedClient writes questions to w and reads their answers from r.
func NewDeclinedClient(w io.Writer, r io.Reader) *DeclinedClient {
	return &DeclinedClient{w: w, r: bufio.NewReaderSize(r, 64<<10)}
}

// Ask returns the answer to the question data on input line line. It is
// not safe for concurrent use.
func (c *DeclinedClient) Ask(line int, data []byte) (*result.Answer, error) {
	c.buf = strconv.AppendInt(c.buf[:0], int64(line), 10)
	c.buf = append(append(append(c.buf, ' '), data...), '\n')
	if _, err := c.w.Write(c.buf); err != nil {
		return nil, err
	}
	reply, err := c.r.ReadBytes('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	var a result.Answer
	if err := json.Unmarshal(reply, &a); err != nil {
		return nil, fmt.Errorf("reading its answer: %w", err)
	}
	return &a, nil
}
