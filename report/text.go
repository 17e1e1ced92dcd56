package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/check"
)

// ANSI colors of the severities.
var severityColor = map[string]string{
	"critical": "\x1b[1;35m", // bold magenta
	"high":     "\x1b[1;31m", // bold red
	"medium":   "\x1b[33m",   // yellow
	"low":      "\x1b[36m",   // cyan
	"info":     "\x1b[34m",   // blue
}

const (
	colorReset = "\x1b[0m"
	colorDim   = "\x1b[2m"
	colorBold  = "\x1b[1m"
)

// Text writes findings grouped by file, then a summary line:
//
//	templates/app.yaml
//	  12  high      KMS003 wildcard-principal  Statement[2] "Public" allows ...
//	                in Resources.AppKey.Properties.KeyPolicy
//
//	Checked 3 files (4 policies): 1 finding (1 high).
//
// Input errors are not repeated here: the CLI prints them on stderr.
func Text(w io.Writer, res *check.Result, opt Options) error {
	bw := bufio.NewWriter(w)
	paint := func(color, s string) string {
		if !opt.Color || color == "" {
			return s
		}
		return color + s + colorReset
	}
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
			msg := strings.ReplaceAll(f.Msg, "\n", "\n"+indent)
			head := fmt.Sprintf("%s %s", f.ID, f.Name)
			if f.Suppressed != nil {
				fmt.Fprintf(bw, "  %*s  %s  %s\n", width, line, paint(colorDim, sev), paint(colorDim, head+"  "+msg))
			} else {
				fmt.Fprintf(bw, "  %*s  %s  %s  %s\n", width, line, paint(severityColor[f.Severity], sev), head, msg)
			}
			if f.Where != "" {
				fmt.Fprintf(bw, "%sin %s\n", indent, f.Where)
			}
			if f.Suppressed != nil {
				fmt.Fprintf(bw, "%s%s\n", indent, paint(colorDim, fmt.Sprintf("suppressed: %s (%s)", f.Suppressed.Reason, f.Suppressed.Config)))
			}
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summaryLine(res.Summarize(opt.FailOn)))
	return bw.Flush()
}

// summaryLine says what was checked and found:
//
//	Checked 3 files (4 policies): 2 findings (1 high, 1 low), 1 suppressed. 5 other files skipped.
func summaryLine(s check.Summary) string {
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
