package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/report"
)

// rulesParams are the flags of `kmsguard rules`.
type rulesParams struct {
	Format string // text or json
}

const rulesLong = `Print the catalog of lint rules "kmsguard check" runs: id, severity,
category, name and title, read from the rules' METADATA. Each rule has a page
docs/rules/<ID>.md with examples and the remediation.`

const rulesExample = `  kmsguard rules
  kmsguard rules --format json | jq -r '.rules[] | select(.severity == "critical") | .id'`

func newRulesCommand(stdout io.Writer) *cobra.Command {
	var p rulesParams
	cmd, f := newCommand("rules [--format text|json]",
		"List the lint rules of kmsguard check",
		rulesLong, rulesExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runRules(cmd.Context(), p, stdout)
		})
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text or json")
	return cmd
}

func runRules(ctx context.Context, p rulesParams, stdout io.Writer) error {
	if err := checkFormat(p.Format, "text", "json"); err != nil {
		return err
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(err)
	}
	rules := r.Rules()
	if p.Format == "json" {
		err = report.RulesJSON(stdout, rules)
	} else {
		err = report.RulesText(stdout, rules, textwrap.Width(stdout))
	}
	if err != nil {
		return inputError(fmt.Errorf("writing the rules: %w", err))
	}
	return nil
}
