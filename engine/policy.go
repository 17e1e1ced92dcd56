package engine

import (
	"encoding/json"
	"strings"
)

// actionSet is a normalised Action / NotAction element: lower-cased names,
// and the wildcard patterns among them.
type actionSet struct {
	exact []string
	wild  []pattern
}

func (a *actionSet) has(name string) bool {
	for _, e := range a.exact {
		if e == name {
			return true
		}
	}
	for i := range a.wild {
		if a.wild[i].match(name) {
			return true
		}
	}
	return false
}

// statement is policy.normalize's statement, compiled (its booleans
// together, at the end: the fewer bytes, the less to copy, clear and scan).
type statement struct {
	sid          string
	action       *actionSet
	notAction    *actionSet
	principal    *principalSet
	notPrincipal *principalSet
	resource     []resourcePattern
	notResource  []resourcePattern
	conds        []condTest
	index        int
	hasSid       bool
	allow        bool // Effect Allow (else Deny)
	hasRes       bool
	hasNotRes    bool
	vars         bool
}

// effect is the statement's Effect.
func (s *statement) effect() string {
	if s.allow {
		return "Allow"
	}
	return "Deny"
}

// document is a compiled policy document.
type document struct {
	statements []statement
	condKeys   []string // the lower-cased keys its conditions test, each once
}

const (
	kindResource = "resource"
	kindIdentity = "identity"
)

// validAction is policy.action_pattern, `^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$`.
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	colon := strings.IndexByte(a, ':')
	if colon <= 0 || colon == len(a)-1 {
		return false
	}
	for i := range len(a) {
		c := a[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		switch {
		case i < colon && (alnum || c == '-'):
		case i > colon && (alnum || c == '*' || c == '?'):
		case i == colon:
		default:
			return false
		}
	}
	return true
}

// stringList is policy.string_list: a string or a non-empty list of strings.
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		out := make([]string, len(x))
		for i, e := range x {
			s, isStr := e.(string)
			if !isStr {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// validPrincipalValue is principal._valid_value (Federated and
// CanonicalUser values are not checked).
func validPrincipalValue(k, x string) bool {
	switch {
	case x == "*":
		return true
	case k == "AWS":
		if c, ok := parseCaller(x, "", false); ok && c.kind != "service" {
			return true
		}
		return isUniqueID(x)
	case k == "Service":
		return isServicePrincipal(x)
	}
	return true
}

// scalarText is condition.text for the scalars the engine handles: strings,
// booleans and integers written without exponent or fraction.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case json.Number:
		return numberText(string(x))
	}
	return "", false
}
