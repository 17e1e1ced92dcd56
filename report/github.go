package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

// GitHub writes GitHub Actions workflow commands, one per finding:
//
//	::error file=templates/app.yaml,line=12,title=KMS003 wildcard-principal::Statement[2] ...
//
// Findings at or above --fail-on are errors, others warnings, suppressed
// ones notices; files that could not be checked are errors titled
// "kmsguard".
func GitHub(w io.Writer, res *result.Result, opt Options) error {
	bw := bufio.NewWriter(w)
	for _, g := range groups(res) {
		for _, e := range g.errors {
			line, col := e.FileLine()
			writeCommand(bw, "error", e.File, line, col, "kmsguard", e.Detail())
		}
		for _, f := range g.findings {
			cmd, msg := "warning", f.Msg
			switch {
			case f.Suppressed != nil:
				cmd, msg = "notice", msg+" (suppressed: "+f.Suppressed.Reason+")"
			case failing(f, opt.FailOn):
				cmd = "error"
			}
			writeCommand(bw, cmd, f.File, f.Line, 0, f.ID+" "+f.Name, msg)
		}
	}
	return bw.Flush()
}

func writeCommand(w io.Writer, cmd, file string, line, col int, title, msg string) {
	props := []string{"file=" + escapeProperty(file)}
	if line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
		if col > 0 {
			props = append(props, fmt.Sprintf("col=%d", col))
		}
	}
	props = append(props, "title="+escapeProperty(title))
	fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
}

// Escaping of workflow command values (actions/toolkit, command.ts).
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
