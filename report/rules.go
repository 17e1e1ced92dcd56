package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/result"
)

func sortRules(rules []result.Rule) {
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
}

// RulesText writes the rule catalog as a table: id, severity, category,
// name, title; titles wrap within width columns (0: no wrapping).
func RulesText(w io.Writer, rules []result.Rule, width int) error {
	head := []string{"ID", "SEVERITY", "CATEGORY", "NAME"}
	cols := make([]int, len(head))
	rows := make([][]string, len(rules))
	for i, r := range rules {
		rows[i] = []string{r.ID, r.Severity, r.Category, r.Name}
	}
	for _, row := range append([][]string{head}, rows...) {
		for i, c := range row {
			cols[i] = max(cols[i], len(c))
		}
	}
	lead := func(row []string) string {
		var b strings.Builder
		for i, c := range row {
			fmt.Fprintf(&b, "%-*s  ", cols[i], c)
		}
		return b.String()
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, lead(head)+"TITLE")
	pad := strings.Repeat(" ", len(lead(head)))
	for i, r := range rules {
		fmt.Fprintln(bw, textwrap.Indent(r.Title, lead(rows[i]), pad, width))
	}
	return bw.Flush()
}

// ruleJSON is a catalog entry with its documentation page.
type ruleJSON struct {
	result.Rule
	Doc string `json:"doc"`
}

// RulesJSON writes the rule catalog as an indented JSON object: the schema
// and the list of rules.
func RulesJSON(w io.Writer, rules []result.Rule) error {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		out[i] = ruleJSON{Rule: r, Doc: DocURL(r.ID)}
	}
	return WriteJSON(w, SchemaRules, struct {
		Rules []ruleJSON `json:"rules"`
	}{out}, "  ")
}
