package cli

import (
	"context"
	"flag"
	"io"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "update the expected outputs in testdata/script from the real engine")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// The test binary stands in for cmd/kmsguard-full: same entry
		// point, same exit codes.
		"kmsguard": func() {
			err := Execute(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
			os.Exit(ExitCode(err))
		},
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup:               scriptSetup,
		Cmds:                scriptCmds,
	})
}

// execute runs the command line in process.
func execute(args []string, stdout, stderr io.Writer) error {
	return Execute(context.Background(), args, nil, stdout, stderr)
}
