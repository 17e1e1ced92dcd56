package cli

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/htmlreport"
)

// reportParams are the flags of `kmsguard report`: the report to write
// (htmlreport.Request).
type reportParams struct {
	htmlreport.Request
}

const reportLong = `Write an HTML report of a snapshot's keys, one self-contained page to open
in a browser (no network access: its style sheet and script are inlined; it
works from a file:// URL):

  * an account summary: keys, keys open to any principal ("*"), keys other
    accounts can use, the external accounts, rule-pack findings by severity;
  * per key (collapsed until opened): who can do what, with the conditions a
    request must still meet (as "kmsguard who-can" lists them), its grants,
    its rule-pack findings ("kmsguard check") with remediation, and its access
    graph;
  * with --base OLD, the access added, changed and removed since the older
    snapshot ("kmsguard diff"), highlighted.

The search box shows the rows of a principal (or the keys whose ARN or alias
contains the text).

Exit status: 0 written, 2 bad input.`

const reportExample = `  kmsguard report --snapshot snapshot.json -o report.html
  kmsguard report --snapshot today.json --base last-week.json -o report.html`

func newReportCommand(stdout, stderr io.Writer) *cobra.Command {
	var p reportParams
	cmd, f := newCommand("report --snapshot FILE [--base OLD] -o report.html",
		"Write an HTML report of who can use each key of a snapshot",
		reportLong, reportExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), p, stdout, stderr)
		})
	f.StringVar(&p.Snapshot, "snapshot", "", "snapshot `FILE` (or a directory of them)")
	f.StringVar(&p.Base, "base", "", "an older snapshot `FILE` to show the access added and removed since")
	f.StringVarP(&p.Output, "output", "o", "", "the HTML `FILE` to write (- for standard output)")
	for _, name := range []string{"snapshot", "output"} {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err) // a programming error: the flags are defined above
		}
	}
	return cmd
}

func runReport(ctx context.Context, p reportParams, stdout, _ io.Writer) error {
	reportGC()
	if err := p.Run(ctx, stdout); err != nil { // htmlreport.Request.Run
		return inputError(err)
	}
	return nil
}

// reportGC sets the garbage collector's target and soft memory limit for a
// report (htmlreport.GCPercent, htmlreport.MemoryLimit): its analysis
// allocates heavily and short-lived, and its live heap is the snapshot and
// a few kilobytes a key. An explicit GOGC or GOMEMLIMIT in the environment
// wins.
func reportGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(htmlreport.GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(htmlreport.MemoryLimit)
	}
}
