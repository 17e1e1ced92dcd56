package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/spf13/cobra"
)

// Two commands link libraries far larger than the rest of kmsguard: serve
// (OPA's server, bundle and status plugins, with OCI registries, Prometheus
// and JWT) and scan (the AWS SDK). Go initialises every linked package
// before main, whatever the command, and theirs took half of every
// command's start-up (42 ms of CPU against 21 ms without them, measured with
// perf stat on `kmsguard eval --batch` of an empty file). So their code is
// in cli/full, linked into a second binary, kmsguard-full (the same command
// line with every command), and kmsguard runs kmsguard-full for them with
// the same arguments, standard streams and environment: on Unix in the same
// process (exec), so that signals, the exit status and the process id are
// kmsguard-full's own.

// Builder builds a command reading stdin and writing stdout and stderr.
type Builder func(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command

// Delegated is a command kmsguard leaves to kmsguard-full: the usage line
// and summary both show.
type Delegated struct{ Use, Short string }

// DelegatedCommands are the commands kmsguard leaves to kmsguard-full, by
// name.
var DelegatedCommands = map[string]Delegated{
	"serve": {Use: "serve [flags]", Short: "Serve decisions over HTTP (OPA-compatible data API)"},
	"scan":  {Use: "scan -o FILE [--region REGION ...] [flags]", Short: "Read an AWS account's keys and principals into a snapshot"},
}

// FullBinary is the binary that has every command: kmsguard looks for it
// beside itself, then on PATH.
const FullBinary = "kmsguard-full"

// delegatedEnv is set, to kmsguard's version text, in the environment of
// the kmsguard-full it runs: kmsguard-full refuses to run for another
// version (its flags and answers could differ), and a kmsguard found in its
// place refuses to run itself again.
const delegatedEnv = "KMSGUARD_DELEGATED_BY"

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
			Long: d.Short + ".\n\nkmsguard runs " + FullBinary + " for this command, with the same arguments; " +
				"`kmsguard " + name + " --help` shows its flags.",
			// kmsguard-full reads the arguments, --help included.
			DisableFlagParsing: true,
			RunE: func(cmd *cobra.Command, args []string) error {
				return delegate(cmd.Context(), append([]string{name}, args...), stdin, stdout, stderr)
			},
		})
	}
	return cmds
}

// checkDelegation refuses to run a kmsguard-full started by a kmsguard of
// another version.
func checkDelegation() error {
	by, ok := os.LookupEnv(delegatedEnv)
	if !ok || by == versionText() {
		return nil
	}
	return InputErrorf("kmsguard and %s are different versions; install both from the same version (kmsguard version prints it)", FullBinary)
}

// delegate runs kmsguard-full with args. When the standard streams are the
// process's own, on Unix, kmsguard-full replaces this process and delegate
// returns only if it cannot; otherwise kmsguard-full runs as a child with
// them (cancelled with ctx), and its exit status becomes this command's.
func delegate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if _, ok := os.LookupEnv(delegatedEnv); ok {
		return InputErrorf("%s was started by kmsguard but has no %s command: a kmsguard binary is installed under the name %s", FullBinary, args[0], FullBinary)
	}
	path, err := fullBinaryPath()
	if err != nil {
		return InputError(err)
	}
	env := append(os.Environ(), delegatedEnv+"="+versionText())
	argv := append([]string{path}, args...)
	if stdin == os.Stdin && stdout == os.Stdout && stderr == os.Stderr {
		if err := execFull(path, argv, env); err != nil {
			return InputError(fmt.Errorf("running %s: %w", path, err))
		}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, stdin, stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return Exit(exit.ExitCode(), nil) // kmsguard-full said why
	}
	return InputError(fmt.Errorf("running %s: %w", path, err))
}

// fullBinaryPath finds kmsguard-full: beside this binary (symbolic links
// resolved), else on PATH.
func fullBinaryPath() (string, error) {
	name := FullBinary
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			p := filepath.Join(filepath.Dir(self), name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	if p, err := exec.LookPath(FullBinary); err == nil {
		return p, nil
	}
	install := "go install github.com/kmsguard/kmsguard/cmd/" + FullBinary + "@" + moduleVersion()
	if moduleVersion() == "(devel)" {
		install = "go install ./cmd/" + FullBinary + " from the same source tree"
	}
	return "", fmt.Errorf("%s is installed neither beside kmsguard nor on PATH: kmsguard runs it for serve and scan (%s)", FullBinary, install)
}
