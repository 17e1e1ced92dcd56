package engine

import "github.com/kmsguard/kmsguard/result"

// The answer types of package result, under the names the engine's code uses.
type (
	Reason = result.Reason
	Answer = result.Answer
)

// ErrorAnswer is the answer to a question that could not be evaluated.
func ErrorAnswer(id string, err error) *Answer { return result.ErrorAnswer(id, err) }

// reasonObject is r as the Rego renders it (for explain's "decision").
func reasonObject(r Reason) map[string]any {
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

// answerObject is the answer as the Rego's decision object.
func answerObject(a *Answer) map[string]any {
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
			rs[i] = reasonObject(r)
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
