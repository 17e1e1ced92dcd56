// Package opainput turns decision questions into OPA input values: read by
// package question, converted by OPA. Every entry point that asks the Rego
// decodes through it (eval's batch lines, serve's request bodies and can's
// question through DecodeObject) and words its errors with
// question.Message, so that a malformed question gets the same message
// wherever it is asked.
package opainput

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/question"
)

// Decode parses one question. The returned value is the OPA input; id is
// the question's "id" when one could be read, even if err is not nil, so
// that an error answer can still be joined to its question.
func Decode(data []byte) (input ast.Value, id string, err error) {
	raw, err := question.ParseJSON(data)
	if err != nil {
		return nil, "", err
	}
	return DecodeObject(raw)
}

// DecodeObject is Decode for a question question.ParseJSON has read (or
// one built in Go from files read with their positions).
func DecodeObject(raw any) (input ast.Value, id string, err error) {
	obj, id, err := question.Object(raw)
	if err != nil {
		return nil, id, err
	}
	v, err := ast.InterfaceToValue(obj)
	if err != nil {
		return nil, id, &question.Error{Msg: err.Error()}
	}
	return v, id, nil
}
