package engine

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// The access model's words and example requests (rego/kmsguard/access/
// conditions.rego), and the order of its values.

// text is condition.text for the scalars the engine handles; anything else
// marks the analysis unsupported.
func (pv *pairView) text(v any) string {
	s, ok := scalarText(v)
	if !ok {
		pv.ev.unsupported = true
	}
	return s
}

func (pv *pairView) first(c openCond) string {
	list, _ := c.values.([]any)
	if len(list) == 0 {
		pv.ev.unsupported = true
		return ""
	}
	return pv.text(list[0])
}

func (pv *pairView) valuesText(c openCond) string {
	list, _ := c.values.([]any)
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = pv.text(v)
	}
	return strings.Join(parts, " or ")
}

func (pv *pairView) pairsText(c openCond) string {
	m, _ := c.values.(map[string]any)
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+" = "+pv.text(m[k]))
	}
	return strings.Join(parts, ", ")
}

// conditionText is condition_text.
func (pv *pairView) conditionText(c openCond) string {
	switch {
	case c.op == "GrantConstraint:EncryptionContextSubset":
		return "only with encryption context " + pv.pairsText(c) + " (grant constraint)"
	case c.op == "GrantConstraint:EncryptionContextEquals":
		return "only with exactly the encryption context " + pv.pairsText(c) + " (grant constraint)"
	case c.source == "grant":
		list, _ := c.values.([]any)
		parts := make([]string, len(list))
		for i, v := range list {
			parts[i], _ = v.(string)
		}
		return "only for grants of no other operations than " + strings.Join(parts, ", ") + " (grant constraint)"
	}
	o := c.ct.o
	k := lower(c.key)
	ifExists := ""
	if o.ifExists {
		ifExists = " (when present)"
	}
	stringTest := o.test == tStringEquals || o.test == tStringLike || o.test == tStringEqualsIgnoreCase
	switch {
	case k == "kms:viaservice" && stringTest && !o.negated && o.set == setNone:
		return "only via " + pv.valuesText(c) + ifExists
	case strings.HasPrefix(k, "kms:encryptioncontext:") && stringTest && !o.negated && o.set == setNone:
		return "only with encryption context " + string([]rune(c.key)[22:]) + " = " + pv.valuesText(c) + ifExists
	case k == "aws:sourceip" && o.test == tIPAddress && !o.negated:
		return "only from " + pv.valuesText(c) + ifExists
	case (k == "aws:sourcevpc" || k == "aws:sourcevpce") && o.test == tStringEquals && !o.negated && o.set == setNone:
		return "only through " + pv.valuesText(c) + ifExists
	case k == "kms:grantisforawsresource" && o.test == tBool && lower(pv.first(c)) == "true":
		return "only for grants to AWS services (" + c.key + ")"
	}
	return c.key + " " + c.op + " " + pv.valuesText(c)
}

// ---- an example request -----------------------------------------------------------------

type kvPair struct {
	key   string
	value any
}

// firstPerKey is first_per_key: the first pair of each key, keys compared
// case-insensitively (spelled as in that first pair).
func firstPerKey(pairs []kvPair) map[string]any {
	out, seen := map[string]any{}, map[string]bool{}
	for _, p := range pairs {
		if l := lower(p.key); !seen[l] {
			seen[l] = true
			out[p.key] = p.value
		}
	}
	return out
}

// exampleContext is example_context(path, denies, a).
func (pv *pairView) exampleContext(p path, denies []*elem, a int) map[string]any {
	var pairs []kvPair
	for _, e := range p {
		for _, c := range e.conds {
			pairs = append(pairs, pv.allowPairs(c, e.ctxKind)...)
		}
	}
	allow := firstPerKey(pairs)
	allowLower := map[string]bool{}
	wctx := ctxMap{}
	for k, v := range allow { // each key once, case-insensitively
		l := lower(k)
		wctx[l] = pv.contextValues(v)
		allowLower[l] = true
	}
	key := pv.a.actions[a]
	defaults := pv.a.e.catalog.RequestDefaults[key]
	var denyPairs []kvPair
	for _, d := range denies {
		ctx := make(ctxMap, 24)
		for _, m := range []ctxMap{pv.context(d.ctxKind), defaults, wctx} {
			for k, v := range m {
				ctx[k] = v
			}
		}
		if !pv.ev.conditionsOK(d.stmt, ctx) {
			continue
		}
		var free []openCond
		for _, c := range d.conds {
			if !allowLower[lower(c.key)] {
				free = append(free, c)
			}
		}
		if len(free) == 0 {
			continue
		}
		denyPairs = append(denyPairs, pv.falsify(free[0], d.ctxKind, defaults)...)
	}
	out := map[string]any{}
	act := pv.a.e.catalog.Actions[key]
	for _, m := range []map[string]any{allow, firstPerKey(denyPairs)} {
		for k, v := range m {
			if l := lower(k); !strings.HasPrefix(l, "kms:") || pv.a.e.catalog.carries(act, l) {
				out[k] = v
			}
		}
	}
	return out
}

func (pv *pairView) contextValues(v any) []string {
	if list, isList := v.([]any); isList {
		out := make([]string, len(list))
		for i, x := range list {
			out[i] = pv.text(x)
		}
		return out
	}
	return []string{pv.text(v)}
}

