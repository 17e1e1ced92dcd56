// Package cli implements the kmsguard command line.
//
// Each command is a params struct and a plain function (runCan, runEval,
// runVersion) that reads its input from the params and the given reader and
// writes to the given writers; the cobra wiring only fills the params. Errors
// are returned, never printed and exited on: Execute prints them and
// ExitCode maps them to the exit status.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kmsguard/kmsguard/internal/buildinfo"
	"github.com/kmsguard/kmsguard/internal/delegate"
	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/internal/gchold"
	"github.com/kmsguard/kmsguard/runner"
)

// exitError carries an exit code. err is the message printed to stderr; nil
// means nothing is printed (a denial is not an error message).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// inputError is an error in the user's input or flags (exit code 2).
func inputError(err error) error { return &exitError{code: exitcode.Input, err: err} }

// inputErrorf is inputError of a formatted message.
func inputErrorf(format string, args ...any) error {
	return inputError(fmt.Errorf(format, args...))
}

// checkFormat is nil when format is one of formats, else the input error
// that lists them ("--format must be text or json, not \"yaml\"").
func checkFormat(format string, formats ...string) error {
	if slices.Contains(formats, format) {
		return nil
	}
	list := strings.Join(formats[:len(formats)-1], ", ")
	if len(formats) > 1 {
		list += " or "
	}
	return inputErrorf("--format must be %s%s, not %q", list, formats[len(formats)-1], format)
}

// exitWith is an error that makes the command exit with code, printing err
// (nil: nothing).
func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// denied is the silent error of a denial (exit code 1).
var denied error = &exitError{code: exitcode.Denied}

// answered is the error of an error answer already reported (exit code 2).
var answered error = &exitError{code: exitcode.Input}

// failed is the silent error of a check run with findings at or above
// --fail-on (exit code 1).
var failed error = &exitError{code: exitcode.Denied}

// unreadable is the silent error of a check run where some file could not
// be checked; the errors are already printed (exit code 2).
var unreadable error = &exitError{code: exitcode.Input}

// ExitCode maps an error returned by Execute to the process exit status: 0 for
// nil, the code of an exit error, and 2 for anything else (cobra's usage
// errors: unknown flags and commands, missing required flags).
func ExitCode(err error) int {
	if err == nil {
		return exitcode.Allowed
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitcode.Input
}

// newRunner builds the evaluator; one runner serves a whole command
// (runner.NewLazy).
func newRunner(ctx context.Context, opts ...runner.Option) (*runner.Runner, error) {
	return runner.NewLazy(ctx, opts...)
}

// Execute runs the kmsguard command line args (without the program name),
// prints any error to stderr as "kmsguard: <message>" and returns it; pass it
// to ExitCode for the exit status. It is kmsguard-full's command line, which
// refuses to run for a kmsguard of another build (internal/delegate).
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := delegate.Check(); err != nil {
		fmt.Fprintf(stderr, "kmsguard: %s\n", err)
		return inputError(err)
	}
	root := NewRootCommand(stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	var e *exitError
	switch {
	case errors.As(err, &e):
		if e.err != nil {
			fmt.Fprintf(stderr, "kmsguard: %s\n", oneLine(e.err.Error()))
		}
	default:
		// A usage error from cobra (unknown flag, missing required flag,
		// unknown command, wrong arguments).
		fmt.Fprintf(stderr, "kmsguard: %s\n", oneLine(err.Error()))
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		err = &exitError{code: exitcode.Input, err: err}
	}
	return err
}

func oneLine(s string) string {
	return strings.TrimRight(s, "\n")
}

const rootLong = `kmsguard answers "can this principal call this KMS action on this key?" from
the key policy, the caller's IAM policies, grants and the Organizations
guardrails, the way AWS KMS would, without calling AWS; lints key policies in
CI; and lists who can use the keys of an account.

Exit status: 0 allowed or clean, 1 denied or findings, 2 usage error, bad
input or a question that could not be answered.

Colors: text output to a terminal is colored unless NO_COLOR is set (or
--no-color). Tables fit the terminal's width, or 120 columns when the output
is not a terminal (COLUMNS overrides both).`

const rootExample = `  # Can alice decrypt with the key, given its key policy and her identity policy?
  kmsguard can --key-policy key-policy.json \
    --principal arn:aws:iam::111122223333:user/alice --action kms:Decrypt \
    --resource arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \
    --identity-policy alice.json

  # Answer a file of questions, one JSON object per line.
  kmsguard eval --batch questions.jsonl > answers.jsonl

  # Lint key policies and templates; SARIF for code scanning, text on the terminal.
  kmsguard check --format sarif=kmsguard.sarif --format text .

  # Shell completion (bash, zsh, fish, powershell).
  source <(kmsguard completion bash)`

// NewRootCommand builds the kmsguard command tree reading stdin and writing
// stdout and stderr.
func NewRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "kmsguard",
		Short:         "Decide AWS KMS key access from key policies, IAM policies and grants",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
		// The collector, held off while the command started
		// (internal/gchold), runs from here on.
		PersistentPreRun: func(*cobra.Command, []string) { gchold.Release() },
	}
	// kmsguard --version prints what kmsguard version does.
	root.Version = buildinfo.Version()
	root.SetVersionTemplate(versionText())
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newCanCommand(stdin, stdout),
		newEvalCommand(stdin, stdout, stderr),
		newVersionCommand(stdout),
		newCheckCommand(stdin, stdout, stderr),
		newRulesCommand(stdout),
		newBundleCommand(stdout),
		newSnapshotCommand(stdout, stderr),
		newWhoCanCommand(stdout, stderr),
		newDiffCommand(stdout, stderr),
		newReportCommand(stdout, stderr),
		newServeCommand(stdin, stdout, stderr),
		newScanCommand(stdin, stdout, stderr),
	)
	return root
}

// newCommand is a kmsguard command: its usage line, its help, its positional
// arguments (nil: any) and what it runs; f holds its flags, listed in help
// in the order they are defined.
func newCommand(use, short, long, example string, args cobra.PositionalArgs, run func(*cobra.Command, []string) error) (cmd *cobra.Command, f *pflag.FlagSet) {
	cmd = &cobra.Command{Use: use, Short: short, Long: long, Example: example, Args: args, RunE: run}
	f = cmd.Flags()
	f.SortFlags = false
	return cmd, f
}
