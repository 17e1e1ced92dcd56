package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"

	opaversion "github.com/open-policy-agent/opa/v1/version"
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
		moduleVersion(), vcsRevision(), opaversion.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// buildInfo is debug.ReadBuildInfo, read once: every command's tree asks
// for the version (kmsguard --version), and each read parses the module
// list of the binary again.
var buildInfo = sync.OnceValues(debug.ReadBuildInfo)

// moduleVersion is the version of the main module the binary was built from,
// "(devel)" for a build from a source tree without a version.
func moduleVersion() string {
	bi, ok := buildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

// vcsRevision is the commit the binary was built from, with its time and
// "modified" for uncommitted changes, from the build's VCS stamp.
func vcsRevision() string {
	bi, ok := buildInfo()
	if !ok {
		return "unknown"
	}
	s := map[string]string{}
	for _, kv := range bi.Settings {
		s[kv.Key] = kv.Value
	}
	rev := s["vcs.revision"]
	if rev == "" {
		return "unknown"
	}
	if t := s["vcs.time"]; t != "" {
		rev += " (" + t + ")"
	}
	if s["vcs.modified"] == "true" {
		rev += " modified"
	}
	return rev
}