func (pv *pairView) allowPairs(c openCond, kind int) []kvPair {
	if strings.HasPrefix(c.op, "GrantConstraint:") {
		m, _ := c.values.(map[string]any)
		var out []kvPair
		for _, k := range sortedKeys(m) {
			out = append(out, kvPair{"kms:EncryptionContext:" + k, m[k]})
		}
		return out
	}
	if c.source == "grant" {
		return nil
	}
	o := c.ct.o
	switch {
	case o.test == tNull:
		if lower(pv.first(c)) == "false" {
			return []kvPair{{c.key, "example"}}
		}
		return nil
	case o.set == setAll, o.set == setNone && o.negated:
		return nil
	case o.set == setAny && o.negated:
		return []kvPair{{c.key, []any{"kmsguard-example"}}}
	}
	v, ok := pv.exampleValue(o.test, pv.first(c), kind)
	if !ok {
		return nil
	}
	if o.set == setAny {
		return []kvPair{{c.key, []any{v}}}
	}
	return []kvPair{{c.key, v}}
}

// expanded is p with its policy variables expanded in the pair's context
// of the given kind (made only for a p with variables).
func (pv *pairView) expanded(p string, kind int) (string, bool) {
	if !hasVars(p) {
		return p, true
	}
	return expand(varParts(p), pv.context(kind))
}

// shifted is condition.text(to_number(p) + d) for whole numbers.
func (pv *pairView) shifted(p string, d int64) string {
	n, ok, unsupported := numberOf(p)
	if !ok || unsupported || n != math.Trunc(n) || math.Abs(n) > 1<<52 {
		pv.ev.unsupported = true
		return ""
	}
	return strconv.FormatInt(int64(n)+d, 10)
}

// exampleValue is example_value(test, p, ctx).
func (pv *pairView) exampleValue(t int, p string, kind int) (string, bool) {
	switch t {
	case tStringEquals, tStringEqualsIgnoreCase, tBinaryEquals, tBool, tNumericEquals, tDateEquals:
		return pv.expanded(p, kind)
	case tStringLike, tArnLike:
		s, ok := pv.expanded(p, kind)
		return strings.NewReplacer("*", "x", "?", "x").Replace(s), ok
	case tNumericLessThan:
		return pv.shifted(p, -1), true
	case tNumericGreaterThan:
		return pv.shifted(p, 1), true
	case tNumericLessThanEquals, tNumericGreaterThanEquals, tDateLessThanEquals, tDateGreaterThanEquals:
		return p, true
	case tDateLessThan:
		return "1970-01-01T00:00:00Z", true
	case tDateGreaterThan:
		return "2999-12-31T00:00:00Z", true
	case tIPAddress:
		return strings.SplitN(p, "/", 2)[0], true
	}
	return "", false
}

func (pv *pairView) falsify(c openCond, kind int, defaults map[string][]string) []kvPair {
	if _, has := defaults[lower(c.key)]; !has || c.ct.o.negated {
		return pv.falsifyPairs(c, kind)
	}
	p := pv.first(c)
	var v string
	switch c.ct.o.test {
	case tNumericGreaterThan, tNumericLessThan:
		v = p
	case tNumericGreaterThanEquals:
		v = pv.shifted(p, -1)
	case tNumericLessThanEquals, tNumericEquals:
		v = pv.shifted(p, 1)
	default:
		v = "kmsguard-example"
	}
	return []kvPair{{c.key, v}}
}

func (pv *pairView) falsifyPairs(c openCond, kind int) []kvPair {
	o := c.ct.o
	switch {
	case o.test == tNull:
		if lower(pv.first(c)) == "true" {
			return []kvPair{{c.key, "example"}}
		}
		return nil
	case !o.negated && o.set != setAll && !o.ifExists:
		return nil
	case !o.negated && o.set != setAll:
		v := "kmsguard-example"
		if o.test == tBool {
			v = "true"
			if lower(pv.first(c)) == "true" {
				v = "false"
			}
		}
		return []kvPair{{c.key, v}}
	case !o.negated:
		return []kvPair{{c.key, []any{"kmsguard-example"}}}
	case o.set == setAny:
		return nil
	}
	v, ok := pv.exampleValue(o.test, pv.first(c), kind)
	if !ok {
		return nil
	}
	if o.set == setAll {
		return []kvPair{{c.key, []any{v}}}
	}
	return []kvPair{{c.key, v}}
}

// ---- the order of values ----------------------------------------------------------------

// compareValues orders JSON values (nil, bool, numbers as int or
// json.Number, string, []any, map[string]any and []string) as OPA orders
// them (ast.Compare), so that sets of answers come out in the Rego's order.
func compareValues(a, b any) int {
	ra, rb := valueRank(a), valueRank(b)
	if ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case string:
		return strings.Compare(x, b.(string))
	case int, json.Number, float64:
		fx, fy := number(a), number(b)
		switch {
		case fx < fy:
			return -1
		case fx > fy:
			return 1
		}
		return 0
	case []any:
		y := b.([]any)
		for i := range min(len(x), len(y)) {
			if c := compareValues(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case []string:
		y := b.([]string)
		for i := range min(len(x), len(y)) {
			if c := strings.Compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case map[string]any:
		y := b.(map[string]any)
		kx, ky := sortedKeys(x), sortedKeys(y)
		for i := range min(len(kx), len(ky)) {
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
			if c := compareValues(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
		}
		return len(kx) - len(ky)
	}
	return 0
}

func valueRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case int, json.Number, float64:
		return 2
	case string:
		return 3
	case []any, []string:
		return 4
	case map[string]any:
		return 5
	}
	return 6
}

func number(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return 0
}
