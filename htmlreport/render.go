package htmlreport

import (
	"bufio"
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/access"
)

var (
	//go:embed report.html.tmpl
	pageTemplate string
	//go:embed report.css
	pageCSS string
	//go:embed report.js
	pageJS string
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"rows":   Rows,
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

// Write writes the report as one HTML page.
func Write(w io.Writer, rep *Report) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	err := page.Execute(bw, struct {
		*Report
		CSS template.CSS
		JS  template.JS
	}{rep, template.CSS(pageCSS), template.JS(pageJS)}) //nolint:gosec // our own embedded files
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Row is one row of a key's who-can table: a principal and a group of
// actions it has the same access to.
type Row struct {
	Principal  string
	Type       string
	External   bool
	Anyone     bool
	First      bool // the principal's first row
	Access     string
	Actions    []string
	Terms      access.AccessTerms
	Added      bool // with a base: an action of the row is new access
	Changed    bool // with a base: an action of the row is under other conditions
	Conditions bool
}

// Rows lists a key's who-can answer as table rows.
func Rows(k *Key) []Row {
	added := changeSet(k.Added)
	changed := changeSet(k.Changed)
	var out []Row
	for _, p := range k.WhoCan.Principals {
		for i, g := range p.Access {
			r := Row{
				Principal: p.Principal, Type: p.Type, External: p.External,
				Anyone: p.Type == "anyone" || p.Principal == "*", First: i == 0,
				Access: g.Access, Actions: g.Actions, Terms: access.TermsOf(g),
			}
			for _, a := range g.Actions {
				r.Added = r.Added || added[p.Principal+" "+a]
				r.Changed = r.Changed || changed[p.Principal+" "+a]
			}
			r.Conditions = len(r.Terms.Requires) > 0 || len(r.Terms.Unless) > 0 || r.Terms.OtherPaths > 0
			out = append(out, r)
		}
	}
	return out
}

func changeSet(list []access.Change) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, c := range list {
		m[c.Principal+" "+c.Action] = true
	}
	return m
}

// changeText is one side of a change: its level, and its conditions.
func changeText(s access.Side) string {
	if s.Access != access.Conditional {
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
