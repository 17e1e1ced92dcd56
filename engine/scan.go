package engine

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
)

// A light scanner over JSON: it splits objects and lists into their raw
// members without building values, checking the punctuation between them,
// so that a question is read in one pass, its small fields checked by
// strictjson.Check and its documents hashed, not decoded (or even checked
// again), when the cache holds the very same bytes.

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(d []byte, i int) int {
	for i < len(d) && isWS(d[i]) {
		i++
	}
	return i
}

// skipString returns the index after the string starting at d[i] == '"'
// (len(d) when it does not end): the next quote not escaped by an odd
// number of backslashes, found at memchr speed.
func skipString(d []byte, i int) int {
	open := i
	for i++; i < len(d); i++ {
		j := bytes.IndexByte(d[i:], '"')
		if j < 0 {
			return len(d)
		}
		i += j
		n := 0
		for k := i - 1; k > open && d[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
	}
	return len(d)
}

// skipValue returns the index after the value starting at d[i].
func skipValue(d []byte, i int) int {
	switch d[i] {
	case '"':
		return skipString(d, i)
	case '{', '[':
		depth := 0
		for ; i < len(d); i++ {
			switch d[i] {
			case '"':
				i = skipString(d, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(d)
	}
	for i < len(d) && d[i] != ',' && d[i] != '}' && d[i] != ']' && !isWS(d[i]) {
		i++
	}
	return i
}

// stringValue decodes the JSON string raw (ok false when raw is not one).
func stringValue(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	if plainString(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// plainString reports whether raw is a JSON string (as skipString ends
// it) of ASCII without escapes or control characters: its text is the
// bytes between its quotes.
func plainString(raw []byte) bool {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' || c >= 0x80 || c < 0x20 {
			return false
		}
	}
	return true
}

// skipKnown is skipValue, but an object that known recognises at d[i], or
// as an element of a list (or of a list of lists) at d[i], is not scanned:
// a well-formed object ends where its bytes end. For any list it cannot
// follow it returns what skipValue returns.
func skipKnown(d []byte, i int, known func([]byte) int) int {
	if known == nil {
		return skipValue(d, i)
	}
	switch d[i] {
	case '{':
		if n := known(d[i:]); n > 0 {
			return i + n
		}
	case '[':
		j := skipWS(d, i+1)
		if j < len(d) && d[j] == ']' {
			return j + 1
		}
		for j < len(d) && (d[j] == '{' || d[j] == '[') {
			j = skipWS(d, skipKnown(d, j, known))
			if j >= len(d) {
				break
			}
			if d[j] == ']' {
				return j + 1
			}
			if d[j] != ',' {
				break
			}
			j = skipWS(d, j+1)
		}
	}
	return skipValue(d, i)
}

// appendElems appends the raw elements of the JSON list d to out; ok is
// false for anything else (the elements are not checked, as in
// questionFields).
func appendElems(out [][]byte, d []byte) ([][]byte, bool) {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '[' {
		return nil, false
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return out, skipWS(d, i+1) == len(d)
	}
	for i < len(d) {
		end := skipValue(d, i)
		out = append(out, d[i:end])
		i = skipWS(d, end)
		if i >= len(d) {
			return nil, false
		}
		switch d[i] {
		case ']':
			return out, skipWS(d, i+1) == len(d)
		case ',':
			i = skipWS(d, i+1)
		default:
			return nil, false
		}
	}
	return nil, false
}

// compactHash hashes the bytes of d outside whitespace between tokens: the
// hash of its compact form.
func compactHash(seed maphash.Seed, d []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	start := 0
	for i := 0; i < len(d); {
		switch c := d[i]; {
		case c == '"':
			i = skipString(d, i)
		case isWS(c):
			_, _ = h.Write(d[start:i])
			i = skipWS(d, i)
			start = i
		default:
			i++
		}
	}
	_, _ = h.Write(d[start:])
	return h.Sum64()
}

// compactEqual reports whether a and b are the same JSON once compacted
// (whitespace between tokens removed).
func compactEqual(a, b []byte) bool {
	i, j := skipWS(a, 0), skipWS(b, 0)
	for i < len(a) && j < len(b) {
		end := i + 1
		if a[i] == '"' {
			end = skipString(a, i)
		}
		n := end - i
		if j+n > len(b) || string(a[i:end]) != string(b[j:j+n]) {
			return false
		}
		i, j = skipWS(a, end), skipWS(b, j+n)
	}
	return i == len(a) && j == len(b)
}

// object is a JSON object as decodeObject reads it (a question's context):
// its members in the order written, keys unique (the input was checked). A
// slice costs a fraction of a map to build.
type object []member

type member struct {
	key string
	val any
}

func (o object) get(k string) (any, bool) {
	for i := range o {
		if o[i].key == k {
			return o[i].val, true
		}
	}
	return nil, false
}

// decodeValue decodes JSON into Go values as encoding/json does with
// UseNumber (objects map[string]any, lists []any, numbers json.Number),
// without reflection. It checks what it reads as strictjson.Check does:
// ok is false for anything encoding/json would not decode (syntax, a
// number outside JSON's grammar) and for an object with a key twice, so
// its input needs no other check. It may also say no to valid JSON nested
// deeper than maxDepth (the caller then leaves the question to the Rego).
func decodeValue(d []byte) (any, bool) { return decodeAt(d, false) }

// decodeObject decodes the JSON object d as an object (members in the
// order written); ok is false as for decodeValue, and for any other value.
func decodeObject(d []byte) (object, bool) {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '{' {
		return nil, false
	}
	v, ok := decodeAt(d, true)
	o, _ := v.(object)
	return o, ok
}

// commonValues holds the strings most policies repeat, already held in an
// interface: a string read into an any costs an allocation otherwise.
var commonValues = func() map[string]any {
	m := map[string]any{}
	for _, s := range []string{"Allow", "Deny", "*", "2012-10-17", "2008-10-17", "kms:*", "true", "false"} {
		m[s] = s
	}
	return m
}()

// maxDepth bounds the nesting decodeValue reads (strictjson allows more;
// deeper input is declined, not misread).
const maxDepth = 512

// decoder reads one JSON value. Its strings without escapes are cut from
// one copy of the input (one allocation for all of them), and the members
// and elements of the containers being read wait on two stacks, so that
// each object and list is allocated once, at its size.
type decoder struct {
	d       []byte
	src     string // d as a string
	objects bool   // objects as object, else map[string]any
	members []member
	items   []any
	spaced  bool // whitespace seen between tokens
}

func decodeAt(d []byte, objects bool) (any, bool) {
	dec := decoder{d: d, src: string(d), objects: objects}
	v, ok := dec.run()
	return v, ok
}

func (dec *decoder) run() (any, bool) {
	d := dec.d
	i := dec.ws(0)
	if i >= len(d) {
		return nil, false
	}
	v, end, ok := dec.value(i, 0)
	if !ok || dec.ws(end) != len(d) {
		return nil, false
	}
	return v, true
}

// ws is skipWS, noting whether it skipped anything.
func (dec *decoder) ws(i int) int {
	j := skipWS(dec.d, i)
	if j != i {
		dec.spaced = true
	}
	return j
}

// str reads the string at d[i] == '"'.
func (dec *decoder) str(i int) (string, int, bool) {
	d := dec.d
	j := i + 1
	for j < len(d) {
		c := d[j]
		if c == '"' {
			return dec.src[i+1 : j], j + 1, true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
		j++
	}
	end := skipString(d, i)
	s, ok := stringValue(d[i:end])
	return s, end, ok
}

// value reads the value at d[i]; ok is false for anything but one
// well-formed JSON value (what follows it is the caller's to check).
func (dec *decoder) value(i, depth int) (any, int, bool) {
	d := dec.d
	if i >= len(d) {
		return nil, 0, false
	}
	switch c := d[i]; c {
	case '"':
		s, end, ok := dec.str(i)
		if v, common := commonValues[s]; common {
			return v, end, ok
		}
		return s, end, ok
	case '{':
		return dec.object(i, depth+1)
	case '[':
		if depth+1 > maxDepth {
			return nil, 0, false
		}
		base := len(dec.items)
		i = dec.ws(i + 1)
		if i < len(d) && d[i] == ']' {
			return []any{}, i + 1, true
		}
		for {
			v, vend, ok := dec.value(i, depth+1)
			if !ok {
				return nil, 0, false
			}
			dec.items = append(dec.items, v)
			i = dec.ws(vend)
			if i >= len(d) {
				return nil, 0, false
			}
			switch d[i] {
			case ']':
				list := make([]any, len(dec.items)-base)
				copy(list, dec.items[base:])
				clear(dec.items[base:])
				dec.items = dec.items[:base]
				return list, i + 1, true
			case ',':
				i = dec.ws(i + 1)
			default:
				return nil, 0, false
			}
		}
	case 't':
		return true, i + 4, len(d) >= i+4 && string(d[i:i+4]) == "true"
	case 'f':
		return false, i + 5, len(d) >= i+5 && string(d[i:i+5]) == "false"
	case 'n':
		return nil, i + 4, len(d) >= i+4 && string(d[i:i+4]) == "null"
	}
	end, ok := numberEnd(d, i)
	if !ok {
		return nil, 0, false
	}
	return json.Number(dec.src[i:end]), end, true
}

// numberEnd returns the index after the number at d[i], which must follow
// JSON's grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func numberEnd(d []byte, i int) (int, bool) {
	digits := func(i int) (int, bool) {
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i, i > start
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i, _ = digits(i)
	default:
		return 0, false
	}
	var ok bool
	if i < len(d) && d[i] == '.' {
		if i, ok = digits(i + 1); !ok {
			return 0, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i, ok = digits(i); !ok {
			return 0, false
		}
	}
	return i, true
}

// object reads the object at d[i] == '{' (as an object or a map, as
// dec.objects says); ok is false for a key given twice (compared after
// unescaping, as strictjson compares them).
func (dec *decoder) object(i, depth int) (any, int, bool) {
	d := dec.d
	if depth > maxDepth {
		return nil, 0, false
	}
	base := len(dec.members)
	i = dec.ws(i + 1)
	if i < len(d) && d[i] == '}' {
		if dec.objects {
			return object{}, i + 1, true
		}
		return map[string]any{}, i + 1, true
	}
	var keys map[string]struct{} // the keys of a large object
	for i < len(d) {
		if d[i] != '"' {
			return nil, 0, false
		}
		key, end, ok := dec.str(i)
		if !ok {
			return nil, 0, false
		}
		if keys != nil {
			if _, dup := keys[key]; dup {
				return nil, 0, false
			}
			keys[key] = struct{}{}
		} else {
			if _, dup := object(dec.members[base:]).get(key); dup {
				return nil, 0, false
			}
			if len(dec.members)-base == 16 {
				keys = make(map[string]struct{}, 64)
				for _, m := range dec.members[base:] {
					keys[m.key] = struct{}{}
				}
				keys[key] = struct{}{}
			}
		}
		i = dec.ws(end)
		if i >= len(d) || d[i] != ':' {
			return nil, 0, false
		}
		var (
			v    any
			vend int
		)
		i = dec.ws(i + 1)
		v, vend, ok = dec.value(i, depth)
		if !ok {
			return nil, 0, false
		}
		dec.members = append(dec.members, member{key, v})
		i = dec.ws(vend)
		if i >= len(d) {
			return nil, 0, false
		}
		switch d[i] {
		case '}':
			ms := dec.members[base:]
			var out any
			if dec.objects {
				o := make(object, len(ms))
				copy(o, ms)
				out = o
			} else {
				m := make(map[string]any, len(ms))
				for _, x := range ms {
					m[x.key] = x.val
				}
				out = m
			}
			clear(ms)
			dec.members = dec.members[:base]
			return out, i + 1, true
		case ',':
			i = dec.ws(i + 1)
		default:
			return nil, 0, false
		}
	}
	return nil, 0, false
}
