package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// maxLineBytes is the longest question line eval reads; a longer line gets
// an error answer and the batch goes on.
const maxLineBytes = 16 << 20

// evalParams are the flags of `kmsguard eval`.
type evalParams struct {
	Batch   string // JSON Lines file, "-" for stdin
	Format  string // json only
	Workers int    // evaluation goroutines; 0 means runtime.GOMAXPROCS(0)
	Stats   bool   // write how the questions were answered to stderr
}

const evalLong = `Answer a batch of questions. The input has one question per line (JSON Lines,
the format of docs/decision-format.md); the output has one answer per line, in
the same order, each with the question's "id". A line that cannot be read gets
an error answer naming the line number ({"id": ..., "error": "line 7: ..."})
and the batch goes on; blank lines are skipped. Questions are answered in
parallel on all CPUs.

Exit status: 0 if every answer is Allowed, 1 if some answer is a denial, 2 if
some line got an error answer (or the input could not be read).`

const evalExample = `  kmsguard eval --batch questions.jsonl > answers.jsonl
  generate-questions | kmsguard eval --batch - | jq -c 'select(.allowed)'`

func newEvalCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var p evalParams
	cmd, f := command("eval --batch FILE|-",
		"Answer a batch of questions given as JSON Lines",
		evalLong, evalExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runEval(cmd.Context(), p, stdin, stdout, stderr)
		})
	f.StringVar(&p.Batch, "batch", "", "JSON Lines `FILE` of questions, - for standard input")
	f.StringVar(&p.Format, "format", "json", "output `FORMAT`: json (JSON Lines) is the only one")
	f.BoolVar(&p.Stats, "stats", false, "write to standard error how many questions the native engine answered and how many fell back to the Rego")
	if err := cmd.MarkFlagRequired("batch"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	return cmd
}

type evalJob struct {
	seq     int
	line    int // 1-based input line number
	data    []byte
	tooLong bool
}

type evalResult struct {
	seq int
	ans *result.Answer
}

// runEval answers the questions of p.Batch. Answers are written in input
// order by one writer; the workers share one runner. At most a fixed number
// of questions are in flight, so memory stays bounded whatever the input size.
func runEval(ctx context.Context, p evalParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if p.Format != "" && p.Format != "json" {
		return inputErrorf("--format must be json for eval, not %q", p.Format)
	}
	if p.Batch == "" {
		return inputErrorf("--batch is required")
	}
	batchGC()
	var in io.Reader
	if p.Batch == "-" {
		in = stdin
	} else {
		f, err := os.Open(p.Batch)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return inputErrorf("%s: %v", p.Batch, err)
		}
		defer func() { _ = f.Close() }() // read-only: nothing to flush
		in = f
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}

	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := 4 * workers // questions read but not yet written
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	slots := make(chan struct{}, window)
	jobs := make(chan evalJob, workers)
	results := make(chan evalResult, window)

	var readErr error
	go func() {
		defer close(jobs)
		lr := &lineReader{br: bufio.NewReaderSize(in, 64<<10), max: maxLineBytes}
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
			jobs <- evalJob{seq: seq, line: lr.line, data: bytes.Clone(data), tooLong: tooLong}
			seq++
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- evalResult{seq: j.seq, ans: answerLine(ctx, r, j)}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	bw := bufio.NewWriter(stdout)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var (
		writeErr          error
		anyError, anyDeny bool
		next              int
		pending           = map[int]*result.Answer{}
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
				anyError = true
			case !a.IsAllowed():
				anyDeny = true
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
	if p.Stats {
		st := r.Stats()
		compiled := "not compiled"
		if st.RegoCompiled > 0 {
			compiled = "compiled"
		}
		fmt.Fprintf(stderr, "kmsguard eval: %d answered by the native engine, %d by the Rego (fallbacks); the Rego %s\n",
			st.Native, st.Fallbacks, compiled)
	}
	switch {
	case writeErr != nil:
		return inputError(fmt.Errorf("writing answers: %w", writeErr))
	case readErr != nil:
		return inputError(fmt.Errorf("reading %s: %w", batchName(p.Batch), readErr))
	case anyError:
		return answered
	case anyDeny:
		return denied
	}
	return nil
}

func batchName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// answerLine answers the question on one input line. Errors name the line.
func answerLine(ctx context.Context, r *runner.Runner, j evalJob) *result.Answer {
	if j.tooLong {
		return &result.Answer{Error: fmt.Sprintf("line %d: longer than %d bytes", j.line, maxLineBytes)}
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

// batchGC lets a batch trade memory for CPU: evaluation allocates heavily
// and short-lived, and collecting at 400% instead of 100% heap growth saves
// about a fifth of the CPU time (BenchmarkDecideConsole, user time). An
// explicit GOGC in the environment wins.
func batchGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
