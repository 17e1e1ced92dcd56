package cli

import (
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	opaversion "github.com/open-policy-agent/opa/v1/version"

	"github.com/kmsguard/kmsguard/internal/buildinfo"
)

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the kmsguard version, its VCS revision and the OPA version",
		Example: "  kmsguard version\n  kmsguard --version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(stdout)
		},
	}
}

func runVersion(stdout io.Writer) error {
	_, err := io.WriteString(stdout, versionText())
	return err
}

// versionText is what `kmsguard version` and `kmsguard --version` print:
//
//	kmsguard v1.2.0
//	revision 51d4ee2b0c1f... (2026-12-06T04:40:43Z)
//	OPA 1.22.2
//	go1.26.0 linux/amd64
//
// The revision line reads "revision unknown" for a binary built without VCS
// information (go install module@version, go run, go test) and ends in
// "modified" for a build from a work tree with uncommitted changes.
func versionText() string {
	return fmt.Sprintf("kmsguard %s\nrevision %s\nOPA %s\n%s %s/%s\n",
		buildinfo.Version(), buildinfo.Revision(), opaversion.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
