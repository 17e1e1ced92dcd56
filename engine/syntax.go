package engine

import (
	"strings"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
)

// The syntax checks of names and ARNs, written out byte by byte: they run
// for every question and every compiled statement, where a regular
// expression costs more than the rest of the check. syntax_test.go holds
// each one to the regular expression of the Rego it implements.

// isServicePrincipal is `^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`
// (principal.service_pattern).
func isServicePrincipal(s string) bool {
	var name string
	switch {
	case strings.HasSuffix(s, ".amazonaws.com"):
		name = s[:len(s)-len(".amazonaws.com")]
	case strings.HasSuffix(s, ".amazonaws.com.cn"):
		name = s[:len(s)-len(".amazonaws.com.cn")]
	default:
		return false
	}
	if name == "" || name[0] == '.' || name[0] == '-' {
		return false
	}
	for i := range len(name) {
		if c := name[i]; !isLowerDigit(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isLowerDigit(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLowerDigit(c) || c >= 'A' && c <= 'Z' }

// isIAMName is `^[\w+=,.@-]{min,max}$`: IAM's characters for user, role,
// session and federated-user names (principal.name_pattern and the others).
func isIAMName(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case isAlnum(c), c == '_', c == '+', c == '=', c == ',', c == '.', c == '@', c == '-':
		default:
			return false
		}
	}
	return true
}

// isPathName is `^(user|role)/([!-.0-~]+/)*[\w+=,.@-]{1,64}$`: a user or
// role resource, its path and name.
func isPathName(res string) bool {
	rest, ok := strings.CutPrefix(res, "user/")
	if !ok {
		if rest, ok = strings.CutPrefix(res, "role/"); !ok {
			return false
		}
	}
	slash := strings.LastIndexByte(rest, '/')
	seg := 0 // the length of the path segment so far
	for i := range slash + 1 {
		switch c := rest[i]; {
		case c == '/':
			if seg == 0 {
				return false
			}
			seg = 0
		case c < '!' || c > '~':
			return false
		default:
			seg++
		}
	}
	return isIAMName(rest[slash+1:], 1, 64)
}

// actionSyntax is the action's syntax, `^(?i)kms:[a-z]+$`; isActionSyntax
// checks ASCII input itself (case folding reaches beyond ASCII: the Kelvin
// sign is a k).
var actionSyntax = lazyregexp.New(`^(?i)kms:[a-z]+$`)

func isActionSyntax(s string) bool {
	if !isASCII(s) {
		return actionSyntax.MatchString(s)
	}
	if len(s) < 5 || !strings.EqualFold(s[:4], "kms:") {
		return false
	}
	for i := 4; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// isKeyResource is `^key/[A-Za-z0-9-]+$`.
func isKeyResource(s string) bool {
	id, ok := strings.CutPrefix(s, "key/")
	if !ok || id == "" {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// isUniqueID is `^A[A-Z0-9]{15,127}$`: an IAM unique id.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || s[0] != 'A' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// arnValue is the syntax of an ARN-typed context value; isARNValue checks
// ASCII input itself (\s is ASCII, [^\s] is not).
var arnValue = lazyregexp.New(`^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s]+$`)

func isARNValue(s string) bool {
	if !isASCII(s) {
		return arnValue.MatchString(s)
	}
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return false
	}
	for field := range 4 {
		colon := strings.IndexByte(rest, ':')
		if colon < 0 || (field < 2 && colon == 0) {
			return false
		}
		for i := range colon {
			c := rest[i]
			if field == 3 && (c < '0' || c > '9') || field < 3 && !isLowerDigit(c) && c != '-' {
				return false
			}
		}
		rest = rest[colon+1:]
	}
	return rest != "" && !strings.ContainsAny(rest, " \t\n\f\r")
}
