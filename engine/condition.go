package engine

import (
	"cmp"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
)

// Tests of condition operators (condition.operators' "test").
const (
	tStringEquals = iota
	tStringEqualsIgnoreCase
	tStringLike
	tNumericEquals
	tNumericLessThan
	tNumericLessThanEquals
	tNumericGreaterThan
	tNumericGreaterThanEquals
	tDateEquals
	tDateLessThan
	tDateLessThanEquals
	tDateGreaterThan
	tDateGreaterThanEquals
	tBool
	tBinaryEquals
	tIPAddress
	tArnLike
	tNull
)

type opBase struct {
	test    int
	negated bool
}

var operators = map[string]opBase{
	"stringequals":              {tStringEquals, false},
	"stringnotequals":           {tStringEquals, true},
	"stringequalsignorecase":    {tStringEqualsIgnoreCase, false},
	"stringnotequalsignorecase": {tStringEqualsIgnoreCase, true},
	"stringlike":                {tStringLike, false},
	"stringnotlike":             {tStringLike, true},
	"numericequals":             {tNumericEquals, false},
	"numericnotequals":          {tNumericEquals, true},
	"numericlessthan":           {tNumericLessThan, false},
	"numericlessthanequals":     {tNumericLessThanEquals, false},
	"numericgreaterthan":        {tNumericGreaterThan, false},
	"numericgreaterthanequals":  {tNumericGreaterThanEquals, false},
	"dateequals":                {tDateEquals, false},
	"datenotequals":             {tDateEquals, true},
	"datelessthan":              {tDateLessThan, false},
	"datelessthanequals":        {tDateLessThanEquals, false},
	"dategreaterthan":           {tDateGreaterThan, false},
	"dategreaterthanequals":     {tDateGreaterThanEquals, false},
	"bool":                      {tBool, false},
	"binaryequals":              {tBinaryEquals, false},
	"ipaddress":                 {tIPAddress, false},
	"notipaddress":              {tIPAddress, true},
	"arnequals":                 {tArnLike, false},
	"arnlike":                   {tArnLike, false},
	"arnnotequals":              {tArnLike, true},
	"arnnotlike":                {tArnLike, true},
	"null":                      {tNull, false},
}

const (
	setNone = iota
	setAll
	setAny
)

type operator struct {
	opBase
	set      int8
	ifExists bool
}

// parseOp is condition.parse_op.
func parseOp(op string) (operator, bool) {
	l := lower(op)
	set := int8(setNone)
	switch {
	case strings.HasPrefix(l, "forallvalues:"):
		set, l = setAll, l[len("forallvalues:"):]
	case strings.HasPrefix(l, "foranyvalue:"):
		set, l = setAny, l[len("foranyvalue:"):]
	}
	base := strings.TrimSuffix(l, "ifexists")
	info, ok := operators[base]
	if !ok {
		return operator{}, false
	}
	ifExists := base != l
	if info.test == tNull && (ifExists || set != setNone) {
		return operator{}, false
	}
	return operator{opBase: info, set: set, ifExists: ifExists}, true
}

func isNumericTest(t int) bool { return t >= tNumericEquals && t <= tNumericGreaterThanEquals }
func isDateTest(t int) bool    { return t >= tDateEquals && t <= tDateGreaterThanEquals }
func isLikeTest(t int) bool    { return t == tStringLike || t == tArnLike }

// variable tests: operators whose values may hold policy variables.
func isVariableTest(t int) bool {
	return t == tStringEquals || t == tStringEqualsIgnoreCase || t == tStringLike || t == tArnLike || t == tBool
}

// condValue is one policy value of a condition, typed for its operator.
type condValue struct {
	text string
	like pattern     // StringLike without variables
	arn  *arnPattern // ArnLike without variables (nil: fewer than six components)
	ext  *condExtra  // the rest, for the operators that need it (nil: none)
}

// condExtra is the part of a condValue only some operators need.
type condExtra struct {
	parts   []varPart // policy variables to expand (vars and ${ in text)
	num     float64
	date    int64
	network *net.IPNet
}

// condTest is one operator / key / values triple of a Condition block.
type condTest struct {
	op   string
	key  string
	keyL string
	o    operator
	list bool // the values written as a list
	// raw is the values as written, when one is not a string (else they
	// are the values' texts: written, below).
	raw    any
	values []condValue
}

