package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// whoCanParams are the flags of `kmsguard who-can`.
type whoCanParams struct {
	Snapshot  string
	KeyPolicy string
	Key       string
	Principal string
	Action    string
	Format    string
	Stats     bool
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
	cmd, f := command("who-can (--snapshot FILE | --key-policy FILE) (--key ARN | --principal ARN) [--action kms:ACTION]",
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
	switch p.Format {
	case "text", "json", "dot", "mermaid":
	default:
		return inputErrorf("--format must be text, json, dot or mermaid, not %q", p.Format)
	}
	if p.Key != "" && p.Principal != "" {
		return inputErrorf("give exactly one of --key and --principal")
	}
	var snap map[string]any
	var keyPolicy map[string]any // the --key-policy document and its origin, as checkKeyPolicy takes them
	if p.KeyPolicy != "" {
		doc, o, err := policyfile.LoadOrigin(p.KeyPolicy, nil)
		if err != nil {
			return inputError(err)
		}
		keyPolicy = map[string]any{"policy": doc, "origin": o}
		key := p.Key
		if key == "" {
			account, err := access.PolicyAccount(doc)
			if err != nil {
				// A policy AWS would reject names no account: say what is wrong with it.
				if r, rerr := newRunner(ctx); rerr == nil {
					if cerr := checkKeyPolicy(ctx, r, keyPolicy); cerr != nil {
						return inputError(cerr)
					}
				}
				return inputError(err)
			}
			key = exampleKeyARN(account)
		}
		if snap, _, key, err = access.PolicySnapshots(doc, doc, key); err != nil {
			return inputError(err)
		}
		if p.Principal == "" {
			p.Key = key
		}
	}
	if (p.Key == "") == (p.Principal == "") {
		return inputErrorf("give exactly one of --key and --principal")
	}
	if snap == nil {
		var err error
		if snap, err = snapshot.Load(p.Snapshot); err != nil {
			return inputError(err)
		}
	}
	r, err := newRunner(ctx, runner.WithSnapshot(snap))
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}
	if keyPolicy != nil {
		if err := checkKeyPolicy(ctx, r, keyPolicy); err != nil {
			return inputError(err)
		}
	}
	var write func(io.Writer) error
	if p.Key != "" {
		rep, err := access.WhoCan(ctx, r, p.Key, p.Action, nil)
		if err != nil {
			return inputError(err)
		}
		write = func(w io.Writer) error { return report.WriteKeyReport(w, p.Format, rep) }
	} else {
		rep, err := access.CanUse(ctx, r, p.Principal, p.Action)
		if err != nil {
			return inputError(err)
		}
		write = func(w io.Writer) error { return report.WritePrincipalReport(w, p.Format, rep) }
	}
	if err := write(stdout); err != nil {
		return inputError(fmt.Errorf("writing the answer: %w", err))
	}
	if p.Stats {
		st := engine.Stats{Declined: 1} // without a native engine the Rego answered
		if n := r.Native(); n != nil {
			st = n.AccessStats()
		}
		fmt.Fprintf(stderr, "kmsguard who-can: %d answered by the native analysis, %d by the Rego (fallbacks)\n", st.Native, st.Declined)
	}
	return nil
}
