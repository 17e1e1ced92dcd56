// Package report renders what the commands answer. The result of `kmsguard
// check` (package check) in its output formats: text for people, json,
// sarif (code scanning), junit (CI test reports) and github (workflow
// annotations), one file per format; the rule catalog (rules.go), service
// readiness (readiness.go) and a decision of `kmsguard can` with its
// explanation (decision.go). Each writer takes the value, its options and a
// writer, and never exits.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

// Formats are the output formats of `kmsguard check`, the default first.
var Formats = []string{"text", "json", "sarif", "junit", "github"}

// Options configure a report.
type Options struct {
	// FailOn is the --fail-on level: findings at or above it fail the run.
	FailOn string
	// Color turns on ANSI colors in text output.
	Color bool
	// Width wraps the messages of text output to this many columns (the
	// terminal's, or textwrap.DefaultWidth); 0 does not wrap.
	Width int
	// Version is kmsguard's version, named in SARIF output.
	Version string
	// Rules is the rule catalog, described in SARIF output.
	Rules []result.Rule
}

// Write renders res in format.
func Write(w io.Writer, format string, res *result.Result, opt Options) error {
	switch format {
	case "text":
		return Text(w, res, opt)
	case "json":
		return JSON(w, res, opt)
	case "sarif":
		return SARIF(w, res, opt)
	case "junit":
		return JUnit(w, res, opt)
	case "github":
		return GitHub(w, res, opt)
	}
	return fmt.Errorf("unknown format %q (expected %s)", format, strings.Join(Formats, ", "))
}

// DocURL is the documentation page of a rule.
func DocURL(id string) string {
	return "https://github.com/kmsguard/kmsguard/blob/main/docs/rules/" + id + ".md"
}

// HelpText is the help of a rule: the remediation and the link to its page.
func HelpText(remediation, id string) string {
	if remediation == "" {
		return "See " + DocURL(id)
	}
	return strings.TrimSpace(remediation) + "\n\nSee " + DocURL(id)
}

// failing reports whether a finding fails the run.
func failing(f *result.FileFinding, failOn string) bool {
	return f.Suppressed == nil && result.AtLeast(f.Severity, failOn)
}

// byFile groups findings and errors by file, files in order.
type fileGroup struct {
	file     string
	findings []*result.FileFinding
	errors   []*result.InputError
}

func groups(res *result.Result) []*fileGroup {
	m := map[string]*fileGroup{}
	get := func(file string) *fileGroup {
		g, ok := m[file]
		if !ok {
			g = &fileGroup{file: file}
			m[file] = g
		}
		return g
	}
	for i := range res.Findings {
		g := get(res.Findings[i].File)
		g.findings = append(g.findings, &res.Findings[i])
	}
	for i := range res.Errors {
		g := get(res.Errors[i].File)
		g.errors = append(g.errors, &res.Errors[i])
	}
	out := make([]*fileGroup, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	return out
}

// plural is "1 file" or "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}
