package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes a JUnit XML report: one testsuite per file with findings or
// errors, one testcase per finding (named "KMS003 wildcard-principal, line
// 12"). A finding at or above --fail-on is a failure; one below it passes
// with its message in system-out; a suppressed one is skipped with its
// reason; a file that could not be checked has one testcase with an error.
// Files without findings are counted in the summary, not listed.
func JUnit(w io.Writer, res *result.Result, opt Options) error {
	out := junitSuites{Name: "kmsguard"}
	for _, g := range groups(res) {
		s := junitSuite{Name: g.file}
		for _, e := range g.errors {
			s.Cases = append(s.Cases, junitCase{Name: "kmsguard check", Classname: g.file,
				Error: &junitMessage{Message: e.Error(), Type: "input"}})
			s.Errors++
		}
		for _, f := range g.findings {
			c := junitCase{Name: caseName(f), Classname: g.file}
			text := findingText(f)
			switch {
			case f.Suppressed != nil:
				c.Skipped = &junitMessage{Message: "suppressed: " + f.Suppressed.Reason}
				s.Skipped++
			case failing(f, opt.FailOn):
				c.Failure = &junitMessage{Message: f.Msg, Type: f.Severity, Text: text}
				s.Failures++
			default:
				c.SystemOut = text
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func caseName(f *result.FileFinding) string {
	name := f.ID + " " + f.Name
	if f.Line > 0 {
		name += fmt.Sprintf(", line %d", f.Line)
	}
	if f.Resource != "" {
		name += ", " + f.Resource
	}
	return name
}

// findingText is the body of a failure: where, what, how to fix.
func findingText(f *result.FileFinding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: %s %s (%s): %s\n", f.File, f.Line, f.ID, f.Name, f.Severity, f.Msg)
	if f.Where != "" {
		fmt.Fprintf(&b, "in %s\n", f.Where)
	}
	b.WriteString(HelpText(f.Remediation, f.ID))
	return b.String()
}
