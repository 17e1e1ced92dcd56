package result

// The answers of the access analysis (who-can, who-can --principal and
// diff): what a principal can do with a key, and what two sides differ in.

// Access levels.
const (
	Allowed     = "allowed"     // a request without any context is allowed
	Conditional = "conditional" // allowed only when the request meets the listed conditions
	Denied      = "denied"      // (diff only) no access
)

// Condition is one test a request must pass: a condition of a policy
// statement, or a grant constraint (Source "grant").
type Condition struct {
	Operator string `json:"operator"`
	Key      string `json:"key"`
	Values   any    `json:"values"`
	Source   string `json:"source,omitempty"`
	Text     string `json:"text"`
}

// Element is one part of a path to an allow: a statement or grant (Reason)
// with the conditions it still sets, or a requirement the snapshot cannot
// check (Requires "identity_policy": the caller's own account must allow the
// action, for principals whose IAM policies the snapshot does not hold).
type Element struct {
	Reason     *Reason     `json:"reason,omitempty"`
	Conditions []Condition `json:"conditions,omitempty"`
	Requires   string      `json:"requires,omitempty"`
	Text       string      `json:"text,omitempty"`
}

// Conditional reports whether the element limits a request.
func (e Element) Conditional() bool { return e.Requires != "" || len(e.Conditions) > 0 }

// Access is a group of actions a principal has the same access to: the level,
// the paths that allow them (every element of a path must apply; for
// "allowed", only the paths that need no condition), the conditional denies
// (Unless: the request is denied when all conditions of one of them hold),
// and for "conditional" an example request context under which it is
// allowed.
type Access struct {
	Actions        []string       `json:"actions"`
	Access         string         `json:"access"`
	Paths          [][]Element    `json:"paths"`
	Unless         []Element      `json:"unless"`
	ExampleContext map[string]any `json:"example_context,omitempty"`
}

// BestPath is the path with the fewest conditions (the one the example
// context is for).
func (g Access) BestPath() []Element {
	var best []Element
	least := -1
	for _, p := range g.Paths {
		n := 0
		for _, e := range p {
			n += len(e.Conditions)
			if e.Requires != "" {
				n++
			}
		}
		if least < 0 || n < least {
			best, least = p, n
		}
	}
	return best
}

// PrincipalAccess is what one principal can do with a key. EvaluatedAs is set
// for "*" (anyone): the stand-in principal it was evaluated as.
type PrincipalAccess struct {
	Principal   string   `json:"principal"`
	Type        string   `json:"type"`
	External    bool     `json:"external"`
	InSnapshot  bool     `json:"in_snapshot"`
	EvaluatedAs string   `json:"evaluated_as,omitempty"`
	Access      []Access `json:"access"`
}

// KeyReport answers who-can for one key.
type KeyReport struct {
	Key        string            `json:"key"`
	Actions    []string          `json:"actions"` // the actions asked about
	Principals []PrincipalAccess `json:"principals"`
	// Unparsed lists principals the key names that kmsguard cannot
	// evaluate (for example AWS service sessions with ':' in the role name).
	Unparsed []string `json:"unparsed_principals"`
}

// KeyAccess is what a principal can do with one key.
type KeyAccess struct {
	Key      string   `json:"key"`
	External bool     `json:"external"`
	Access   []Access `json:"access"`
}

// PrincipalReport answers who-can --principal.
type PrincipalReport struct {
	Principal  string      `json:"principal"`
	Actions    []string    `json:"actions"` // the actions asked about
	Type       string      `json:"type"`
	InSnapshot bool        `json:"in_snapshot"`
	Keys       []KeyAccess `json:"keys"`
}

// Terms is what a request must meet for an access: per path, the condition
// and requirement texts; and the texts of the conditional denies.
type Terms struct {
	Paths  [][]string `json:"paths"`
	Unless [][]string `json:"unless"`
}

// Side is the access on one side of a diff.
type Side struct {
	Access string `json:"access"`
	Terms  Terms  `json:"terms"`
}

// Change is one (key, principal, action) whose access differs. Expected
// names the --allow pattern that covers an addition or change.
type Change struct {
	Key       string `json:"key"`
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Old       Side   `json:"old"`
	New       Side   `json:"new"`
	Expected  string `json:"expected,omitempty"`
}

// DiffReport is the access the new side adds, removes, or changes (same
// level, other conditions) against the old side.
type DiffReport struct {
	Added   []Change `json:"added"`
	Removed []Change `json:"removed"`
	Changed []Change `json:"changed"`
	// Stats says how the diff was answered (diff --stats,
	// report.WriteDiffStats); not part of the JSON answer.
	Stats DiffStats `json:"-"`
}

// DiffStats says how a diff was answered: by the native analysis, or by
// the Rego (a fallback), and how many keys the native analysis analysed
// of those of both snapshots.
type DiffStats struct {
	Native bool
	Keys   DiffKeys
}

// Unexpected counts the additions and changes no --allow pattern covers:
// access that needs review. A change of conditions counts, since kmsguard
// cannot tell whether the new ones are weaker.
func (d *DiffReport) Unexpected() int {
	n := 0
	for _, list := range [][]Change{d.Added, d.Changed} {
		for _, c := range list {
			if c.Expected == "" {
				n++
			}
		}
	}
	return n
}

// DiffKeys counts the keys of a Diff: of both snapshots (Total), and those
// analysed (the others are the same on both sides, as is everything but
// the keys).
type DiffKeys struct {
	Total    int `json:"total"`
	Analysed int `json:"analysed"`
}
