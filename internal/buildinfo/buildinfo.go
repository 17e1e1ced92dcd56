// Package buildinfo reads what the Go toolchain stamped into the binary:
// the module version and the VCS revision it was built from.
package buildinfo

import (
	"runtime/debug"
	"sync"
)

// buildInfo is debug.ReadBuildInfo, read once: every command's tree asks
// for the version (kmsguard --version), and each read parses the module
// list of the binary again.
var buildInfo = sync.OnceValues(debug.ReadBuildInfo)

// Version is the version of the main module the binary was built from,
// "(devel)" for a build from a source tree without a version.
func Version() string {
	bi, ok := buildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

// Revision is the commit the binary was built from, with its time and
// "modified" for uncommitted changes, from the build's VCS stamp.
func Revision() string {
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
