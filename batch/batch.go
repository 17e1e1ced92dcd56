// Package batch answers a batch of questions given as JSON Lines (kmsguard
// eval --batch): lines read in chunks, answered in parallel, the answers
// written in input order. What answers them is an Answerer: the runner
// (the native engine, the Rego for what it declines) in kmsguard-full, the
// native engine and kmsguard-full for what it declines in kmsguard.
package batch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/result"
)

// MaxLineBytes is the longest question line Run reads; a longer line gets
// an error answer and the batch goes on.
const MaxLineBytes = 16 << 20

// GCPercent is the garbage collector's target of a process that
// answers a batch (`kmsguard eval` sets it unless GOGC is set; Run does
// not, it is process-wide): the heap may grow to 300% of the live heap
// before a collection, Go's default being 100. A batch allocates about
// 0.7 KB a question (the answers and the question's text are the
// scratch's, its documents not copied), all of it short-lived, over a
// live heap of 4–6 MB (mostly the compiled documents kept). A higher
// target collects less often but makes the heap touch more fresh memory,
// and the first touch of a 4 KB page costs about 12 µs on the shared test
// machine (a virtual machine): 3 ms a megabyte, about what a collection
// costs. When a batch allocated 12 KB a question, on the 10,000 generated
// questions (perf stat, 3 rounds of 6–8 runs in turn, load average 9–11),
// 200 gave the least CPU time (median) in every round and 7,800 page
// faults; 150 and 300 were within the noise of it, 400 took 3–7% more CPU
// and 10,900 page faults, 800 24% more CPU, 100 9% more. At 0.7 KB a
// question (one collection a batch), 100, 200 and 400 are within 3% of
// each other (perf stat, 2 rounds of 8 runs; 3,370–3,550 page faults).
// Once chunks were read and written whole, 300 answered the 10,000 with
// no collection (200: one, 7 ms of marking beside the workers) in 110.4
// ms of wall time and 185.6 ms of CPU (medians), 200 in 115.7 and 192.9,
// faster in each of 4 rounds of 10 runs in turn with the same page faults
// (2,755–2,774); 400 and off were within the noise of 300.
const GCPercent = 300

// Answerer answers the questions of a batch, from several goroutines at
// once.
type Answerer interface {
	// AppendNative appends the answer to the question data (one line, its
	// ending removed) to dst, as one JSON line, when the native engine
	// answers it (ok); allowed reports whether the answer is Allowed. A
	// native answer is never an error answer.
	AppendNative(dst, data []byte) (out []byte, allowed, ok bool)
	// AnswerLine answers the question data, on input line line, that
	// AppendNative did not answer. Its errors name the line.
	AnswerLine(ctx context.Context, line int, data []byte) *result.Answer
}

