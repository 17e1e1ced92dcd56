// Package lean is the command line of the kmsguard binary. It links the
// native engine and not OPA (internal/delegate says why): it answers
// `eval --batch` itself and runs kmsguard-full for every other command, and
// for the questions of a batch the engine declines, which kmsguard-full
// answers with the Rego. What kmsguard prints and its exit status are
// kmsguard-full's for the same arguments.
package lean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kmsguard/kmsguard/batch"
	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/delegate"
	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
)

// Execute runs the command line args (without the program name) and
// returns the exit status; errors are printed to stderr as
// "kmsguard: <message>".
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if p, ok := evalArgs(args); ok {
		code, ran := runEval(ctx, p, stdin, stdout, stderr)
		if ran {
			return code
		}
	}
	err := delegate.Run(ctx, args, stdin, stdout, stderr)
	var exit *delegate.ExitError
	switch {
	case err == nil:
		return exitcode.Allowed
	case errors.As(err, &exit):
		return exit.Code // kmsguard-full said why
	}
	printError(stderr, err)
	return exitcode.Input
}

// printError prints err as kmsguard-full prints its errors.
func printError(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "kmsguard: %s\n", strings.TrimRight(err.Error(), "\n"))
}

// evalParams are the flags of `eval` kmsguard answers itself.
type evalParams struct {
	batch string
	stats bool
}

// evalArgs reads args as `eval --batch FILE [--stats] [--format json]`,
// each flag once, in any order, as `--flag value` or `--flag=value`. Any
// other command line, help and errors included, is kmsguard-full's to read.
func evalArgs(args []string) (p evalParams, ok bool) {
	if len(args) < 2 || args[0] != "eval" {
		return p, false
	}
	seen := map[string]bool{}
	for i := 1; i < len(args); i++ {
		name, value, inline := strings.Cut(args[i], "=")
		if seen[name] {
			return p, false
		}
		seen[name] = true
		switch name {
		case "--stats":
			switch {
			case !inline || value == "true":
				p.stats = true
			case value != "false":
				return p, false
			}
			continue
		case "--batch", "--format":
		default:
			return p, false
		}
		if !inline {
			// A value that looks like a flag is left to kmsguard-full.
			if i+1 >= len(args) || (strings.HasPrefix(args[i+1], "-") && args[i+1] != "-") {
				return p, false
			}
			i++
			value = args[i]
		}
		switch {
		case name == "--format" && value != "json":
			return p, false
		case name == "--batch":
			p.batch = value
		}
	}
	return p, p.batch != ""
}

// runEval answers the batch of p with the native engine, and kmsguard-full
// for the questions it declines. ran is false when it did not start (the
// file cannot be opened): kmsguard-full then says why.
func runEval(ctx context.Context, p evalParams, stdin io.Reader, stdout, stderr io.Writer) (code int, ran bool) {
	in, name, done, err := batch.Input(p.batch, stdin)
	if err != nil {
		return 0, false
	}
	defer done()
	e, err := engine.New()
	if err != nil {
		return 0, false
	}
	batch.SetGC()
	a := &answerer{engine: e, stderr: stderr}
	sum, err := batch.Run(ctx, a, in, stdout, batch.Options{Name: name})
	a.close()
	if p.stats {
		report.WriteEvalStats(stderr, a.native.Load(), a.declined.Load(), a.started)
	}
	if err != nil {
		printError(stderr, err)
		return exitcode.Input, true
	}
	return sum.ExitCode(), true
}

// answerer answers with the native engine, and the questions it declines
// with a kmsguard-full started at the first of them.
type answerer struct {
	engine           *engine.Engine
	stderr           io.Writer
	native, declined atomic.Int64

	mu      sync.Mutex // the fields below, and one question at a time to kmsguard-full
	started bool
	full    *fullProcess
	err     error // kmsguard-full cannot answer: every declined question gets it
}

type fullProcess struct {
	stdin  io.WriteCloser
	client *batch.DeclinedClient
	wait   func() error
}

func (a *answerer) AppendNative(dst, data []byte) ([]byte, bool, bool) {
	out, allowed, ok := a.engine.AppendDecision(dst, data)
	if ok {
		a.native.Add(1)
	}
	return out, allowed, ok
}

// AnswerLine asks kmsguard-full. When it cannot answer, the question gets
// an error answer saying why: never a guess.
func (a *answerer) AnswerLine(ctx context.Context, line int, data []byte) *result.Answer {
	a.declined.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.started {
		a.started = true
		a.full, a.err = a.start(ctx)
	}
	if a.err == nil {
		ans, err := a.full.client.Ask(line, data)
		if err == nil {
			return ans
		}
		a.err = fmt.Errorf("%s stopped: %w", delegate.FullBinary, err)
	}
	return &result.Answer{Error: fmt.Sprintf("line %d: the native engine does not answer this question, and %v", line, a.err)}
}

// start runs `kmsguard-full eval --batch - --declined`, its standard error
// kmsguard's.
func (a *answerer) start(ctx context.Context) (*fullProcess, error) {
	cmd, err := delegate.Command(ctx, "eval", "--batch", "-", "--declined")
	if err != nil {
		return nil, err
	}
	cmd.Stderr = a.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running %s: %w", cmd.Path, err)
	}
	return &fullProcess{stdin: stdin, client: batch.NewDeclinedClient(stdin, stdout), wait: cmd.Wait}, nil
}

// close ends kmsguard-full, when it was started: its input closed, it
// exits.
func (a *answerer) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.full != nil {
		_ = a.full.stdin.Close()
		_ = a.full.wait() // what went wrong has been answered or printed
		a.full = nil
	}
}
