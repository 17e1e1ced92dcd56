package runner

import "github.com/kmsguard/kmsguard/engine"

// Entry points of the access analysis (rego/kmsguard/access): who can use a
// key, what a principal can use, and the access two snapshots differ in.
// Eval answers them, as every entry point the bundle marks.
const (
	WhoCanQuery = "data.kmsguard.access.who_can"
	CanUseQuery = "data.kmsguard.access.can_use"
	DiffQuery   = "data.kmsguard.access.diff"
)

// Native returns the native engine the runner answers with (its snapshot
// loaded), or nil when every question goes to the Rego (another bundle).
// The access analysis (package access) asks it first.
func (r *Runner) Native() *engine.Engine { return r.native }
