// Package question reads decision questions (the JSON format of
// docs/decision-format.md): the JSON, the policies given as JSON strings,
// and the one wording of their errors. It links no OPA, so the native
// engine (and kmsguard, which links no OPA) reads questions and stored
// documents with it; question/opainput turns what it reads into OPA input.
//
// It checks only what needs the raw bytes: JSON syntax (with line and column)
// and policies given as JSON strings, which it parses so their errors carry a
// position too. Every other check of a question lives in Rego
// (data.kmsguard.authz._errors), so the embedded runner and a stock OPA server
// running the bundle reject the same questions with the same words.
package question

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

// Error is a question that cannot be decoded. Field names the policy given
// as a JSON string the error is in ("key_policy", "identity_policies[1]"),
// empty for the question itself; Line and Column are positions in that
// string or in the question. Path is the JSON path of a duplicate key
// ("key_policy.Statement[1].Effect"), relative to Field's document.
type Error struct {
	Field  string
	Path   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Field != "" {
		b.WriteString(e.Field)
	}
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(line %d, column %d)", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Detail())
	return b.String()
}

// Detail is the message with the path it is about, without the position.
func (e *Error) Detail() string {
	if e.Path != "" {
		return e.Path + ": " + e.Msg
	}
	return e.Msg
}

// policyFields are the question fields holding one policy document each;
// listFields hold lists of them and nestedFields lists of lists.
var (
	policyFields = []string{"key_policy", "permissions_boundary", "session_policy", "vpc_endpoint_policy"}
	listFields   = []string{"identity_policies"}
	nestedFields = []string{"scps", "rcps"}
)

// Object reads a question ParseJSON has read (or one built in Go from
// files read with their positions): it must be an object, whose "id" is
// returned when it is a string, even with an error, so that an error
// answer can still be joined to its question; policies given as JSON
// strings are parsed in place (ExpandPolicies).
func Object(raw any) (obj map[string]any, id string, err error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, "", &Error{Msg: "a question must be a JSON object"}
	}
	if s, ok := obj["id"].(string); ok {
		id = s
	}
	if err := ExpandPolicies(obj); err != nil {
		return nil, id, err
	}
	return obj, id, nil
}

// Message is the one wording of a question's decoding error. line is the
// line the question starts on in what holds it (a batch file; 1 for a
// request body or a question of its own): an error of the question's own
// JSON is placed in it ("line 7, column 12: ..."); an error inside a
// policy given as a JSON string keeps its place in that string
// ("key_policy (line 1, column 16): policy is not valid JSON: ...").
func Message(err error, line int) string {
	var qe *Error
	if errors.As(err, &qe) && qe.Field == "" && qe.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", line+qe.Line-1, qe.Column, qe.Detail())
	}
	return err.Error()
}

// ExpandPolicies replaces every policy of a question given as a JSON string
// (the form GetKeyPolicy and the IAM APIs return) by the parsed document, so
// that its syntax errors and duplicate keys are found with their position.
func ExpandPolicies(obj map[string]any) error {
	for _, f := range policyFields {
		if err := expandOne(obj, f, f); err != nil {
			return err
		}
	}
	for _, f := range listFields {
		list, ok := obj[f].([]any)
		if !ok {
			continue
		}
		for i := range list {
			if err := expandIndex(list, i, fmt.Sprintf("%s[%d]", f, i)); err != nil {
				return err
			}
		}
	}
	for _, f := range nestedFields {
		levels, ok := obj[f].([]any)
		if !ok {
			continue
		}
		for l, level := range levels {
			list, ok := level.([]any)
			if !ok {
				continue
			}
			for i := range list {
				if err := expandIndex(list, i, fmt.Sprintf("%s[%d][%d]", f, l, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func expandOne(obj map[string]any, key, field string) error {
	s, ok := obj[key].(string)
	if !ok {
		return nil
	}
	doc, err := parsePolicyString(s, field)
	if err != nil {
		return err
	}
	obj[key] = doc
	return nil
}

func expandIndex(list []any, i int, field string) error {
	s, ok := list[i].(string)
	if !ok {
		return nil
	}
	doc, err := parsePolicyString(s, field)
	if err != nil {
		return err
	}
	list[i] = doc
	return nil
}

// parsePolicyString returns the policy the string s holds when its JSON is
// an object, and s itself otherwise: a string that holds another JSON
// value (a string, a number, an array) stays as it is, for the Rego to
// refuse as it refuses it from stock OPA ("a policy must be a JSON object,
// not string"), and a question decodes to the same value however many
// times it is decoded. The error is the string's own: not JSON, or an
// object with a key twice.
func parsePolicyString(s, field string) (any, error) {
	doc, err := ParseJSON([]byte(s))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Field = field
			if e.Path == "" {
				e.Msg = "policy is not valid JSON: " + e.Msg
			}
			return nil, e
		}
		return nil, err
	}
	if _, isObj := doc.(map[string]any); !isObj {
		return s, nil
	}
	return doc, nil
}

// ParseJSON decodes one JSON value, keeping numbers exact, and reports a
// syntax error with its line and column. Trailing data is an error, and so is
// an object with a key twice (which encoding/json would silently resolve to
// the last value, turning {"Effect":"Deny","Effect":"Allow"} into an Allow):
// the error's Path names it.
func ParseJSON(data []byte) (any, error) {
	if err := strictjson.Check(data); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			if se.Duplicate {
				return nil, &Error{Path: se.Path, Line: se.Line, Column: se.Column, Msg: se.Msg}
			}
			if len(bytes.TrimSpace(data)) == 0 {
				return nil, &Error{Msg: "empty input: expected a JSON value"}
			}
			return nil, &Error{Line: se.Line, Column: se.Column, Msg: se.Msg}
		}
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, positioned(data, dec, err)
	}
	rest := int(dec.InputOffset())
	for rest < len(data) && isSpace(data[rest]) {
		rest++
	}
	if rest < len(data) {
		line, col := strictjson.LineCol(data, rest)
		return nil, &Error{Line: line, Column: col, Msg: "unexpected data after the JSON value"}
	}
	return v, nil
}

func positioned(data []byte, dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	off := int(dec.InputOffset())
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		off = int(syn.Offset)
		if off > 0 {
			off-- // Offset counts the byte that failed; point at it.
		}
		msg = syn.Error()
	case errors.As(err, &typ):
		off = int(typ.Offset)
	case errors.Is(err, io.EOF):
		return &Error{Msg: "empty input: expected a JSON value"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = len(data)
		msg = "unexpected end of JSON input"
	}
	line, col := strictjson.LineCol(data, off)
	return &Error{Line: line, Column: col, Msg: msg}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
