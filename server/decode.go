package server

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/question/opainput"
)

// DecodeRequest decodes the body of a data API request, {"input": {...}},
// straight into the OPA input value. The body must be one JSON object whose
// only field is "input", and the input must be an object; the error says
// what is wrong (with line and column for JSON syntax errors).
//
// The question itself is decoded by opainput.DecodeObject, the decoder of
// every entry point, and its errors worded by question.Message: serve says
// what eval says of the same question (the HTTP status aside).
func DecodeRequest(body []byte) (ast.Value, error) {
	v, err := question.ParseJSON(body)
	if err != nil {
		var qe *question.Error
		if errors.As(err, &qe) && strings.HasPrefix(qe.Path, "input.") {
			// A key twice inside the question: said of the question.
			qe.Path = strings.TrimPrefix(qe.Path, "input.")
			return nil, errors.New(question.Message(qe, 1))
		}
		return nil, fmt.Errorf("request body is not valid JSON: %s", question.Message(err, 1))
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
	// duplicate key, or a string that is not JSON, refuses the request
	// with the decoder's message.
	val, _, err := opainput.DecodeObject(q)
	if err != nil {
		return nil, errors.New(question.Message(err, 1))
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
