package server

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/question"
)

// DecodeRequest decodes the body of a data API request, {"input": {...}},
// straight into the OPA input value. The body must be one JSON object whose
// only field is "input", and the input must be an object; the error says
// what is wrong (with line and column for JSON syntax errors).
func DecodeRequest(body []byte) (ast.Value, error) {
	v, err := question.ParseJSON(body)
	if err != nil {
		return nil, fmt.Errorf("request body is not valid JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`request body must be a JSON object {"input": {...}}, not %s`, kind(v))
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if k != "input" {
			return nil, fmt.Errorf(`request body has an unknown field %q: only "input" is accepted`, k)
		}
	}
	input, ok := obj["input"]
	if !ok {
		return nil, errors.New(`request body has no "input"`)
	}
	q, ok := input.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"input" must be a JSON object (the question), not %s`, kind(input))
	}
	// Policies given as JSON strings are parsed here, not by the policy's
	// json.unmarshal, which would keep the last of two equal keys: a
	// duplicate key refuses the request. A string that is not JSON at all
	// stays as it is, for the policy to answer with its error (as stock OPA
	// serving the bundle does); that answer is an error, never an allow.
	if err := question.ExpandPolicies(q); err != nil {
		var qe *question.Error
		if errors.As(err, &qe) && qe.Path != "" {
			return nil, fmt.Errorf(`"input": %w`, err)
		}
	}
	val, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, fmt.Errorf(`"input": %w`, err)
	}
	return val, nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
