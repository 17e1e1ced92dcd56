package engine

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// A pattern is an IAM wildcard pattern compiled for matching: `*` (any run
// of characters) and `?` (one character) in its text. A pattern made by
// expanding policy variables (expandLike) is escaped: its wildcards are the
// bytes starByte and anyByte, and `*` and `?` (from a variable's value, or
// ${*} and ${?}) are literal. Neither byte occurs in a Go string decoded
// from JSON (it is valid UTF-8), so no other text is read as a wildcard.
// This is rego/kmsguard/iam/pattern: like_glob, glob_escape and glob.match
// with no delimiters.
type pattern struct {
	text    string
	wild    bool // holds a wildcard
	escaped bool // wildcards are starByte and anyByte
	// prefix: the only wildcard is one star at the end (kms:*, kms:Get*,
	// arn:aws:kms:*): the pattern matches what starts with the rest.
	prefix bool
}

// withPrefix sets p.prefix; star is p's star.
func (p pattern) withPrefix(star, one byte) pattern {
	n := len(p.text)
	if !p.wild || n == 0 || p.text[n-1] != star {
		return p
	}
	for i := range n - 1 {
		if c := p.text[i]; c == star || c == one {
			return p
		}
	}
	p.prefix = true
	return p
}

const (
	starByte = 0xff
	anyByte  = 0xfe
)

// likePattern compiles p where only `*` and `?` are special: p itself.
func likePattern(p string) pattern {
	return pattern{text: p, wild: hasWildcard(p)}.withPrefix('*', '?')
}

// hasWildcard reports whether s holds `*` or `?`.
func hasWildcard(s string) bool {
	for i := range len(s) {
		if c := s[i]; c == '*' || c == '?' {
			return true
		}
	}
	return false
}

// escapedPattern makes a pattern of escaped text.
func escapedPattern(s string) pattern {
	wild := false
	for i := range len(s) {
		if c := s[i]; c == starByte || c == anyByte {
			wild = true
			break
		}
	}
	return pattern{text: s, wild: wild, escaped: true}.withPrefix(starByte, anyByte)
}

// match reports whether the whole of v matches p.
func (p pattern) match(v string) bool {
	if !p.wild {
		return p.text == v
	}
	if p.prefix {
		return strings.HasPrefix(v, p.text[:len(p.text)-1])
	}
	if p.escaped {
		return wildMatch(p.text, v, starByte, anyByte)
	}
	return wildMatch(p.text, v, '*', '?')
}