// written is the values of c as written (explain): a scalar or a list.
func (c *condTest) written() any {
	switch {
	case c.raw != nil:
		return c.raw
	case !c.list:
		return c.values[0].text
	}
	out := make([]any, len(c.values))
	for i := range c.values {
		out[i] = c.values[i].text
	}
	return out
}

// simpleNumber: the numbers the engine compares natively (exact as float64).
var simpleNumber = lazyregexp.New(`^-?[0-9]{1,15}(\.[0-9]{1,6})?$`)

// numberOf is to_number(s) for the numbers the engine handles: ok is false
// when to_number fails; unsupported when the engine cannot tell.
func numberOf(s string) (n float64, ok, unsupported bool) {
	digits := strings.TrimPrefix(s, "-")
	if simpleNumber.MatchString(s) && (len(digits) < 2 || digits[0] != '0' || digits[1] == '.') && digits != "0" || s == "0" {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil, err != nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return 0, false, false
	}
	if t := lower(strings.TrimLeft(s, "+-")); t == "inf" || t == "infinity" || t == "nan" {
		return 0, false, false
	}
	return 0, false, true
}

var (
	dayPattern   = lazyregexp.New(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	monthPattern = lazyregexp.New(`^[0-9]{4}-[0-9]{2}$`)
	// minutePattern: a W3C date-time without seconds (condition.date_ns).
	minutePattern = lazyregexp.New(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$`)
	minNs         = time.Unix(0, -1<<63)
	maxNs         = time.Unix(0, 1<<63-1)
)

// dateOf is condition.date_ns for the dates the engine handles.
func dateOf(s string) (ns int64, ok, unsupported bool) {
	if isEpoch(s) {
		if strings.Contains(s, ".") || len(strings.TrimPrefix(s, "-")) > 10 ||
			(len(strings.TrimPrefix(s, "-")) > 1 && strings.TrimPrefix(s, "-")[0] == '0') || s == "-0" {
			return 0, false, true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false, true
		}
		return n * 1_000_000_000, true, false
	}
	var t time.Time
	var err error
	switch {
	case strings.Contains(s, "T"):
		t, err = time.Parse(time.RFC3339, s)
		if err != nil && minutePattern.MatchString(s) {
			// YYYY-MM-DDThh:mmTZD: read with :00 seconds.
			t, err = time.Parse(time.RFC3339, s[:16]+":00"+s[16:])
		}
	case dayPattern.MatchString(s):
		t, err = time.Parse("2006-01-02", s)
	case monthPattern.MatchString(s):
		t, err = time.Parse("2006-01", s)
	default:
		return 0, false, false
	}
	if err != nil || t.Before(minNs) || t.After(maxNs) {
		return 0, false, false
	}
	return t.UnixNano(), true, false
}

// isEpoch is `^-?[0-9]+(\.[0-9]+)?$`: a date given as seconds since the
// epoch (condition.date_ns), which a context's aws:EpochTime or
// aws:CurrentTime is checked against for each question (no regexp: one
// costs more than the rest of the check).
func isEpoch(s string) bool {
	whole, frac, dotted := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	return isDigits(whole) && (!dotted || isDigits(frac))
}

// isDigits: s is one or more ASCII digits.
func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// cidrOf is condition.cidr.
func cidrOf(p string) string {
	switch {
	case strings.Contains(p, "/"):
		return p
	case strings.Contains(p, "."):
		return p + "/32"
	}
	return p + "/128"
}

// compileCondValue types policy value x (its text) for operator o; ok is
// false when the value is not valid for the operator (condition.valid_value)
// or not one the engine handles.
func compileCondValue(o operator, x string, vars bool) (condValue, bool) {
	cv := condValue{text: x}
	t := o.test
	switch {
	case isNumericTest(t):
		n, ok, _ := numberOf(x)
		if !ok {
			return cv, false
		}
		cv.ext = &condExtra{num: n}
	case isDateTest(t):
		d, ok, _ := dateOf(x)
		if !ok {
			return cv, false
		}
		cv.ext = &condExtra{date: d}
	case t == tNull:
		if l := lower(x); l != "true" && l != "false" {
			return cv, false
		}
	case t == tBool:
		if l := lower(x); l != "true" && l != "false" && !hasVars(x) {
			return cv, false
		}
	case t == tIPAddress:
		_, n, err := net.ParseCIDR(cidrOf(x))
		if err != nil {
			return cv, false
		}
		cv.ext = &condExtra{network: n}
	}
	if vars && isVariableTest(t) && hasVars(x) {
		if cv.ext == nil {
			cv.ext = &condExtra{}
		}
		cv.ext.parts = varParts(x)
		return cv, true
	}
	switch t {
	case tStringLike:
		cv.like = likePattern(x)
	case tArnLike:
		if a, ok := splitARNPattern(likePattern(x)); ok {
			cv.arn = &a
		}
	}
	return cv, true
}

// ---- evaluation ------------------------------------------------------------------

// context is a request context as conditions and policy variables read
// it: the values of a lower-cased condition key, and whether the request
// carries the key. A decision's is a decisionCtx; the access analysis
// merges ctxMaps.
type context interface {
	values(k string) (vals []string, present bool)
}

// ctxMap is a context held in a map of lower-cased keys.
type ctxMap map[string][]string

func (m ctxMap) values(k string) ([]string, bool) {
	v, ok := m[k]
	return v, ok
}

// test is condition.test: whether the triple passes.
func (ev *eval) test(c *condTest, ctx context) bool {
	vals, present := ctx.values(c.keyL)
	if c.o.test == tNull {
		for i := range c.values {
			switch lower(c.values[i].text) {
			case "true":
				if !present || len(vals) == 0 {
					return true
				}
			case "false":
				if present && len(vals) > 0 {
					return true
				}
			}
		}
		return false
	}
	if len(vals) == 0 {
		return c.o.ifExists || c.o.set == setAll || (c.o.set == setNone && c.o.negated)
	}
	switch c.o.set {
	case setAll:
		for _, v := range vals {
			if ev.matchesAny(c, v, ctx) == c.o.negated {
				return false
			}
		}
		return true
	case setAny:
		for _, v := range vals {
			if ev.matchesAny(c, v, ctx) != c.o.negated {
				return true
			}
		}
		return false
	}
	for _, v := range vals {
		if ev.matchesAny(c, v, ctx) {
			return !c.o.negated
		}
	}
	return c.o.negated
}

func (ev *eval) matchesAny(c *condTest, v string, ctx context) bool {
	for i := range c.values {
		if ev.match(c.o.test, v, &c.values[i], ctx) {
			return true
		}
	}
	return false
}

// match is condition.match of request value v against policy value p
// (expanded when it holds variables).
func (ev *eval) match(t int, v string, p *condValue, ctx context) bool {
	if p.ext != nil && p.ext.parts != nil {
		if isLikeTest(t) {
			s, ok := expandLike("", p.ext.parts, ctx)
			if !ok {
				return false
			}
			if t == tStringLike {
				return escapedPattern(s).match(v)
			}
			a, ok := splitARNPattern(escapedPattern(s))
			return ok && a.match(v)
		}
		s, ok := expand(p.ext.parts, ctx)
		if !ok {
			return false
		}
		switch t {
		case tStringEquals:
			return v == s
		case tStringEqualsIgnoreCase:
			return lower(v) == lower(s)
		case tBool:
			l := lower(v)
			return (l == "true" || l == "false") && l == lower(s)
		}
		return false
	}
	switch t {
	case tStringEquals, tBinaryEquals:
		return v == p.text
	case tStringEqualsIgnoreCase:
		return lower(v) == lower(p.text)
	case tStringLike:
		return p.like.match(v)
	case tArnLike:
		return p.arn != nil && p.arn.match(v)
	case tBool:
		l := lower(v)
		return (l == "true" || l == "false") && l == lower(p.text)
	case tIPAddress:
		ip := net.ParseIP(v)
		if ip == nil {
			if _, _, err := net.ParseCIDR(v); err == nil {
				ev.unsupported = true // a CIDR request value
			}
			return false
		}
		return p.ext.network.Contains(ip)
	}
	if isNumericTest(t) {
		n, ok, unsupported := numberOf(v)
		if unsupported {
			ev.unsupported = true
		}
		if !ok {
			return false
		}
		return ordered(t-tNumericEquals, n, p.ext.num)
	}
	if isDateTest(t) {
		d, ok, unsupported := dateOf(v)
		if unsupported {
			ev.unsupported = true
		}
		if !ok {
			return false
		}
		return ordered(t-tDateEquals, d, p.ext.date)
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ordered applies the comparison of a Numeric or Date test; rel is the
// test's place after its family's Equals: 0 equals, 1 less than, 2 less
// than or equal, 3 greater than, 4 greater than or equal.
func ordered[T cmp.Ordered](rel int, a, b T) bool {
	switch rel {
	case 0:
		return a == b
	case 1:
		return a < b
	case 2:
		return a <= b
	case 3:
		return a > b
	}
	return a >= b
}
