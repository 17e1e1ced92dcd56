package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/result"
)

// MaxLineBytes is the longest question line Batch reads; a longer line gets
// an error answer and the batch goes on.
const MaxLineBytes = 16 << 20

// BatchOptions configures Batch.
type BatchOptions struct {
	// Name names the input in a read error ("standard input", a file name).
	Name string
	// Workers is the number of evaluation goroutines; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// BatchSummary tells what kinds of answers a batch wrote.
type BatchSummary struct {
	Errors  int // error answers (a line that could not be read or answered)
	Denials int // answers that are a denial
}

type batchJob struct {
	seq     int
	line    int // 1-based input line number
	data    []byte
	tooLong bool
}

type batchResult struct {
	seq int
	ans *result.Answer
}

// Batch answers the questions of in, one per line (JSON Lines; blank lines
// are skipped), and writes one answer per line to out, in input order, each
// with the question's "id". A line that cannot be read gets an error answer
// naming the line number and the batch goes on. Answers are written in input
// order by one writer; the workers share r. At most a fixed number of
// questions are in flight, so memory stays bounded whatever the input size;
// out is flushed whenever no further answer is ready, so a reader downstream
// sees each answer before the next question is read.
//
// The error is about reading in or writing out; the answers written before
// it are counted in the summary.
func Batch(ctx context.Context, r *Runner, in io.Reader, out io.Writer, opts BatchOptions) (BatchSummary, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := 4 * workers // questions read but not yet written
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	slots := make(chan struct{}, window)
	jobs := make(chan batchJob, workers)
	results := make(chan batchResult, window)

	var readErr error
	go func() {
		defer close(jobs)
		lr := &lineReader{br: bufio.NewReaderSize(in, 64<<10), max: MaxLineBytes}
		for seq := 0; ; {
			data, tooLong, err := lr.next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return
			}
			if !tooLong && len(bytes.TrimSpace(data)) == 0 {
				continue
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			jobs <- batchJob{seq: seq, line: lr.line, data: bytes.Clone(data), tooLong: tooLong}
			seq++
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- batchResult{seq: j.seq, ans: answerLine(ctx, r, j)}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var (
		sum      BatchSummary
		writeErr error
		next     int
		pending  = map[int]*result.Answer{}
	)
	for res := range results {
		pending[res.seq] = res.ans
		for {
			a, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			switch {
			case a.Error != "":
				sum.Errors++
			case !a.IsAllowed():
				sum.Denials++
			}
			if writeErr == nil {
				if writeErr = enc.Encode(a); writeErr != nil {
					cancel() // stop reading; the workers drain what is queued
				}
			}
			<-slots
		}
		if writeErr == nil && len(results) == 0 {
			// Nothing else ready: let a reader downstream see the answers.
			if writeErr = bw.Flush(); writeErr != nil {
				cancel()
			}
		}
	}
	if writeErr == nil {
		writeErr = bw.Flush()
	}
	switch {
	case writeErr != nil:
		return sum, fmt.Errorf("writing answers: %w", writeErr)
	case readErr != nil:
		return sum, fmt.Errorf("reading %s: %w", opts.Name, readErr)
	}
	return sum, nil
}

// answerLine answers the question on one input line. Errors name the line.
func answerLine(ctx context.Context, r *Runner, j batchJob) *result.Answer {
	if j.tooLong {
		return &result.Answer{Error: fmt.Sprintf("line %d: longer than %d bytes", j.line, MaxLineBytes)}
	}
	if a, ok := r.DecideNative(j.data); ok {
		return a // a native answer is never an error answer
	}
	input, id, err := question.Decode(j.data)
	if err != nil {
		if id == "" {
			id = salvageID(j.data)
		}
		msg := question.Message(err, j.line)
		if !strings.HasPrefix(msg, "line ") {
			msg = fmt.Sprintf("line %d: %s", j.line, msg)
		}
		return &result.Answer{ID: id, Error: msg}
	}
	a := r.Decide(ctx, input)
	if a.ID == "" {
		a.ID = id
	}
	if a.Error != "" {
		// Each message names its line and, when it is about a part of the
		// question, the column that part starts at.
		parts := policyfile.MapMessages(a.Error, func(path []policyfile.Segment, msg string) (string, bool) {
			line, col, rest := policyfile.Locate("question.json", j.data, path)
			if line == 0 || len(rest) > 0 {
				return "", false // not in the question (a missing field)
			}
			return fmt.Sprintf("line %d, column %d: %s: %s", j.line+line-1, col, policyfile.JoinPath(path), msg), true
		})
		for i, p := range parts {
			if !strings.HasPrefix(p, "line ") {
				parts[i] = fmt.Sprintf("line %d: %s", j.line, p)
			}
		}
		a.Error = strings.Join(parts, "; ")
	}
	return a
}

// lineReader reads lines of any length, keeping at most max bytes of one.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int // number of the line last returned
	buf  []byte
}

// next returns the next line without its line ending; the slice is valid
// until the next call. tooLong reports a line longer than max, whose content
// is dropped. The error is io.EOF at the end of the input.
func (lr *lineReader) next() (data []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	read := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // room for "\r\n"
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || !read) {
			return nil, false, err
		}
		break // a whole line, or the last line without a newline
	}
	lr.line++
	data = bytes.TrimSuffix(lr.buf, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	if len(data) > lr.max {
		return nil, true, nil
	}
	return data, tooLong, nil
}

// salvageID finds the "id" of a question that is not valid JSON, so that its
// error answer can still be joined to it: the string value of a top-level
// "id" key read before the syntax error, or "".
func salvageID(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	depth := 1
	wantKey := true
	for {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			if depth == 0 {
				return ""
			}
			wantKey = depth == 1
			continue
		}
		if depth != 1 {
			continue
		}
		if wantKey {
			if t == "id" {
				v, err := dec.Token()
				if err != nil {
					return ""
				}
				s, _ := v.(string)
				return s
			}
			wantKey = false
		} else {
			wantKey = true
		}
	}
}
