package access

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kmsguard/kmsguard/runner"
)

// WriteKeyText writes a who-can answer as a table: one block of rows per
// principal and group of actions with the same access, with the conditions a
// request must meet, the conditional denies, and the statements or grants
// that give the access.
func WriteKeyText(w io.Writer, r *KeyReport) error {
	fmt.Fprintf(w, "Key: %s\n", r.Key)
	if len(r.Principals) == 0 {
		fmt.Fprintln(w, "No principal can use the key for the actions asked.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PRINCIPAL\tTYPE\tACCESS\tACTIONS\tCONDITIONS")
		for _, p := range r.Principals {
			typ := p.Type
			if p.External {
				typ += " (external)"
			}
			for i, g := range p.Access {
				name := p.Principal
				if i > 0 {
					name, typ = "", ""
				}
				writeRows(tw, []string{name, typ}, g, r.Actions)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Unparsed) > 0 {
		fmt.Fprintf(w, "Not analysed (principals kmsguard cannot evaluate): %s\n", strings.Join(r.Unparsed, ", "))
	}
	return nil
}

// WritePrincipalText writes a who-can --principal answer as a table: one
// block of rows per key and group of actions.
func WritePrincipalText(w io.Writer, r *PrincipalReport) error {
	fmt.Fprintf(w, "Principal: %s (%s)\n", r.Principal, r.Type)
	if !r.InSnapshot && r.Type != "account" && r.Type != "service" {
		fmt.Fprintln(w, "Its identity policies are not in the snapshot: access that needs them is listed as a requirement.")
	}
	if len(r.Keys) == 0 {
		fmt.Fprintln(w, "It can use no key of the snapshot for the actions asked.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tACCESS\tACTIONS\tCONDITIONS")
	for _, k := range r.Keys {
		for i, g := range k.Access {
			name := k.Key
			if i > 0 {
				name = ""
			}
			writeRows(tw, []string{name}, g, r.Actions)
		}
	}
	return tw.Flush()
}

// writeRows writes one group: the lead cells and the access level on its
// first row, its actions four to a row, and one condition, deny or "via"
// line per row.
func writeRows(w io.Writer, lead []string, g Access, asked []string) {
	actions := actionLines(g.Actions, asked)
	conds := conditionLines(g)
	n := max(len(actions), len(conds))
	for i := range n {
		cells := make([]string, 0, len(lead)+3)
		level := g.Access
		if i > 0 {
			level = ""
			for range lead {
				cells = append(cells, "")
			}
		} else {
			cells = append(cells, lead...)
		}
		cells = append(cells, level, at(actions, i), at(conds, i))
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

func actionLines(actions, asked []string) []string {
	text := actionsText(actions, asked)
	if text != strings.Join(actions, ", ") {
		return []string{text}
	}
	var lines []string
	for i := 0; i < len(actions); i += 4 {
		end := min(i+4, len(actions))
		line := strings.Join(actions[i:end], ", ")
		if end < len(actions) {
			line += ","
		}
		lines = append(lines, line)
	}
	return lines
}

// conditionLines: what the request must meet (the path with the fewest
// conditions), how many other paths there are, the conditional denies, and
// the statements and grants of the path.
func conditionLines(g Access) []string {
	var lines []string
	for _, e := range bestPath(g) {
		if e.Requires != "" {
			lines = append(lines, e.Text)
		}
		for _, c := range e.Conditions {
			lines = append(lines, c.Text)
		}
	}
	if n := len(g.Paths) - 1; n > 0 && g.Access == Conditional {
		lines = append(lines, fmt.Sprintf("(or %d other way%s: see --format json)", n, plural(n)))
	}
	for _, d := range g.Unless {
		var cs []string
		for _, c := range d.Conditions {
			cs = append(cs, c.Text)
		}
		lines = append(lines, fmt.Sprintf("denied when %s (%s)", strings.Join(cs, " and "), reasonText(d.Reason)))
	}
	return append(lines, "via "+viaText(g))
}

// actionsText lists actions, or says "all" / "all but ..." against the
// actions asked about.
func actionsText(actions, asked []string) string {
	if len(asked) > 1 && len(actions) == len(asked) {
		return fmt.Sprintf("all %d key actions", len(asked))
	}
	if len(asked) > 8 && len(asked)-len(actions) <= 3 {
		have := map[string]bool{}
		for _, a := range actions {
			have[a] = true
		}
		var missing []string
		for _, a := range asked {
			if !have[a] {
				missing = append(missing, a)
			}
		}
		return fmt.Sprintf("all key actions but %s", strings.Join(missing, ", "))
	}
	return strings.Join(actions, ", ")
}

// bestPath is the path with the fewest conditions (the one the example
// context is for).
func bestPath(g Access) []Element {
	var best []Element
	least := -1
	for _, p := range g.Paths {
		n := 0
		for _, e := range p {
			n += len(e.Conditions)
			if e.Requires != "" {
				n++
			}
		}
		if least < 0 || n < least {
			best, least = p, n
		}
	}
	return best
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func viaText(g Access) string {
	var parts []string
	for _, e := range bestPath(g) {
		if e.Requires != "" {
			parts = append(parts, "its own account's IAM policy")
			continue
		}
		parts = append(parts, reasonText(e.Reason))
	}
	return strings.Join(parts, " + ")
}

// reasonText names a statement or grant: key policy #1 "Sid", identity
// policy 0 #2, permissions boundary #0, SCP level 1 policy 0 #0, grant g-1.
func reasonText(r *runner.Reason) string {
	if r == nil {
		return ""
	}
	n := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	var s string
	switch r.Policy {
	case "grant":
		if r.GrantID != "" {
			return "grant " + r.GrantID
		}
		return fmt.Sprintf("grant #%d", n(r.Index))
	case "key_policy":
		s = fmt.Sprintf("key policy #%d", n(r.Statement))
	case "identity_policy":
		s = fmt.Sprintf("identity policy %d #%d", n(r.Index), n(r.Statement))
	case "permissions_boundary":
		s = fmt.Sprintf("permissions boundary #%d", n(r.Statement))
	case "scp", "rcp":
		s = fmt.Sprintf("%s level %d policy %d #%d", strings.ToUpper(r.Policy), n(r.Level), n(r.Index), n(r.Statement))
	default:
		s = fmt.Sprintf("%s #%d", r.Policy, n(r.Statement))
	}
	if r.Sid != "" {
		s += fmt.Sprintf(" %q", r.Sid)
	}
	return s
}

// WriteDiffText writes a diff: "+" for added access, "-" for removed, "~" for
// changed conditions, each with the old and new level and conditions.
func WriteDiffText(w io.Writer, d *DiffReport) error {
	if len(d.Added)+len(d.Removed)+len(d.Changed) == 0 {
		fmt.Fprintln(w, "No access added, removed or changed.")
		return nil
	}
	write := func(mark string, list []Change) {
		for _, c := range list {
			fmt.Fprintf(w, "%s %s %s on %s: %s -> %s", mark, c.Principal, c.Action, c.Key, sideText(c.Old), sideText(c.New))
			if c.Expected != "" {
				fmt.Fprintf(w, " (expected: --allow %s)", c.Expected)
			}
			fmt.Fprintln(w)
		}
	}
	write("+", d.Added)
	write("~", d.Changed)
	write("-", d.Removed)
	fmt.Fprintf(w, "%d added, %d changed, %d removed; %d need review\n", len(d.Added), len(d.Changed), len(d.Removed), d.Unexpected())
	return nil
}

func sideText(s Side) string {
	if s.Access != Conditional {
		return s.Access
	}
	var paths []string
	for _, p := range s.Terms.Paths {
		paths = append(paths, strings.Join(p, " and "))
	}
	text := "conditional [" + strings.Join(paths, " | ") + "]"
	for _, u := range s.Terms.Unless {
		text += " unless [" + strings.Join(u, " and ") + "]"
	}
	return text
}
