package runner

import (
	"encoding/json"
	"fmt"
)

// answerFrom converts the decision object produced by Rego into an Answer.
// Anything unexpected turns into an error answer: an answer is never an
// allow unless Rego said exactly "Allowed" with allowed=true.
func answerFrom(obj map[string]any) *Answer {
	var a Answer
	if err := fromRego(obj, &a); err != nil {
		return &Answer{ID: str(obj["id"]), Error: fmt.Sprintf("evaluation failed: the decision is not an answer: %v", err)}
	}
	if a.Error != "" {
		return &Answer{ID: a.ID, Error: a.Error}
	}
	switch a.Decision {
	case "Allowed", "ExplicitlyDenied", "ImplicitlyDenied":
	default:
		return &Answer{ID: a.ID, Error: fmt.Sprintf("evaluation failed: unknown decision %q", a.Decision)}
	}
	allowed := a.Allowed != nil && *a.Allowed
	if allowed != (a.Decision == "Allowed") {
		return &Answer{ID: a.ID, Error: "evaluation failed: decision and allowed disagree"}
	}
	a.Allowed = &allowed
	return &a
}

// fromRego decodes v, a value a Rego query gave (plain JSON data), into out,
// a struct whose JSON tags name the fields of the documented format
// (answers, findings): one decoder for every shape the Rego returns, strict
// about types.
func fromRego(v, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
