package report

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/result"
)

// Text layout of who-can and diff: a block per principal (or key), one
// line per group of actions with its access level, then what a request
// must meet, indented under the actions and wrapped to the width.
const (
	levelIndent = "  "
	termsIndent = "               " // under the actions: 2 + len("conditional") + 2
)

// WriteKeyReport writes a who-can answer in format: text (lines of the
// width of w), json, dot or mermaid.
func WriteKeyReport(w io.Writer, format string, r *result.KeyReport) error {
	return writeAccess(w, format, SchemaWhoCan, r, func() error { return WriteKeyText(w, r, textwrap.Width(w)) }, func() *Graph { return KeyGraph(r) })
}

// WritePrincipalReport writes a who-can --principal answer in format: text
// (lines of the width of w), json, dot or mermaid.
func WritePrincipalReport(w io.Writer, format string, r *result.PrincipalReport) error {
	return writeAccess(w, format, SchemaCanUse, r, func() error { return WritePrincipalText(w, r, textwrap.Width(w)) }, func() *Graph { return PrincipalGraph(r) })
}

func writeAccess(w io.Writer, format, schema string, r any, text func() error, graph func() *Graph) error {
	switch format {
	case "json":
		return WriteJSON(w, schema, r, "")
	case "dot":
		return WriteDOT(w, graph())
	case "mermaid":
		return WriteMermaid(w, graph())
	default:
		return text()
	}
}

// WriteDiff writes a diff in format: text (lines of the width of w) or
// json.
func WriteDiff(w io.Writer, format string, d *result.DiffReport) error {
	if format == "json" {
		return WriteJSON(w, SchemaDiff, d, "")
	}
	return WriteDiffText(w, d, textwrap.Width(w))
}

// WriteKeyText writes a who-can answer: a block per principal with each
// group of actions that have the same access, the conditions a request
// must meet, the conditional denies, and the statements or grants that give
// the access; lines fit width columns (ARNs are never broken).
func WriteKeyText(w io.Writer, r *result.KeyReport, width int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Key: %s\n", r.Key)
	if len(r.Principals) == 0 {
		fmt.Fprintln(bw, "No principal can use the key for the actions asked.")
	}
	allowed, conditional := 0, 0
	for _, p := range r.Principals {
		typ := p.Type
		if p.External {
			typ += ", external"
		}
		fmt.Fprintf(bw, "\n%s (%s)\n", p.Principal, typ)
		unconditional := false
		for _, g := range p.Access {
			writeGroup(bw, g, r.Actions, width)
			unconditional = unconditional || g.Access == result.Allowed
		}
		if unconditional {
			allowed++
		} else {
			conditional++
		}
	}
	if len(r.Principals) > 0 {
		fmt.Fprintf(bw, "\n%d principal%s: %d with access needing no condition, %d only under conditions.\n",
			len(r.Principals), pluralS(len(r.Principals)), allowed, conditional)
	}
	if len(r.Unparsed) > 0 {
		fmt.Fprintln(bw, textwrap.Indent("Not analysed (principals kmsguard cannot evaluate): "+strings.Join(r.Unparsed, ", "), "", levelIndent, width))
	}
	return bw.Flush()
}

// WritePrincipalText writes a who-can --principal answer: a block per key.
func WritePrincipalText(w io.Writer, r *result.PrincipalReport, width int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Principal: %s (%s)\n", r.Principal, r.Type)
	if !r.InSnapshot && r.Type != "account" && r.Type != "service" {
		fmt.Fprintln(bw, textwrap.Indent("Its identity policies are not in the snapshot: access that needs them is listed as a requirement.", "", "", width))
	}
	if len(r.Keys) == 0 {
		fmt.Fprintln(bw, "It can use no key of the snapshot for the actions asked.")
		return bw.Flush()
	}
	for _, k := range r.Keys {
		ext := ""
		if k.External {
			ext = " (another account's key)"
		}
		fmt.Fprintf(bw, "\n%s%s\n", k.Key, ext)
		for _, g := range k.Access {
			writeGroup(bw, g, r.Actions, width)
		}
	}
	return bw.Flush()
}

// writeGroup writes one group of actions:
//
//	conditional  kms:Decrypt, kms:Encrypt
//	             only via s3.us-east-1.amazonaws.com
//	             via key policy #2 "ThroughS3"
func writeGroup(w io.Writer, g result.Access, asked []string, width int) {
	lead := fmt.Sprintf("%s%-11s  ", levelIndent, g.Access)
	fmt.Fprintln(w, textwrap.Indent(actionsText(g.Actions, asked), lead, termsIndent, width))
	for _, line := range conditionLines(g) {
		fmt.Fprintln(w, textwrap.Indent(line, termsIndent, termsIndent+"  ", width))
	}
}

