package runner

// Entry points of the access analysis (rego/kmsguard/access): who can use a
// key, what a principal can use, and the access two snapshots differ in.
// Eval answers them once the bundle defines them.
const (
	WhoCanQuery = "data.kmsguard.access.who_can"
	CanUseQuery = "data.kmsguard.access.can_use"
	DiffQuery   = "data.kmsguard.access.diff"
)

func init() {
	evalQueries = append(evalQueries, WhoCanQuery, CanUseQuery, DiffQuery)
}
