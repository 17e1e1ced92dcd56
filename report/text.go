package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/result"
)

// Colors of the severities.
var severityColor = map[string]*color.Color{
	"critical": color.New(color.Bold, color.FgMagenta),
	"high":     color.New(color.Bold, color.FgRed),
	"medium":   color.New(color.FgYellow),
	"low":      color.New(color.FgCyan),
	"info":     color.New(color.FgBlue),
}

var (
	colorDim  = color.New(color.Faint)
	colorBold = color.New(color.Bold)
)

// painter colors text when on (the CLI decides: a terminal, no NO_COLOR, no
// --no-color); off, or with a nil color, text is returned as is.
func painter(on bool) func(c *color.Color, s string) string {
	return func(c *color.Color, s string) string {
		if !on || c == nil {
			return s
		}
		// A copy: EnableColor overrides the library's own detection, which
		// looks at the process's stdout, not at the writer of the report.
		cc := *c
		cc.EnableColor()
		return cc.Sprint(s)
	}
}

// Text writes findings grouped by file, then a summary line:
//
//	templates/app.yaml
//	  12  high      KMS003 wildcard-principal  Statement[2] "Public" allows ...
//	                in Resources.AppKey.Properties.KeyPolicy
//
//	Checked 3 files (4 policies): 1 finding (1 high).
//
// Input errors are not repeated here: the CLI prints them on stderr.
func Text(w io.Writer, res *result.Result, opt Options) error {
	bw := bufio.NewWriter(w)
	paint := painter(opt.Color)
	for _, g := range groups(res) {
		if len(g.findings) == 0 {
			continue
		}
		fmt.Fprintln(bw, paint(colorBold, g.file))
		width := 1
		for _, f := range g.findings {
			width = max(width, len(fmt.Sprint(f.Line)))
		}
		indent := strings.Repeat(" ", 2+width+2+8+2)
		for _, f := range g.findings {
			line := "-"
			if f.Line > 0 {
				line = fmt.Sprint(f.Line)
			}
			sev := fmt.Sprintf("%-8s", f.Severity)
			head := fmt.Sprintf("%s %s", f.ID, f.Name)
			lead := fmt.Sprintf("  %*s  %s  %s  ", width, line, sev, head)
			msg := textwrap.Indent(f.Msg, lead, indent, opt.Width)[len(lead):]
			if f.Suppressed != nil {
				fmt.Fprintf(bw, "  %*s  %s  %s\n", width, line, paint(colorDim, sev), paint(colorDim, head+"  "+msg))
			} else {
				fmt.Fprintf(bw, "  %*s  %s  %s  %s\n", width, line, paint(severityColor[f.Severity], sev), head, msg)
			}
			if f.Where != "" {
				fmt.Fprintln(bw, textwrap.Indent("in "+f.Where, indent, indent, opt.Width))
			}
			if f.Suppressed != nil {
				note := fmt.Sprintf("suppressed: %s (%s)", f.Suppressed.Reason, f.Suppressed.Config)
				fmt.Fprintf(bw, "%s%s\n", indent, paint(colorDim, textwrap.Indent(note, indent, indent, opt.Width)[len(indent):]))
			}
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, textwrap.Indent(summaryLine(res.Summarize(opt.FailOn)), "", "", opt.Width))
	return bw.Flush()
}

// summaryLine says what was checked and found:
//
//	Checked 3 files (4 policies): 2 findings (1 high, 1 low), 1 suppressed. 5 other files skipped.
func summaryLine(s result.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Checked %s (%s): ", plural(s.Files, "file"), plural(s.Documents, "policy"))
	if s.Findings == 0 {
		b.WriteString("no findings")
	} else {
		var parts []string
		for _, c := range []struct {
			n    int
			name string
		}{{s.BySeverity.Critical, "critical"}, {s.BySeverity.High, "high"}, {s.BySeverity.Medium, "medium"},
			{s.BySeverity.Low, "low"}, {s.BySeverity.Info, "info"}} {
			if c.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
			}
		}
		fmt.Fprintf(&b, "%s (%s)", plural(s.Findings, "finding"), strings.Join(parts, ", "))
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, ", %d suppressed", s.Suppressed)
	}
	b.WriteString(".")
	if s.Findings > 0 {
		fmt.Fprintf(&b, " %d at or above %s.", s.Failing, s.FailOn)
	}
	if n := s.Skipped + s.NotPolicy; n > 0 {
		fmt.Fprintf(&b, " %s skipped.", plural(n, "other file"))
	}
	if s.Errors > 0 {
		fmt.Fprintf(&b, " %s.", plural(s.Errors, "error"))
	}
	return b.String()
}

// Problems writes to w, one "kmsguard: " line each, the files a check run
// left out (when verbose) and the files it could not check.
func Problems(w io.Writer, res *result.Result, verbose bool) {
	if verbose {
		for _, s := range res.Skips {
			fmt.Fprintf(w, "kmsguard: skipped %s: %s\n", s.File, s.Why)
		}
	}
	for i := range res.Errors {
		fmt.Fprintf(w, "kmsguard: %s\n", res.Errors[i].Error())
	}
}
