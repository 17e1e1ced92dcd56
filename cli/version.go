package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	opaversion "github.com/open-policy-agent/opa/v1/version"
)

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the kmsguard and OPA versions",
		Example: "  kmsguard version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(stdout)
		},
	}
}

func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "kmsguard %s\nOPA %s\n", moduleVersion(), opaversion.Version)
	return err
}

// moduleVersion is the version of the main module the binary was built from,
// "(devel)" for a build from a source tree without a version.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}
