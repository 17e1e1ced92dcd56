// Package strictjson finds what encoding/json silently accepts but AWS
// rejects: an object with the same key twice. encoding/json keeps the last
// value, so {"Effect":"Deny","Effect":"Allow"} decodes as an Allow; IAM
// refuses such a policy (MalformedPolicyDocument), so kmsguard must too.
//
// Check scans the bytes once, without building values, and also reports JSON
// syntax errors, so that a document it accepts is one encoding/json decodes.
//
// Keys are compared exactly, byte for byte after unescaping ("\u0045ffect"
// and "Effect" are the same key) and with invalid UTF-8 and lone surrogates
// replaced by U+FFFD as encoding/json does, so two keys are duplicates exactly
// when encoding/json would map them to the same map key. Keys that differ
// only in case ("Effect" and "effect") are not duplicates here: IAM policy
// element names are case-sensitive, so "effect" is an unknown element, which
// policy validation rejects on its own; condition keys, which AWS matches
// case-insensitively, are compared by the policy checks that know them.
package strictjson

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and lists Check accepts, as in
// encoding/json.
const MaxDepth = 10000

// Error is the first duplicate key or syntax error of a document. Path is the
// JSON path of the offending value (`Statement[1].Effect`, empty for the
// document itself); Line and Column (1-based, column in bytes) and Offset
// (0-based) locate it. For a duplicate key, Key is the key and FirstLine and
// FirstColumn locate its first occurrence.
type Error struct {
	Path                   string
	Line, Column           int
	Offset                 int
	Msg                    string
	Duplicate              bool
	Key                    string
	FirstLine, FirstColumn int
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// key is one key of an open object: its unescaped bytes in scanner.arena and
// the offset of its opening quote.
type key struct {
	start, end int // in arena
	off        int // in the input
}

// frame is one open object or list.
type frame struct {
	object bool
	// first is the index in scanner.keys of the object's first key.
	first int
	// index is the number of list elements seen so far.
	index int
	// last is the index in scanner.keys of the key whose value is being
	// scanned, -1 between members.
	last int
	// set indexes the keys of a large object (nil while it is small).
	set map[string]int
}

// largeObject is the number of keys above which an object's keys go into a
// map instead of being compared one by one.
const largeObject = 16

type scanner struct {
	data   []byte
	pos    int
	stack  []frame
	keys   []key
	arena  []byte
	keyBuf []byte
}

// Check reports the first duplicate object key or syntax error in data, which
// must hold one JSON value (surrounding whitespace allowed). The error is an
// *Error.
func Check(data []byte) error {
	s := scanner{data: data}
	return s.run()
}

func (s *scanner) run() error {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.fail(s.pos, "empty input: expected a JSON value")
	}
	if err := s.value(); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.fail(s.pos, "unexpected data after the JSON value")
	}
	return nil
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value scans one value and everything nested in it, iteratively.
func (s *scanner) value() error {
	base := len(s.stack)
	for {
		// Expect a value at s.pos.
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail(s.pos, "unexpected end of JSON input")
		}
		switch c := s.data[s.pos]; c {
		case '{':
			if len(s.stack) >= MaxDepth {
				return s.fail(s.pos, "exceeded max depth")
			}
			s.pos++
			s.stack = append(s.stack, frame{object: true, first: len(s.keys), last: -1})
			s.skipSpace()
			if s.pos < len(s.data) && s.data[s.pos] == '}' {
				s.pos++
				s.pop()
				break
			}
			if err := s.member(); err != nil {
				return err
			}
			continue
		case '[':
			if len(s.stack) >= MaxDepth {
				return s.fail(s.pos, "exceeded max depth")
			}
			s.pos++
			s.stack = append(s.stack, frame{last: -1})
			s.skipSpace()
			if s.pos < len(s.data) && s.data[s.pos] == ']' {
				s.pos++
				s.pop()
				break
			}
			continue
		case '"':
			if _, err := s.str(false); err != nil {
				return err
			}
		case 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			if c == '-' || (c >= '0' && c <= '9') {
				if err := s.number(); err != nil {
					return err
				}
			} else {
				return s.fail(s.pos, "invalid character "+quoteChar(c)+" looking for beginning of value")
			}
		}
		// A value ended: close containers until one expects another value.
		for {
			if len(s.stack) == base {
				return nil
			}
			s.skipSpace()
			if s.pos >= len(s.data) {
				return s.fail(s.pos, "unexpected end of JSON input")
			}
			f := &s.stack[len(s.stack)-1]
			c := s.data[s.pos]
			if f.object {
				if c == '}' {
					s.pos++
					s.pop()
					continue
				}
				if c != ',' {
					return s.fail(s.pos, "invalid character "+quoteChar(c)+" after object key:value pair")
				}
				s.pos++
				if err := s.member(); err != nil {
					return err
				}
				break
			}
			if c == ']' {
				s.pos++
				s.pop()
				continue
			}
			if c != ',' {
				return s.fail(s.pos, "invalid character "+quoteChar(c)+" after array element")
			}
			s.pos++
			f.index++
			break
		}
	}
}

