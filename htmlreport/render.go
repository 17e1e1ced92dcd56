package htmlreport

import (
	"bufio"
	"bytes"
	"compress/zlib"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
)

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageJS string
)

// page is the parsed report template, parsed on first use: parsing it costs
// every kmsguard command about a millisecond at start-up otherwise.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"svg":    keySVG,
		"arn":    breakable,
		"join":   strings.Join,
		"change": changeText,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}).Parse(pageTemplate))
})

// Write writes the report as one HTML page. Each key's section carries its
// body (graph, tables) as compressed HTML, rendered by Build, which the
// page's script inflates when the section is opened or searched: a large
// account's page stays a few kilobytes a key, and the browser builds only
// what is looked at.
func Write(w io.Writer, rep *Report) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	err := page().Execute(bw, struct {
		*Report
		CSS template.CSS
		JS  template.JS
	}{rep, template.CSS(pageCSS), template.JS(pageJS)}) //nolint:gosec // our own embedded files
	if err != nil {
		return err
	}
	return bw.Flush()
}

// compressor is a zlib writer and its output buffer, reused from one key's
// section to the next (a zlib writer allocates about 800 KB).
type compressor struct {
	buf bytes.Buffer
	zw  *zlib.Writer
}

var compressors = sync.Pool{New: func() any {
	c := &compressor{}
	c.zw = zlib.NewWriter(&c.buf)
	return c
}}

// keyBody renders the body of a key's section (template key-body) and
// compresses it: zlib (the browser's DecompressionStream("deflate")), in
// unpadded URL-safe base64, an attribute value the template leaves as is.
func keyBody(k section) (string, error) {
	c := compressors.Get().(*compressor)
	defer compressors.Put(c)
	c.buf.Reset()
	c.zw.Reset(&c.buf)
	if err := page().ExecuteTemplate(c.zw, "key-body", k); err != nil {
		return "", err
	}
	if err := c.zw.Close(); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(c.buf.Bytes()), nil
}

// Row is one row of a key's who-can table: a principal and a group of
// actions it has the same access to; or, for a key many IAM principals can
// use through their own identity policies, a group of them (Group > 0).
type Row struct {
	Principal  string
	Type       string
	External   bool
	Anyone     bool
	First      bool // the principal's first row
	Access     string
	Actions    []string
	Terms      report.AccessTerms
	Added      bool // with a base: an action of the row is new access
	Changed    bool // with a base: an action of the row is under other conditions
	Conditions bool

	// A group of delegated principals: how many, their account, the first
	// few of them, and whether the terms differ between them (Terms are the
	// first's).
	Group   int
	Account string
	Sample  []string
	Varying bool
}

// groupAbove is the number of delegated IAM principals of a key above
// which the table shows them as groups (one row per access level and
// actions) rather than one by one; sampleSize of each group are named.
// who-can --format json keeps every entry.
const (
	groupAbove = 25
	sampleSize = 3
)

// delegated: the principal is a user or role of the key's account, in the
// snapshot, whose every way to the key goes through its own identity
// policies (the key policy lets the account's IAM policies decide).
func delegated(p result.PrincipalAccess) bool {
	if p.External || !p.InSnapshot || (p.Type != "user" && p.Type != "role") {
		return false
	}
	for _, g := range p.Access {
		for _, path := range g.Paths {
			through := false
			for _, e := range path {
				through = through || (e.Reason != nil && e.Reason.Policy == "identity_policy")
			}
			if !through {
				return false
			}
		}
	}
	return true
}

// tableRows lists a key's who-can answer as table rows.
func tableRows(k *Key) []Row {
	added := changeSet(k.Added)
	changed := changeSet(k.Changed)
	n := 0
	for _, p := range k.WhoCan.Principals {
		if delegated(p) {
			n++
		}
	}
	grouping := n > groupAbove
	var out []Row
	groups := map[groupID]int{} // access and actions -> index in out
	// The principals of one class share their access list (access.WhoCan):
	// the terms and group of each of its entries are made once.
	type made struct {
		terms report.AccessTerms
		id    groupID
	}
	memo := map[*result.Access]made{}
	for _, p := range k.WhoCan.Principals {
		grouped := grouping && delegated(p)
		for i := range p.Access {
			g := &p.Access[i]
			m, ok := memo[g]
			if !ok {
				m = made{report.TermsOf(*g), groupID{g.Access, actionsID(g.Actions)}}
				memo[g] = m
			}
			r := Row{
				Principal: p.Principal, Type: p.Type, External: p.External,
				Anyone: p.Type == "anyone" || p.Principal == "*", First: i == 0,
				Access: g.Access, Actions: g.Actions, Terms: m.terms,
			}
			for _, a := range g.Actions {
				if len(added) == 0 && len(changed) == 0 {
					break
				}
				r.Added = r.Added || added[change{p.Principal, a}]
				r.Changed = r.Changed || changed[change{p.Principal, a}]
			}
			r.Conditions = len(r.Terms.Requires) > 0 || len(r.Terms.Unless) > 0 || r.Terms.OtherPaths > 0
			if grouped {
				if j, ok := groups[m.id]; ok {
					grp := &out[j]
					grp.Group++
					if len(grp.Sample) < sampleSize {
						grp.Sample = append(grp.Sample, p.Principal)
					}
					grp.Varying = grp.Varying || !sameTerms(grp.Terms, r.Terms)
					grp.Added, grp.Changed = grp.Added || r.Added, grp.Changed || r.Changed
					continue
				}
				groups[m.id] = len(out)
				r.Group, r.Account, r.Sample, r.First = 1, report.AccountOf(p.Principal), []string{p.Principal}, true
			}
			out = append(out, r)
		}
	}
	return out
}

// trim leaves in k.WhoCan only the principals the table names, when it
// groups delegated principals: a key of a large account holds thousands,
// which the page does not show.
func trim(k *Key, rows []Row) {
	named := map[string]bool{}
	grouped := false
	for _, r := range rows {
		if r.Group > 0 {
			grouped = true
			for _, p := range r.Sample[:1] {
				named[p] = true
			}
		} else {
			named[r.Principal] = true
		}
	}
	if !grouped {
		return
	}
	who := *k.WhoCan
	who.Principals = nil
	for _, p := range k.WhoCan.Principals {
		if named[p.Principal] {
			who.Principals = append(who.Principals, p)
		}
	}
	k.WhoCan = &who
}

func sameTerms(a, b report.AccessTerms) bool {
	return slices.Equal(a.Requires, b.Requires) && slices.Equal(a.Unless, b.Unless) && a.OtherPaths == b.OtherPaths && a.Via == b.Via
}

// change is a (principal, action) of a change.
type change struct{ principal, action string }

func changeSet(list []result.Change) map[change]bool {
	m := make(map[change]bool, len(list))
	for _, c := range list {
		m[change{c.Principal, c.Action}] = true
	}
	return m
}

// groupID is a group of delegated principals: an access level and its
// actions.
type groupID struct{ access, actions string }

// actionsID is a list of actions as one string, the list's own bytes when
// it has one action.
func actionsID(actions []string) string {
	if len(actions) == 1 {
		return actions[0]
	}
	return strings.Join(actions, ",")
}

// changeText is one side of a change: its level, and its conditions.
func changeText(s result.Side) string {
	if s.Access != result.Conditional {
		return s.Access
	}
	var paths []string
	for _, p := range s.Terms.Paths {
		paths = append(paths, strings.Join(p, " and "))
	}
	text := "conditional: " + strings.Join(paths, " | ")
	for _, u := range s.Terms.Unless {
		text += "; denied when " + strings.Join(u, " and ")
	}
	return text
}
