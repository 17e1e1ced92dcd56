package runner

import (
	"encoding/json"
	"fmt"
)

// answerFrom converts the decision object produced by Rego into an Answer.
// Anything unexpected turns into an error answer: an answer is never an
// allow unless Rego said exactly "Allowed" with allowed=true.
func answerFrom(obj map[string]any) *Answer {
	a := &Answer{}
	a.ID, _ = obj["id"].(string)
	if e, ok := obj["error"].(string); ok {
		a.Error = e
		return a
	}
	d, _ := obj["decision"].(string)
	allowed, _ := obj["allowed"].(bool)
	switch d {
	case "Allowed", "ExplicitlyDenied", "ImplicitlyDenied":
	default:
		a.Error = fmt.Sprintf("evaluation failed: unknown decision %q", d)
		return a
	}
	if allowed != (d == "Allowed") {
		a.Error = "evaluation failed: decision and allowed disagree"
		return a
	}
	a.Decision = d
	a.Allowed = &allowed
	a.RequestTime, _ = obj["request_time"].(string)
	if rs, ok := obj["reasons"].([]any); ok {
		for _, r := range rs {
			m, ok := r.(map[string]any)
			if !ok {
				continue
			}
			a.Reasons = append(a.Reasons, Reason{
				Policy:    str(m["policy"]),
				Level:     intp(m["level"]),
				Index:     intp(m["index"]),
				Statement: intp(m["statement"]),
				Sid:       str(m["sid"]),
				Effect:    str(m["effect"]),
				GrantID:   str(m["grant_id"]),
			})
		}
	}
	if ms, ok := obj["missing"].([]any); ok {
		for _, m := range ms {
			a.Missing = append(a.Missing, str(m))
		}
	}
	return a
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func intp(v any) *int {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return nil
		}
		x := int(i)
		return &x
	case int:
		return &n
	case int64:
		x := int(n)
		return &x
	case float64:
		x := int(n)
		return &x
	}
	return nil
}