// Options configures Run.
type Options struct {
	// Name names the input in a read error ("standard input", a file name).
	Name string
	// Workers is the number of evaluation goroutines; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// Summary tells what kinds of answers a batch wrote.
type Summary struct {
	Errors  int // error answers (a line that could not be read or answered)
	Denials int // answers that are a denial
}

// ExitCode is the exit status of `eval` for a batch that wrote these
// answers: an error answer outranks a denial.
func (s Summary) ExitCode() int {
	switch {
	case s.Errors > 0:
		return exitcode.Input
	case s.Denials > 0:
		return exitcode.Denied
	}
	return exitcode.Allowed
}

// Run reads questions and writes answers in chunks: a chunk is a run of
// consecutive lines, answered by one worker into one buffer and written
// with one Write, in input order. A chunk ends at chunkLinesOf questions
// or ChunkBytes of them, and whenever the input has no further complete
// line ready, so that a question read from a pipe is answered before Run
// waits for the next.
const (
	ChunkLines = 32
	ChunkBytes = 64 << 10
)

// chunkLinesOf is the number of lines chunk seq ends at: 1, 2, 4, 8 and 16
// for the first five, then ChunkLines, so that a worker starts on the
// first question while the reader reads on (its buffers being new memory,
// reading a chunk of 32 takes a while). On the generated questions the
// two workers began 1.5 and 2.3 ms into the batch with chunks of 32 from
// the start, 1.2 and 1.7 ms with these (runtime/trace, 3 runs each).
func chunkLinesOf(seq int) int {
	if seq < 5 {
		return 1 << seq
	}
	return ChunkLines
}

// batchChunk is a run of consecutive question lines and, once answered,
// their answers.
type batchChunk struct {
	seq   int
	data  []byte      // the lines' bytes, back to back
	lines []chunkLine // where each line is in data
	out   []byte      // the answers, one JSON line each
	sum   Summary
	// flush is whether the input may keep Run waiting after this chunk
	// (no further line was ready when it ended): its answers, and those
	// of the chunks before it, are written as soon as they are answered.
	flush bool
}

type chunkLine struct {
	start, end int
	line       int // 1-based input line number
	tooLong    bool
}

func (c *batchChunk) reset(seq int) {
	// A buffer grown far past the usual size by one long line is let go,
	// so that the chunks in flight hold about ChunkBytes each.
	if c.data == nil || cap(c.data) > 4*ChunkBytes {
		c.data = make([]byte, 0, ChunkBytes+ChunkBytes/2)
	}
	if c.out == nil || cap(c.out) > 4*ChunkBytes {
		c.out = make([]byte, 0, 16<<10)
	}
	c.seq, c.data, c.lines, c.out, c.sum, c.flush = seq, c.data[:0], c.lines[:0], c.out[:0], Summary{}, false
}

// answer answers every question of c into c.out.
func (c *batchChunk) answer(ctx context.Context, a Answerer) {
	for _, l := range c.lines {
		data := c.data[l.start:l.end]
		if !l.tooLong {
			var allowed, ok bool
			if c.out, allowed, ok = a.AppendNative(c.out, data); ok {
				if !allowed {
					c.sum.Denials++ // a native answer is never an error answer
				}
				continue
			}
		}
		var ans *result.Answer
		if l.tooLong {
			ans = &result.Answer{Error: fmt.Sprintf("line %d: longer than %d bytes", l.line, MaxLineBytes)}
		} else {
			ans = a.AnswerLine(ctx, l.line, data)
		}
		switch {
		case ans.Error != "":
			c.sum.Errors++
		case !ans.IsAllowed():
			c.sum.Denials++
		}
		c.out = ans.AppendJSON(c.out)
	}
}

// Run answers the questions of in, one per line (JSON Lines; blank lines
// are skipped), and writes one answer per line to out, in input order, each
// with the question's "id". A line that cannot be read gets an error answer
// naming the line number and the batch goes on. One goroutine reads, the
// workers answer chunks of lines (sharing r), and the caller's goroutine
// writes them in input order. Memory stays bounded whatever the input
// size: at most 3 chunks a worker are in flight, each of at most
// ChunkLines questions and ChunkBytes of them or a single line of up to
// MaxLineBytes. Answers are written writeBytes at a time while further
// questions are ready to be read. A chunk ends whenever no further line
// is ready, and its answers and all before it are written as soon as they
// are answered, so a reader downstream that waits for an answer before it
// writes the next question sees it.
//
// When ctx is cancelled, Run stops reading, writes the answers to the
// questions already read and returns ctx's error. Otherwise the error is
// about reading in or writing out; the answers written before it are
// counted in the summary.
func Run(ctx context.Context, a Answerer, in io.Reader, out io.Writer, opts Options) (Summary, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := 3 * workers // chunks read but not yet written
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	free := make(chan *batchChunk, window) // also bounds the chunks in flight
	for range window {
		free <- &batchChunk{}
	}
	jobs := make(chan *batchChunk, window)
	results := make(chan *batchChunk, window)

	var readErr error
	go func() {
		defer close(jobs)
		readErr = readChunks(ctx, in, free, jobs)
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				c.answer(ctx, a)
				results <- c
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	w := &answerWriter{out: out, minBytes: writeBytes}
	var (
		next    int
		pending = make([]*batchChunk, window) // by seq % window
	)
	for c := range results {
		pending[c.seq%window] = c
		for {
			c := pending[next%window]
			if c == nil || c.seq != next {
				break
			}
			pending[next%window] = nil
			next++
			if !w.write(c) {
				cancel() // stop reading; the workers drain what is queued
			}
			free <- c
		}
	}
	w.flush() // a failed Write is w.err
	switch {
	case w.err != nil:
		return w.sum, fmt.Errorf("writing answers: %w", w.err)
	case readErr != nil && ctx.Err() != nil:
		return w.sum, fmt.Errorf("stopped before the end of %s: %w", opts.Name, readErr)
	case readErr != nil:
		return w.sum, fmt.Errorf("reading %s: %w", opts.Name, readErr)
	}
	return w.sum, nil
}

// writeBytes is how many bytes of answers Run holds before it writes
// them, while no reader waits for them (further questions are ready): a
// chunk of the generated questions has about 7 KB of answers, and one
// Write for about nine chunks spares the system calls of the others (a
// batch of the 10,000 made 33 Writes instead of 445), and a reader at the
// other end of a pipe as many wake-ups.
const writeBytes = 64 << 10

// answerWriter writes the answers of the chunks given to it in input
// order, holding them until minBytes are ready or a chunk to flush comes.
// After a failed Write it drops them.
type answerWriter struct {
	out      io.Writer
	minBytes int    // the answers held until there are this many bytes (0: none held)
	held     []byte // answers not yet written
	heldSum  Summary
	sum      Summary // of the answers written
	err      error
}

// write writes the answers of c, or holds them, and reports whether no
// write has failed.
func (w *answerWriter) write(c *batchChunk) bool {
	if w.err != nil {
		return false
	}
	if len(w.held) == 0 && (c.flush || len(c.out) >= w.minBytes) {
		return w.writeOut(c.out, c.sum)
	}
	if w.held == nil {
		w.held = make([]byte, 0, w.minBytes+ChunkBytes)
	}
	w.held = append(w.held, c.out...)
	w.heldSum.Errors += c.sum.Errors
	w.heldSum.Denials += c.sum.Denials
	if !c.flush && len(w.held) < w.minBytes {
		return true
	}
	return w.flush()
}

// flush writes the answers held and reports whether no write has failed.
func (w *answerWriter) flush() bool {
	if w.err != nil || len(w.held) == 0 {
		return w.err == nil
	}
	ok := w.writeOut(w.held, w.heldSum)
	w.held, w.heldSum = w.held[:0], Summary{}
	return ok
}

// writeOut writes answers b, whose kinds sum counts.
func (w *answerWriter) writeOut(b []byte, sum Summary) bool {
	if _, w.err = w.out.Write(b); w.err != nil {
		return false
	}
	w.sum.Errors += sum.Errors
	w.sum.Denials += sum.Denials
	return true
}

// readChunks reads the lines of in into chunks taken from free and sends
// them to jobs, numbered from 0. It returns nil at the end of in, ctx's
// error when ctx is cancelled first, or the read error.
func readChunks(ctx context.Context, in io.Reader, free <-chan *batchChunk, jobs chan<- *batchChunk) error {
	lr := &lineReader{br: bufio.NewReaderSize(in, 64<<10), max: MaxLineBytes, regular: isRegularFile(in)}
	var c *batchChunk
	seq := 0
	send := func(flush bool) {
		c.flush = flush
		jobs <- c
		c = nil
		seq++
	}
	for {
		if c != nil && len(c.lines) > 0 {
			if wait := !lr.lineReady(); wait || len(c.lines) == chunkLinesOf(seq) || len(c.data) >= ChunkBytes {
				send(wait)
			}
		}
		if err := ctx.Err(); err != nil {
			if c != nil && len(c.lines) > 0 {
				send(true)
			}
			return context.Cause(ctx)
		}
		if c == nil {
			select {
			case c = <-free:
				c.reset(seq)
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		start := len(c.data)
		var (
			line    []byte
			tooLong bool
			err     error
		)
		c.data, line, tooLong, err = lr.appendNext(c.data)
		if err != nil {
			if len(c.lines) > 0 {
				send(true)
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !tooLong && len(bytes.TrimSpace(line)) == 0 {
			c.data = c.data[:start]
			continue
		}
		c.lines = append(c.lines, chunkLine{start: start, end: len(c.data), line: lr.line, tooLong: tooLong})
	}
}

// lineReader reads lines of any length, keeping at most max bytes of one.
type lineReader struct {
	br   *bufio.Reader
	max  int
	line int // number of the line last returned
	// regular is whether the input is a regular file, which no writer
	// feeds: its next line never waits, so a chunk read from it need not
	// end where the buffer does (a chunk in three ended there on the
	// generated questions, one more Write each).
	regular bool
}

// appendNext appends the next line, without its line ending, to dst and
// returns dst and the line (the part appended). tooLong reports a line
// longer than max, whose content is dropped (dst comes back as it was).
// The error is io.EOF at the end of the input.
func (lr *lineReader) appendNext(dst []byte) (out, line []byte, tooLong bool, err error) {
	start := len(dst)
	read := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(dst)-start+len(chunk) > lr.max+2 { // room for "\r\n"
				tooLong = true
				dst = dst[:start]
			} else {
				dst = append(dst, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || !read) {
			return dst[:start], nil, false, err
		}
		break // a whole line, or the last line without a newline
	}
	lr.line++
	line = bytes.TrimSuffix(dst[start:], []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > lr.max {
		return dst[:start], nil, true, nil
	}
	return dst[:start+len(line)], line, tooLong, nil
}

// lineReady reports whether appendNext returns the next line without
// waiting for the input: a whole line is buffered, or the input is a
// regular file.
func (lr *lineReader) lineReady() bool {
	if lr.regular {
		return true
	}
	b, _ := lr.br.Peek(lr.br.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// isRegularFile reports whether f is a regular file (a file opened by
// name, or standard input or output redirected to one).
func isRegularFile(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// Input opens the input of a batch: the file path, or stdin for "-" (named
// "standard input" in errors). The error names the file ("q.jsonl: no such
// file or directory"); done closes what Input opened.
func Input(path string, stdin io.Reader) (in io.Reader, name string, done func(), err error) {
	if path == "-" {
		return stdin, "standard input", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, path, func() { _ = f.Close() }, nil // read-only: nothing to flush
}

// SetGC sets the garbage collector's target of a process that answers a
// batch to GCPercent, unless GOGC is set in the environment: for the
// command, as the setting is the process's.
func SetGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