// conditionLines: what the request must meet (the path with the fewest
// conditions), how many other paths there are, the conditional denies, and
// the statements and grants of the path.
func conditionLines(g result.Access) []string {
	var lines []string
	for _, e := range g.BestPath() {
		if e.Requires != "" {
			lines = append(lines, e.Text)
		}
		for _, c := range e.Conditions {
			lines = append(lines, c.Text)
		}
	}
	if n := len(g.Paths) - 1; n > 0 && g.Access == result.Conditional {
		lines = append(lines, fmt.Sprintf("(or %d other way%s: see --format json)", n, pluralS(n)))
	}
	for _, d := range g.Unless {
		var cs []string
		for _, c := range d.Conditions {
			cs = append(cs, c.Text)
		}
		lines = append(lines, fmt.Sprintf("denied when %s (%s)", strings.Join(cs, " and "), accessReasonText(d.Reason)))
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

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// viaText names the statements and grants of the path, each once, and
// the principal's own IAM policy once when the path needs it.
func viaText(g result.Access) string {
	var parts []string
	seen := map[string]bool{}
	for _, e := range g.BestPath() {
		part := "its own account's IAM policy"
		if e.Requires == "" {
			part = accessReasonText(e.Reason)
		}
		if !seen[part] {
			seen[part] = true
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, " + ")
}

// accessReasonText names a statement or grant: key policy #1 "Sid", identity
// policy 0 #2, permissions boundary #0, SCP level 1 policy 0 #0, grant g-1.
func accessReasonText(r *result.Reason) string {
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

// WriteDiffText writes a diff grouped by key and principal: "+" for added
// access, "-" for removed, "~" for changed conditions; actions with the
// same change share a line, and conditional access lists its ways one per
// line, wrapped to width.
//
//	arn:aws:kms:us-east-1:111122223333:key/kmsguard-diff
//	  arn:aws:iam::444455556666:root
//	    + kms:Decrypt, kms:Encrypt: denied -> allowed
func WriteDiffText(w io.Writer, d *result.DiffReport, width int) error {
	bw := bufio.NewWriter(w)
	if len(d.Added)+len(d.Removed)+len(d.Changed) == 0 {
		fmt.Fprintln(bw, "No access added, removed or changed.")
		return bw.Flush()
	}
	type line struct {
		mark     string
		actions  []string
		old, new result.Side
		expected string
	}
	type block struct {
		key, principal string
		lines          []*line
	}
	var blocks []*block
	find := map[[2]string]*block{}
	add := func(mark string, list []result.Change) {
		for _, c := range list {
			b := find[[2]string{c.Key, c.Principal}]
			if b == nil {
				b = &block{key: c.Key, principal: c.Principal}
				find[[2]string{c.Key, c.Principal}] = b
				blocks = append(blocks, b)
			}
			var same *line
			for _, l := range b.lines {
				if l.mark == mark && reflect.DeepEqual(l.old, c.Old) && reflect.DeepEqual(l.new, c.New) && (l.expected == "") == (c.Expected == "") {
					same = l
					break
				}
			}
			if same == nil {
				same = &line{mark: mark, old: c.Old, new: c.New}
				b.lines = append(b.lines, same)
			}
			same.actions = append(same.actions, c.Action)
			if c.Expected != "" && !strings.Contains(same.expected, c.Expected) {
				same.expected = strings.TrimPrefix(same.expected+", "+c.Expected, ", ")
			}
		}
	}
	add("+", d.Added)
	add("~", d.Changed)
	add("-", d.Removed)
	sort.SliceStable(blocks, func(i, j int) bool {
		if blocks[i].key != blocks[j].key {
			return blocks[i].key < blocks[j].key
		}
		return blocks[i].principal < blocks[j].principal
	})
	key := ""
	for _, b := range blocks {
		if b.key != key {
			key = b.key
			fmt.Fprintln(bw, key)
		}
		fmt.Fprintf(bw, "  %s\n", b.principal)
		for _, l := range b.lines {
			head := fmt.Sprintf("%s: %s -> %s", strings.Join(l.actions, ", "), l.old.Access, l.new.Access)
			if l.expected != "" {
				head += " (expected: --allow " + l.expected + ")"
			}
			fmt.Fprintln(bw, textwrap.Indent(head, "    "+l.mark+" ", "      ", width))
			writeSide(bw, "before", l.old, width)
			writeSide(bw, "after", l.new, width)
		}
	}
	fmt.Fprintf(bw, "%d added, %d changed, %d removed; %d need review\n", len(d.Added), len(d.Changed), len(d.Removed), d.Unexpected())
	return bw.Flush()
}

// writeSide describes the conditions of conditional access, one way per
// line:
//
//	before: A and B
//	        or C
//	        but denied when D
func writeSide(w io.Writer, label string, s result.Side, width int) {
	if s.Access != result.Conditional {
		return
	}
	first := fmt.Sprintf("        %-8s", label+":")
	rest := strings.Repeat(" ", len(first))
	word := ""
	for _, p := range s.Terms.Paths {
		fmt.Fprintln(w, textwrap.Indent(word+strings.Join(p, " and "), first, rest+"   ", width))
		first, word = rest, "or "
	}
	for _, u := range s.Terms.Unless {
		fmt.Fprintln(w, textwrap.Indent("but denied when "+strings.Join(u, " and "), first, rest+"   ", width))
		first = rest
	}
}

// Terms of an access group as the text output shows them, for other
// renderers (the HTML report): what a request must meet on the path with the
// fewest conditions, how many other paths there are, the conditional denies
// ("when ... (statement)"), and the statements and grants of that path.
type AccessTerms struct {
	Requires   []string
	OtherPaths int
	Unless     []string
	Via        string
}

// TermsOf gives the terms of an access group.
func TermsOf(g result.Access) AccessTerms {
	var t AccessTerms
	for _, e := range g.BestPath() {
		if e.Requires != "" {
			t.Requires = append(t.Requires, e.Text)
		}
		for _, c := range e.Conditions {
			t.Requires = append(t.Requires, c.Text)
		}
	}
	if g.Access == result.Conditional {
		t.OtherPaths = max(len(g.Paths)-1, 0)
	}
	for _, d := range g.Unless {
		var cs []string
		for _, c := range d.Conditions {
			cs = append(cs, c.Text)
		}
		t.Unless = append(t.Unless, fmt.Sprintf("%s (%s)", strings.Join(cs, " and "), accessReasonText(d.Reason)))
	}
	t.Via = viaText(g)
	return t
}