// wildMatch is the classic greedy wildcard match with one backtrack point,
// over pattern text pat whose wildcards are the bytes star and one. Both
// strings are valid UTF-8 (outside the wildcards), so a literal character
// matches where its bytes do, and `?` and a star take whole characters.
func wildMatch(pat, v string, star, one byte) bool {
	pi, vi := 0, 0
	starP, starV := -1, 0
	for vi < len(v) {
		if pi < len(pat) {
			switch pat[pi] {
			case star:
				starP, starV = pi, vi
				pi++
				continue
			case one:
				_, size := utf8.DecodeRuneInString(v[vi:])
				pi++
				vi += size
				continue
			case v[vi]:
				pi++
				vi++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last star take one more character.
		_, s := utf8.DecodeRuneInString(v[starV:])
		starV += s
		vi = starV
		pi = starP + 1
	}
	for pi < len(pat) && pat[pi] == star {
		pi++
	}
	return pi == len(pat)
}

// ---- ARN patterns ----------------------------------------------------------------

// arnPattern is an ARN pattern split into its six components: the first
// five, and the resource part (everything after the fifth colon).
type arnPattern struct {
	parts [6]pattern
}

// splitARNPattern splits pattern p on every colon; ok is false with fewer
// than six components.
func splitARNPattern(p pattern) (arnPattern, bool) {
	var a arnPattern
	mk := func(s string) pattern {
		if p.escaped {
			return escapedPattern(s)
		}
		return likePattern(s)
	}
	s := p.text
	for n := range 5 {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return a, false
		}
		a.parts[n] = mk(s[:j])
		s = s[j+1:]
	}
	a.parts[5] = mk(s)
	return a, true
}

// splitARN splits an ARN into its six components (the sixth keeps its
// colons); ok is false with fewer than six.
func splitARN(v string) (parts [6]string, ok bool) {
	for i := range 5 {
		j := strings.IndexByte(v, ':')
		if j < 0 {
			return parts, false
		}
		parts[i] = v[:j]
		v = v[j+1:]
	}
	parts[5] = v
	return parts, true
}

// match is pattern.arn_glob: component by component.
func (a *arnPattern) match(v string) bool {
	vp, ok := splitARN(v)
	if !ok {
		return false
	}
	for i := range 6 {
		if !a.parts[i].match(vp[i]) {
			return false
		}
	}
	return true
}

// ---- policy variables -------------------------------------------------------------

// varPart is a piece of a string with policy variables: literal text, or a
// ${...} reference (name).
type varPart struct {
	text  string
	name  string
	isVar bool
}

// hasVars is pattern.has_vars.
func hasVars(s string) bool { return strings.Contains(s, "${") }

// varParts is pattern.var_parts: the regex `\$\{([^}]*)\}|[^$]+|\$`.
func varParts(s string) []varPart {
	var out []varPart
	for i := 0; i < len(s); {
		if s[i] == '$' {
			if i+1 < len(s) && s[i+1] == '{' {
				if j := strings.IndexByte(s[i+2:], '}'); j >= 0 {
					name := s[i+2 : i+2+j]
					if name != "" {
						out = append(out, varPart{name: name, isVar: true})
					} else {
						out = append(out, varPart{text: "${}"})
					}
					i += j + 3
					continue
				}
			}
			out = append(out, varPart{text: "$"})
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			j = len(s) - i
		}
		out = append(out, varPart{text: s[i : i+j]})
		i += j
	}
	return out
}

// varValue is pattern.var_value.
func varValue(name string, ctx context) (string, bool) {
	switch name {
	case "*", "?", "$":
		return name, true
	}
	if !strings.Contains(name, ",") {
		key := lower(strings.TrimSpace(name))
		return singleValue(ctx, key)
	}
	kd := strings.Split(name, ",")
	if len(kd) != 2 {
		return "", false
	}
	k, d := strings.TrimSpace(kd[0]), strings.TrimSpace(kd[1])
	if v, ok := singleValue(ctx, lower(k)); ok {
		return v, true
	}
	if strings.HasPrefix(d, "'") && strings.HasSuffix(d, "'") {
		return strings.Trim(d, "'"), true
	}
	return "", false
}

func singleValue(ctx context, key string) (string, bool) {
	// Multivalued keys cannot be policy variables (pattern.single_valued).
	if MultivaluedKey(key) {
		return "", false
	}
	if ctx == nil {
		return "", false
	}
	vals, ok := ctx.values(key)
	if !ok || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}

// expand is pattern.expand: the text with every variable replaced.
func expand(parts []varPart, ctx context) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if !p.isVar {
			b.WriteString(p.text)
			continue
		}
		v, ok := varValue(p.name, ctx)
		if !ok {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// expandLike is pattern.expand_like as an escaped pattern's text, after
// prefix (escaped): wildcards in the text, variable values literal.
func expandLike(prefix string, parts []varPart, ctx context) (string, bool) {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range parts {
		if !p.isVar {
			for i := range len(p.text) {
				switch c := p.text[i]; c {
				case '*':
					b.WriteByte(starByte)
				case '?':
					b.WriteByte(anyByte)
				default:
					b.WriteByte(c)
				}
			}
			continue
		}
		v, ok := varValue(p.name, ctx)
		if !ok {
			return "", false
		}
		b.WriteString(v)
	}
	return b.String(), true
}

// ---- Resource / NotResource -------------------------------------------------------

// resourcePattern is one Resource or NotResource value of a statement.
type resourcePattern struct {
	// Without variables to expand: the ARN pattern (ok when six components).
	static *arnPattern // nil: none

	// With variables (Version 2012-10-17 and ${ in the text); nil: none.
	vars *resourceVars

	// Fewer than six components and a trailing `*`: a wildcard match of the
	// whole resource.
	short   pattern
	shortOK bool

	any bool // "*"
}

// resourceVars is a resource pattern with variables: the first five
// components as compiled runes (with the colon after them) and the
// resource part's pieces. It is never changed once made.
type resourceVars struct {
	prefix string // escaped
	rest   []varPart
}

// dynamic reports whether rp has variables to expand.
func (rp *resourcePattern) dynamic() bool { return rp.vars != nil }

// compileResource compiles resource pattern p; its ARN pattern, if any, is
// put in arns.
func compileResource(p string, vars bool, arns *chunk[arnPattern]) resourcePattern {
	if p == "*" {
		return resourcePattern{any: true}
	}
	var rp resourcePattern
	if strings.Count(p, ":") < 5 {
		if strings.HasSuffix(p, "*") {
			rp.short, rp.shortOK = likePattern(p), true
		}
		return rp
	}
	if vars && hasVars(p) {
		cut := 0 // after the fifth colon
		for range 5 {
			cut += strings.IndexByte(p[cut:], ':') + 1
		}
		prefix, _ := expandLike("", []varPart{{text: p[:cut]}}, nil)
		rp.vars = &resourceVars{prefix: prefix, rest: varParts(p[cut:])}
		return rp
	}
	if a, ok := splitARNPattern(likePattern(p)); ok {
		rp.static = arns.one(a)
	}
	return rp
}

// resolvable is pattern.resolvable: every variable has a value.
func (rp *resourcePattern) resolvable(ctx context) bool {
	if rp.vars == nil {
		return true
	}
	_, ok := expandLike(rp.vars.prefix, rp.vars.rest, ctx)
	return ok
}

// match is pattern.resource.
func (rp *resourcePattern) match(r string, ctx context) bool {
	switch {
	case rp.any:
		return true
	case rp.shortOK:
		return rp.short.match(r)
	case rp.static != nil:
		return rp.static.match(r)
	case rp.vars != nil:
		s, ok := expandLike(rp.vars.prefix, rp.vars.rest, ctx)
		if !ok {
			return false
		}
		a, ok := splitARNPattern(escapedPattern(s))
		return ok && a.match(r)
	}
	return false
}

// lower is strings.ToLower. The lower-case names the catalog knows
// (actions, condition keys) and the condition operators are found without
// allocating or locking (interned); the lower-case forms of other short
// names policies repeat are kept, up to lowerMax of them, so that
// compiling a document does not allocate each again.
func lower(s string) string {
	upper := false
	for i := range len(s) {
		if c := s[i]; c >= utf8.RuneSelf {
			return strings.ToLower(s)
		} else if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if !upper {
		return s
	}
	if len(s) > 64 {
		return strings.ToLower(s)
	}
	var buf [64]byte
	for i := range len(s) {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if m := interned.Load(); m != nil {
		if l, ok := (*m)[string(buf[:len(s)])]; ok {
			return l
		}
	}
	lowers.mu.RLock()
	l, ok := lowers.m[s]
	lowers.mu.RUnlock()
	if ok {
		return l
	}
	l = string(buf[:len(s)])
	lowers.mu.Lock()
	if len(lowers.m) < lowerMax {
		lowers.m[strings.Clone(s)] = l
	}
	lowers.mu.Unlock()
	return l
}

// interned holds, by themselves, the lower-case names of the embedded
// catalog's actions and condition keys and of the condition operators
// (read-only once made, by internNames when the catalog is read).
var interned atomic.Pointer[map[string]string]

func internNames(c *catalogData) {
	m := map[string]string{}
	add := func(s string) {
		if l := strings.ToLower(s); len(l) <= 64 {
			m[l] = l
		}
	}
	for op := range operators {
		for _, set := range []string{"", "forallvalues:", "foranyvalue:"} {
			add(set + op)
			add(set + op + "ifexists")
		}
	}
	for a := range c.Actions {
		add(a)
		add("kms:" + a) // as policies name it
	}
	for k := range c.ConditionKeys.Types {
		add(k)
	}
	interned.Store(&m)
}

// lowers holds lower's kept forms (about 1 MB at most).
var lowers = struct {
	mu sync.RWMutex
	m  map[string]string
}{m: map[string]string{}}

const lowerMax = 1 << 13