// pop closes the innermost container, dropping its keys.
func (s *scanner) pop() {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if f.object {
		if f.first < len(s.keys) {
			s.arena = s.arena[:s.keys[f.first].start]
		}
		s.keys = s.keys[:f.first]
	}
}

// member scans `"key" :` of the innermost object, recording the key and
// failing on a duplicate.
func (s *scanner) member() error {
	f := &s.stack[len(s.stack)-1]
	f.last = -1
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.fail(s.pos, "unexpected end of JSON input")
	}
	if s.data[s.pos] != '"' {
		return s.fail(s.pos, "invalid character "+quoteChar(s.data[s.pos])+" looking for beginning of object key string")
	}
	off := s.pos
	k, err := s.str(true)
	if err != nil {
		return err
	}
	if first, dup := s.find(f, k); dup {
		return s.duplicate(off, first, k)
	}
	start := len(s.arena)
	s.arena = append(s.arena, k...)
	s.keys = append(s.keys, key{start: start, end: len(s.arena), off: off})
	f.last = len(s.keys) - 1
	if f.set != nil {
		f.set[string(k)] = len(s.keys) - 1
	} else if n := len(s.keys) - f.first; n > largeObject {
		f.set = make(map[string]int, 2*n)
		for i := f.first; i < len(s.keys); i++ {
			f.set[string(s.arena[s.keys[i].start:s.keys[i].end])] = i
		}
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.fail(s.pos, "unexpected end of JSON input")
	}
	if s.data[s.pos] != ':' {
		return s.fail(s.pos, "invalid character "+quoteChar(s.data[s.pos])+" after object key")
	}
	s.pos++
	return nil
}

// find looks k up among the keys of object f, returning the index of the
// earlier key.
func (s *scanner) find(f *frame, k []byte) (int, bool) {
	if f.set != nil {
		i, ok := f.set[string(k)]
		return i, ok
	}
	for i := f.first; i < len(s.keys); i++ {
		if bytes.Equal(s.arena[s.keys[i].start:s.keys[i].end], k) {
			return i, true
		}
	}
	return 0, false
}

func (s *scanner) duplicate(off, first int, k []byte) error {
	e := s.fail(off, "duplicate key "+strconv.Quote(string(k)))
	e.Path = strings.TrimPrefix(appendKey(e.Path, string(k)), ".")
	e.Duplicate = true
	e.Key = string(k)
	e.FirstLine, e.FirstColumn = LineCol(s.data, s.keys[first].off)
	if e.FirstLine == e.Line {
		e.Msg += fmt.Sprintf(" (first at column %d)", e.FirstColumn)
	} else {
		e.Msg += fmt.Sprintf(" (first at line %d, column %d)", e.FirstLine, e.FirstColumn)
	}
	return e
}

