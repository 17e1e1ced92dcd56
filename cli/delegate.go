package cli

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/delegate"
)

// Two commands link libraries far larger than the rest of the command
// line: serve (OPA's server, bundle and status plugins, with OCI registries,
// Prometheus and JWT) and scan (the AWS SDK). Their code is in cli/full,
// which cmd/kmsguard-full links; a command line built without it (cli's
// own tests) has them as commands that run kmsguard-full (internal/delegate).

// Builder builds a command reading stdin and writing stdout and stderr.
type Builder func(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command

// Delegated is a command of cli/full: the usage line and summary both
// show.
type Delegated struct{ Use, Short string }

// DelegatedCommands are the commands of cli/full, by name.
var DelegatedCommands = map[string]Delegated{
	"serve": {Use: "serve [flags]", Short: "Serve decisions over HTTP (OPA-compatible data API)"},
	"scan":  {Use: "scan -o FILE [--region REGION ...] [flags]", Short: "Read an AWS account's keys and principals into a snapshot"},
}

// delegatedCommands are the commands of DelegatedCommands: the one of full
// where it has it, else one that runs kmsguard-full.
func delegatedCommands(stdin io.Reader, stdout, stderr io.Writer, full []Builder) []*cobra.Command {
	have := map[string]*cobra.Command{}
	for _, b := range full {
		c := b(stdin, stdout, stderr)
		have[c.Name()] = c
	}
	names := make([]string, 0, len(DelegatedCommands))
	for name := range DelegatedCommands {
		names = append(names, name)
	}
	slices.Sort(names)
	cmds := make([]*cobra.Command, 0, len(names))
	for _, name := range names {
		if c := have[name]; c != nil {
			cmds = append(cmds, c)
			continue
		}
		d := DelegatedCommands[name]
		cmds = append(cmds, &cobra.Command{
			Use:   d.Use,
			Short: d.Short,
			Long: d.Short + ".\n\nkmsguard runs " + delegate.FullBinary + " for this command, with the same arguments; " +
				"`kmsguard " + name + " --help` shows its flags.",
			// kmsguard-full reads the arguments, --help included.
			DisableFlagParsing: true,
			RunE: func(cmd *cobra.Command, args []string) error {
				return runFull(cmd.Context(), append([]string{name}, args...), stdin, stdout, stderr)
			},
		})
	}
	return cmds
}

// checkDelegation refuses to run a kmsguard-full started by a kmsguard of
// another build.
func checkDelegation() error {
	if err := delegate.Check(); err != nil {
		return InputError(err)
	}
	return nil
}

// runFull runs kmsguard-full with args (delegate.Run); its exit status
// becomes this command's.
func runFull(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := delegate.Run(ctx, args, stdin, stdout, stderr)
	var exit *delegate.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		return Exit(exit.Code, nil) // kmsguard-full said why
	}
	return InputError(err)
}
