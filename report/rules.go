package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/kmsguard/kmsguard/runner"
)

func sortRules(rules []runner.Rule) {
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
}

// RulesText writes the rule catalog as a table: id, severity, category,
// name, title.
func RulesText(w io.Writer, rules []runner.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tNAME\tTITLE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Category, r.Name, r.Title)
	}
	return tw.Flush()
}

// ruleJSON is a catalog entry with its documentation page.
type ruleJSON struct {
	runner.Rule
	Doc string `json:"doc"`
}

// RulesJSON writes the rule catalog as an indented JSON list.
func RulesJSON(w io.Writer, rules []runner.Rule) error {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		out[i] = ruleJSON{Rule: r, Doc: DocURL(r.ID)}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
