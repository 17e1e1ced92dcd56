package result

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends a as one line of JSON Lines: the bytes a json.Encoder
// with SetEscapeHTML(false) writes for *a (field order, omitempty, string
// escaping), newline included. It is the encoding of `eval --batch`'s
// answers, written without reflection; TestAppendJSONMatchesEncoder and
// FuzzAppendJSON hold it to encoding/json.
func (a *Answer) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	field := func(name string) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
	}
	str := func(name, v string) { // omitempty
		if v != "" {
			field(name)
			dst = appendJSONString(dst, v)
		}
	}
	str("id", a.ID)
	str("decision", a.Decision)
	if a.Allowed != nil {
		field("allowed")
		dst = strconv.AppendBool(dst, *a.Allowed)
	}
	if len(a.Reasons) > 0 {
		field("reasons")
		dst = append(dst, '[')
		for i := range a.Reasons {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = a.Reasons[i].appendJSON(dst)
		}
		dst = append(dst, ']')
	}
	if len(a.Missing) > 0 {
		field("missing")
		dst = append(dst, '[')
		for i, m := range a.Missing {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, m)
		}
		dst = append(dst, ']')
	}
	str("error", a.Error)
	str("request_time", a.RequestTime)
	return append(dst, '}', '\n')
}

// appendJSON appends r as encoding/json encodes it.
func (r *Reason) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"policy":`...)
	dst = appendJSONString(dst, r.Policy)
	appendInt := func(name string, v *int) {
		if v != nil {
			dst = append(dst, name...)
			dst = strconv.AppendInt(dst, int64(*v), 10)
		}
	}
	appendInt(`,"level":`, r.Level)
	appendInt(`,"index":`, r.Index)
	appendInt(`,"statement":`, r.Statement)
	if r.Sid != "" {
		dst = append(dst, `,"sid":`...)
		dst = appendJSONString(dst, r.Sid)
	}
	dst = append(dst, `,"effect":`...)
	dst = appendJSONString(dst, r.Effect)
	if r.GrantID != "" {
		dst = append(dst, `,"grant_id":`...)
		dst = appendJSONString(dst, r.GrantID)
	}
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string exactly as encoding/json does
// without HTML escaping: '"' and '\\' escaped, control characters as \b,
// \f, \n, \r, \t or \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 as
// \u2028 and \u2029, everything else as is.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
