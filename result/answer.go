// Package result holds the data kmsguard's evaluations produce and its
// renderers (package report) write: decision answers, lint findings and
// rules, service readiness, bundle summaries, and the findings and input
// errors of a check run. It is a leaf: it imports nothing of the project, so a renderer needs
// no engine.
package result

// Reason is one policy statement or grant that decided an answer.
type Reason struct {
	Policy    string `json:"policy"`
	Level     *int   `json:"level,omitempty"`
	Index     *int   `json:"index,omitempty"`
	Statement *int   `json:"statement,omitempty"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect"`
	GrantID   string `json:"grant_id,omitempty"`
}

// Answer is the answer to one question (docs/decision-format.md). Exactly one
// of Decision and Error is set; Allowed is true only for Decision "Allowed".
type Answer struct {
	ID       string   `json:"id,omitempty"`
	Decision string   `json:"decision,omitempty"`
	Allowed  *bool    `json:"allowed,omitempty"`
	Reasons  []Reason `json:"reasons,omitempty"`
	Missing  []string `json:"missing,omitempty"`
	Error    string   `json:"error,omitempty"`
	// RequestTime is the time of the request the answer used for
	// aws:CurrentTime and aws:EpochTime (docs/decision-format.md).
	RequestTime string `json:"request_time,omitempty"`
}

// IsAllowed reports whether the answer is an allow (never for an error).
func (a *Answer) IsAllowed() bool {
	return a.Error == "" && a.Decision == "Allowed" && a.Allowed != nil && *a.Allowed
}

// ErrorAnswer is the answer to a question that could not be evaluated.
func ErrorAnswer(id string, err error) *Answer {
	return &Answer{ID: id, Error: err.Error()}
}
