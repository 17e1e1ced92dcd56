package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/report"
)

// diffParams are the flags of `kmsguard diff`.
type diffParams struct {
	access.DiffRequest
	Format string
	Stats  bool
}

const diffLong = `Show the access that changes from OLD to NEW: two key policies (JSON or YAML,
or "aws kms get-key-policy" output) or two snapshots. For each key, principal
and KMS action: added (denied before, or conditional before and allowed now),
removed, or changed (conditional on both sides, under other conditions).

For two key policies the principals compared are those either policy names,
the key's account and "*" (anyone); identity policies are not known, so
access through them is shown as needing the principal's IAM policies. The key
is arn:aws:kms:us-east-1:ACCOUNT:key/kmsguard-diff in the account the
policies name, or --key.

Works offline, on files in a pull request. --allow PRINCIPAL:ACTION marks an
addition or change as expected (repeatable; * and ? are wildcards, an account
id covers its root): "arn:aws:iam::111122223333:role/App:kms:Decrypt",
"*:kms:Describe*".

Exit status: 0 no access added or changed beyond --allow, 1 access added or
changed (review needed), 2 bad input.`

const diffExample = `  kmsguard diff main/key-policy.json pr/key-policy.json
  kmsguard diff --allow 'arn:aws:iam::111122223333:role/App:kms:Decrypt' old.json new.json
  kmsguard diff --format json before-snapshot.json after-snapshot.json`

func newDiffCommand(stdout, stderr io.Writer) *cobra.Command {
	var p diffParams
	cmd, f := newCommand("diff OLD NEW",
		"Show the access added and removed between two key policies or snapshots",
		diffLong, diffExample, cobra.ExactArgs(2),
		func(cmd *cobra.Command, args []string) error {
			p.Old, p.New = args[0], args[1]
			return runDiff(cmd.Context(), p, stdout, stderr)
		})
	f.StringArrayVar(&p.Allow, "allow", nil, "expected addition `PRINCIPAL:ACTION` (repeatable, wildcards ok)")
	f.StringVar(&p.Key, "key", "", "the key `ARN` two key policies are compared on")
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text or json")
	f.BoolVar(&p.Stats, "stats", false, "write to standard error whether the native analysis answered or the Rego (a fallback), and how many keys it analysed")
	return cmd
}

func runDiff(ctx context.Context, p diffParams, stdout, stderr io.Writer) error {
	if err := checkFormat(p.Format, "text", "json"); err != nil {
		return err
	}
	d, err := p.Run(ctx) // access.DiffRequest.Run
	if err != nil {
		return inputError(err)
	}
	if err := report.WriteDiff(stdout, p.Format, d); err != nil {
		return inputError(fmt.Errorf("writing the diff: %w", err))
	}
	if p.Stats {
		report.WriteDiffStats(stderr, d.Stats)
	}
	if d.Unexpected() > 0 {
		return denied
	}
	return nil
}
