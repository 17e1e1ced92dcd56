package cli

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "update the expected outputs in testdata/script from the real engine")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// The test binary stands in for cmd/kmsguard: same entry point,
		// same exit codes.
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
	})
}
