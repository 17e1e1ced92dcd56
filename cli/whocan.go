package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/report"
)

// whoCanParams are the flags of `kmsguard who-can`.
type whoCanParams struct {
	access.WhoCanRequest
	Format string
	Stats  bool
}

const whoCanLong = `List every principal that can call each KMS action on a key (--key), or every
key and action a principal can use (--principal), from a snapshot
("kmsguard scan" or "kmsguard snapshot import"), or from one key policy file
(--key-policy, no snapshot needed: the policy of a pull request).

With --key-policy the key is --key, or a key of the account the policy names;
the IAM policies of that account are not known, so access through them is
listed as needing the principal's own IAM policy.

For a key, the principals are the snapshot's IAM users and roles (through the
key policy's delegation to their account, their identity policies and
permissions boundaries), the principals the key policy and its grants name
(other accounts, service principals, grantees), the key's account, and "*"
for anyone else the key policy lets in. Each row says whether the access is
"allowed" (a request with no particular context is allowed) or
"conditional", and lists what a request must still meet: the conditions of
the statements that grant it ("only via s3.us-east-1.amazonaws.com"), the
grant constraints, and for principals whose IAM policies the snapshot does
not hold, that their own account must allow it. "denied when ..." lists
conditional denies. The JSON output (--format json) has every path, the
statements and grants behind them, and for conditional access an example
request context under which kmsguard decides Allowed.

Exit status: 0 answered, 2 bad input.`

const whoCanExample = `  kmsguard who-can --snapshot snapshot.json --key arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  kmsguard who-can --snapshot snapshot.json --key "$KEY" --action kms:Decrypt --format json
  kmsguard who-can --snapshot snapshot.json --principal arn:aws:iam::111122223333:role/App
  kmsguard who-can --key-policy key-policy.json`

func newWhoCanCommand(stdout, stderr io.Writer) *cobra.Command {
	var p whoCanParams
	cmd, f := newCommand("who-can (--snapshot FILE | --key-policy FILE) (--key ARN | --principal ARN) [--action kms:ACTION]",
		"List who can use a key, or what a principal can use",
		whoCanLong, whoCanExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runWhoCan(cmd.Context(), p, stdout, stderr)
		})
	f.StringVar(&p.Snapshot, "snapshot", "", "snapshot `FILE` (or a directory of them)")
	f.StringVar(&p.KeyPolicy, "key-policy", "", "one key policy `FILE` instead of a snapshot (JSON, YAML or get-key-policy output)")
	f.StringVar(&p.Key, "key", "", "the key `ARN`")
	f.StringVar(&p.Principal, "principal", "", "the principal `ARN` (IAM or STS ARN, account id or service principal)")
	f.StringVar(&p.Action, "action", "", "only this KMS `ACTION`, e.g. kms:Decrypt (default: every action on a key)")
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text, json, dot (Graphviz) or mermaid")
	f.BoolVar(&p.Stats, "stats", false, "write to standard error whether the native analysis answered or the Rego (a fallback)")
	cmd.MarkFlagsOneRequired("snapshot", "key-policy")
	cmd.MarkFlagsMutuallyExclusive("snapshot", "key-policy")
	return cmd
}

func runWhoCan(ctx context.Context, p whoCanParams, stdout, stderr io.Writer) error {
	if err := checkFormat(p.Format, "text", "json", "dot", "mermaid"); err != nil {
		return err
	}
	a, err := p.Run(ctx) // access.WhoCanRequest.Run
	if err != nil {
		return inputError(err)
	}
	if a.Key != nil {
		err = report.WriteKeyReport(stdout, p.Format, a.Key)
	} else {
		err = report.WritePrincipalReport(stdout, p.Format, a.Principal)
	}
	if err != nil {
		return inputError(fmt.Errorf("writing the answer: %w", err))
	}
	if p.Stats {
		report.WriteWhoCanStats(stderr, a.Stats.Native, a.Stats.Declined)
	}
	return nil
}
