// Package delegate runs kmsguard-full for kmsguard. Go initialises every
// linked package before main, whatever the command: OPA's interpreter and
// builtins (JWT, GraphQL, JSON Schema, YAML, protobuf), its server plugins
// and the AWS SDK took three quarters of every command's start-up. So
// kmsguard is small: it answers `eval --batch` with the native engine
// alone and runs kmsguard-full, the command line with every command, for
// everything else (and for the questions the native engine declines). On
// Unix kmsguard-full replaces kmsguard's process (exec), so that signals,
// the exit status and the process id are kmsguard-full's own.
package delegate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/kmsguard/kmsguard/internal/buildinfo"
)

// FullBinary is the binary that has every command: kmsguard looks for it
// beside itself, then on PATH.
const FullBinary = "kmsguard-full"

// Env is set, to kmsguard's Stamp, in the environment of the kmsguard-full
// it runs: kmsguard-full refuses to run for another build (its flags and
// answers could differ), and a kmsguard found in its place refuses to run
// itself again.
const Env = "KMSGUARD_DELEGATED_BY"

// Stamp names the build: its module version and VCS revision.
func Stamp() string {
	return fmt.Sprintf("kmsguard %s\nrevision %s\n", buildinfo.Version(), buildinfo.Revision())
}

// Check is kmsguard-full's refusal to run for a kmsguard of another build.
func Check() error {
	by, ok := os.LookupEnv(Env)
	if !ok || by == Stamp() {
		return nil
	}
	return fmt.Errorf("kmsguard and %s are different versions; install both from the same version (kmsguard version prints it)", FullBinary)
}

// Command is kmsguard-full with args, its environment marked (Env), its
// standard streams unset. It fails when kmsguard-full cannot be found or
// when this process was itself started by kmsguard.
func Command(ctx context.Context, args ...string) (*exec.Cmd, error) {
	if _, ok := os.LookupEnv(Env); ok {
		what := "the command"
		if len(args) > 0 {
			what = args[0]
		}
		return nil, fmt.Errorf("%s was started by kmsguard but cannot run %s itself: a kmsguard binary is installed under the name %s", FullBinary, what, FullBinary)
	}
	path, err := Path()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), Env+"="+Stamp())
	return cmd, nil
}

// ExitError is kmsguard-full's exit status when it is not 0: kmsguard-full
// has said why on its standard error.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("%s: exit status %d", FullBinary, e.Code) }

// Run runs kmsguard-full with args. When the standard streams are the
// process's own, on Unix, kmsguard-full replaces this process and Run
// returns only if it cannot; otherwise kmsguard-full runs as a child with
// them (cancelled with ctx). The error is an *ExitError for its exit
// status, or says why it could not run.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd, err := Command(ctx, args...)
	if err != nil {
		return err
	}
	if stdin == os.Stdin && stdout == os.Stdout && stderr == os.Stderr {
		if err := execFull(cmd.Path, append([]string{cmd.Path}, args...), cmd.Env); err != nil {
			return fmt.Errorf("running %s: %w", cmd.Path, err)
		}
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return &ExitError{Code: exit.ExitCode()}
	}
	return fmt.Errorf("running %s: %w", cmd.Path, err)
}

// Path finds kmsguard-full: beside this binary (symbolic links resolved),
// else on PATH.
func Path() (string, error) {
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
	install := "go install github.com/kmsguard/kmsguard/cmd/" + FullBinary + "@" + buildinfo.Version()
	if buildinfo.Version() == "(devel)" {
		install = "go install ./cmd/" + FullBinary + " from the same source tree"
	}
	return "", fmt.Errorf("%s is installed neither beside kmsguard nor on PATH: kmsguard runs it for every command but eval --batch (%s)", FullBinary, install)
}