// str scans a string at s.pos. For a key (want) it returns the unescaped
// bytes, valid only until the next call.
func (s *scanner) str(want bool) ([]byte, error) {
	start := s.pos + 1
	i := start
	simple := true // no escapes and ASCII only: the raw bytes are the key
	for {
		if i >= len(s.data) {
			return nil, s.fail(i, "unexpected end of JSON input")
		}
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			if !want {
				return nil, nil
			}
			if simple {
				return s.data[start:i], nil
			}
			return s.unescape(s.data[start:i]), nil
		case c == '\\':
			simple = false
			if i+1 >= len(s.data) {
				return nil, s.fail(i+1, "unexpected end of JSON input")
			}
			switch s.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(s.data) {
						return nil, s.fail(j, "unexpected end of JSON input")
					}
					if !isHex(s.data[j]) {
						return nil, s.fail(j, "invalid character "+quoteChar(s.data[j])+" in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				return nil, s.fail(i+1, "invalid character "+quoteChar(s.data[i+1])+" in string escape code")
			}
		case c < 0x20:
			return nil, s.fail(i, "invalid character "+quoteChar(c)+" in string literal")
		case c >= utf8.RuneSelf:
			simple = false
			i++
		default:
			i++
		}
	}
}

// unescape decodes a string body known to be well formed as encoding/json
// does: escapes resolved, invalid UTF-8 and lone surrogates as U+FFFD.
func (s *scanner) unescape(b []byte) []byte {
	out := s.keyBuf[:0]
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\':
			switch b[i+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(b[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						r2 = hex4(b[i+2 : i+6])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\', '/'
				out = append(out, b[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	s.keyBuf = out
	return out
}

func (s *scanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		j := s.pos + i
		if j >= len(s.data) {
			return s.fail(j, "unexpected end of JSON input")
		}
		if s.data[j] != word[i] {
			return s.fail(j, "invalid character "+quoteChar(s.data[j])+" in literal "+word+" (expecting "+quoteChar(word[i])+")")
		}
	}
	s.pos += len(word)
	return nil
}

// number scans a number with JSON's grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *scanner) number() error {
	d := s.data
	i := s.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return s.digitErr(i, "in numeric literal")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return s.digitErr(i, "after decimal point in numeric literal")
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return s.digitErr(i, "in exponent of numeric literal")
		}
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	}
	s.pos = i
	return nil
}

func (s *scanner) digitErr(i int, where string) error {
	if i >= len(s.data) {
		return s.fail(i, "unexpected end of JSON input")
	}
	return s.fail(i, "invalid character "+quoteChar(s.data[i])+" "+where)
}

// fail builds the error at byte offset off, with the path of the innermost
// open value.
func (s *scanner) fail(off int, msg string) *Error {
	line, col := LineCol(s.data, off)
	return &Error{Path: s.path(), Line: line, Column: col, Offset: off, Msg: msg}
}

// path is the JSON path of the value being scanned: the current key of
// every open object and the index of every open list.
func (s *scanner) path() string {
	var b strings.Builder
	for i := range s.stack {
		f := &s.stack[i]
		switch {
		case !f.object:
			fmt.Fprintf(&b, "[%d]", f.index)
		case f.last >= 0:
			k := s.keys[f.last]
			b.WriteString(appendKey("", string(s.arena[k.start:k.end])))
		}
	}
	return strings.TrimPrefix(b.String(), ".")
}

// appendKey appends an object key to a path (see KeySegment).
func appendKey(path, k string) string { return path + KeySegment(k) }

// KeySegment is how an object key appears in a JSON path: `.Key`, or
// `["key"]` when the key is empty or holds characters that would make the
// path ambiguous. A path starting with a key drops the leading dot.
func KeySegment(k string) string {
	plain := k != ""
	for i := 0; i < len(k) && plain; i++ {
		c := k[i]
		plain = c > ' ' && c != 0x7f && c != '.' && c != '[' && c != ']' && c != '"'
	}
	if !plain {
		return "[" + strconv.Quote(k) + "]"
	}
	return "." + k
}

// LineCol turns a byte offset into a 1-based line and column (in bytes).
func LineCol(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
