package engine

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

// reasonMap is r as the Rego renders it (for explain's "decision").
func (r Reason) asMap() map[string]any {
	m := map[string]any{"policy": r.Policy, "effect": r.Effect}
	if r.Level != nil {
		m["level"] = *r.Level
	}
	if r.Index != nil {
		m["index"] = *r.Index
	}
	if r.Statement != nil {
		m["statement"] = *r.Statement
	}
	if r.Sid != "" {
		m["sid"] = r.Sid
	}
	if r.GrantID != "" {
		m["grant_id"] = r.GrantID
	}
	return m
}

// asMap is the answer as the Rego's decision object.
func (a *Answer) asMap() map[string]any {
	m := map[string]any{}
	if a.ID != "" {
		m["id"] = a.ID
	}
	if a.Error != "" {
		m["error"] = a.Error
		return m
	}
	m["decision"] = a.Decision
	m["allowed"] = a.Allowed != nil && *a.Allowed
	if a.RequestTime != "" {
		m["request_time"] = a.RequestTime
	}
	if len(a.Reasons) > 0 {
		rs := make([]any, len(a.Reasons))
		for i, r := range a.Reasons {
			rs[i] = r.asMap()
		}
		m["reasons"] = rs
	}
	if len(a.Missing) > 0 {
		ms := make([]any, len(a.Missing))
		for i, s := range a.Missing {
			ms[i] = s
		}
		m["missing"] = ms
	}
	return m
}
