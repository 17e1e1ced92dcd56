package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/batch"
	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/runner"
)

// evalParams are the flags of `kmsguard eval`.
type evalParams struct {
	Batch   string // JSON Lines file, "-" for stdin
	Format  string // json only
	Workers int    // evaluation goroutines; 0 means runtime.GOMAXPROCS(0)
	Stats   bool   // write how the questions were answered to stderr
	// Declined: the input is the numbered questions kmsguard's engine
	// declined (batch.AnswerDeclined), kmsguard-full answering them for
	// kmsguard.
	Declined bool
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
	cmd, f := newCommand("eval --batch FILE|-",
		"Answer a batch of questions given as JSON Lines",
		evalLong, evalExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runEval(cmd.Context(), p, stdin, stdout, stderr)
		})
	f.StringVar(&p.Batch, "batch", "", "JSON Lines `FILE` of questions, - for standard input")
	f.StringVar(&p.Format, "format", "json", "output `FORMAT`: json (JSON Lines) is the only one")
	f.BoolVar(&p.Stats, "stats", false, "write to standard error how many questions the native engine answered and how many fell back to the Rego")
	f.BoolVar(&p.Declined, "declined", false, "answer the numbered questions kmsguard's native engine declined (kmsguard runs kmsguard-full so)")
	if err := f.MarkHidden("declined"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	if err := cmd.MarkFlagRequired("batch"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	return cmd
}

// runEval answers the questions of p.Batch with runner.BatchFile.
func runEval(ctx context.Context, p evalParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if p.Format != "" && p.Format != "json" {
		return inputErrorf("--format must be json for eval, not %q", p.Format)
	}
	if p.Batch == "" {
		return inputErrorf("--batch is required")
	}
	if p.Declined {
		if p.Batch != "-" {
			return inputErrorf("--declined reads standard input (--batch -)")
		}
		r, err := runner.NewLazy(ctx)
		if err != nil {
			return inputError(err)
		}
		if err := batch.AnswerDeclined(ctx, r, stdin, stdout); err != nil {
			return inputError(err)
		}
		return nil
	}
	batch.SetGC()
	sum, st, err := runner.BatchFile(ctx, p.Batch, stdin, stdout, p.Workers)
	if p.Stats && st != nil {
		report.WriteEvalStats(stderr, st.Native, st.Fallbacks, st.RegoCompiled > 0)
	}
	if err != nil {
		return inputError(err)
	}
	switch sum.ExitCode() {
	case exitcode.Input:
		return answered
	case exitcode.Denied:
		return denied
	}
	return nil
}
