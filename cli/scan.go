package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/scan"
	"github.com/kmsguard/kmsguard/snapshot"
)

// scanParams are the flags of `kmsguard scan`.
type scanParams struct {
	Output      string
	Regions     []string
	Profile     string
	EndpointURL string
	MaxAttempts int
	Concurrency int
	NoIAM       bool
	NoOrg       bool

	AttemptTimeout time.Duration
	Timeout        time.Duration
	AllowPartial   bool

	Organization       bool
	RoleName           string
	AccountConcurrency int
}

// progressEvery is how often scan writes a progress line when standard
// error is not a terminal.
const progressEvery = 5 * time.Second

const scanLong = `Read an AWS account's KMS keys (key policies, grants, aliases, tags and key
properties) and IAM users and roles (their inline, attached and group
policies and permissions boundaries) into a snapshot file
(docs/snapshot-format.md) for "kmsguard who-can", "kmsguard diff" and
questions that leave out what the snapshot holds.

Credentials and configuration come from the standard AWS chain (environment,
shared config and credentials files, --profile, SSO, instance roles).
AWS_ENDPOINT_URL (or --endpoint-url) points both clients elsewhere.

With --organization (from the organization's management account or a
delegated administrator) every active account of the organization is
scanned: the caller's own account with its credentials, every other one
through the role --role-name (sts:AssumeRole), --account-concurrency accounts
at once with the same bounds each; the snapshots are merged into one, and
every account records its organization and OU path (for aws:PrincipalOrgPaths
and aws:ResourceOrgPaths). An account whose role cannot be assumed is listed
in "errors" (exit 3). Calls added: organizations:DescribeOrganization,
ListAccounts, ListParents and sts:AssumeRole.

Calls used: kms:ListKeys, kms:ListAliases, kms:DescribeKey, kms:GetKeyPolicy,
kms:ListGrants, kms:GetKeyRotationStatus, kms:ListResourceTags and
iam:GetAccountAuthorizationDetails. A call that fails for one key (access
denied, a key deleted meanwhile) is recorded in the snapshot's "errors" and
the scan goes on; throttled calls are retried with backoff (--max-attempts).
The file is written whole or not at all.

Every attempt of every call has --attempt-timeout, a call that gets no
answer at all (timeout, refused connection) is tried 3 times, and the whole
scan has --timeout: an endpoint that never answers or cannot be reached fails
the scan (within a minute with the defaults) with a message naming it.
Progress goes to standard error: a counter on a terminal, else a line every
5 seconds.

Exit status: 0 written and complete; 3 written, but some keys or calls could
not be read (listed in the snapshot's "errors"; --allow-partial makes this
0); 2 bad flags, no credentials, or nothing could be read.`

const scanExample = `  kmsguard scan --region us-east-1 --region eu-west-1 -o snapshot.json
  AWS_PROFILE=audit kmsguard scan -o snapshot.json`

func newScanCommand(_ io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var p scanParams
	cmd, f := newCommand("scan -o FILE [--region REGION ...] [flags]", "Read an AWS account's keys and principals into a snapshot",
		scanLong, scanExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd.Context(), p, stdout, stderr)
		})
	f.StringVarP(&p.Output, "output", "o", "", "snapshot `FILE` to write")
	f.StringArrayVar(&p.Regions, "region", nil, "`REGION` to scan (repeatable; default: the configured Region)")
	f.StringVar(&p.Profile, "profile", "", "shared config `PROFILE`")
	f.StringVar(&p.EndpointURL, "endpoint-url", "", "base `URL` for the KMS and IAM APIs")
	f.IntVar(&p.MaxAttempts, "max-attempts", scan.DefaultMaxAttempts, "attempts per call, retries of throttled calls included")
	f.IntVar(&p.Concurrency, "concurrency", scan.DefaultConcurrency, "keys read at once")
	f.BoolVar(&p.NoIAM, "no-iam", false, "do not read IAM principals (keys only)")
	f.BoolVar(&p.NoOrg, "no-organization", false, "do not ask AWS Organizations for the account's organization")
	f.BoolVar(&p.Organization, "organization", false, "scan every account of the caller's AWS organization into one snapshot")
	f.StringVar(&p.RoleName, "role-name", scan.DefaultRoleName, "with --organization, the `ROLE` to assume in each member account")
	f.IntVar(&p.AccountConcurrency, "account-concurrency", scan.DefaultAccountConcurrency, "with --organization, accounts scanned at once")
	f.DurationVar(&p.AttemptTimeout, "attempt-timeout", scan.DefaultAttemptTimeout, "time for one attempt of one AWS call")
	f.DurationVar(&p.Timeout, "timeout", scan.DefaultTimeout, "time for the whole scan")
	f.BoolVar(&p.AllowPartial, "allow-partial", false, "exit 0 even when some keys or calls could not be read (they are in the snapshot's \"errors\")")
	if err := cmd.MarkFlagRequired("output"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	return cmd
}

// runScan scans and writes the snapshot; a summary goes to stderr.
func runScan(ctx context.Context, p scanParams, _ io.Writer, stderr io.Writer) error {
	if p.Output == "" {
		return inputErrorf("-o FILE is required")
	}
	if p.MaxAttempts < 1 || p.Concurrency < 1 {
		return inputErrorf("--max-attempts and --concurrency must be at least 1")
	}
	if p.AccountConcurrency < 1 {
		return inputErrorf("--account-concurrency must be at least 1")
	}
	if p.NoOrg && p.Organization {
		return inputErrorf("--organization and --no-organization exclude each other")
	}
	if p.RoleName == "" || strings.ContainsAny(p.RoleName, ":/ ") {
		return inputErrorf("--role-name must be a role name (no path, no ARN)")
	}
	if p.AttemptTimeout <= 0 || p.Timeout <= 0 {
		return inputErrorf("--attempt-timeout and --timeout must be positive")
	}
	opts := scan.Options{
		Regions:            p.Regions,
		Profile:            p.Profile,
		EndpointURL:        p.EndpointURL,
		MaxAttempts:        p.MaxAttempts,
		Concurrency:        p.Concurrency,
		SkipIAM:            p.NoIAM,
		SkipOrganizations:  p.NoOrg,
		AttemptTimeout:     p.AttemptTimeout,
		Timeout:            p.Timeout,
		Progress:           stderr,
		Organization:       p.Organization,
		RoleName:           p.RoleName,
		AccountConcurrency: p.AccountConcurrency,
	}
	if !textwrap.IsTerminal(stderr) {
		opts.ProgressEvery = progressEvery
	}
	snap, err := scan.Run(ctx, opts)
	if err != nil {
		return inputError(fmt.Errorf("scan: %w", err))
	}
	if err := snapshot.Write(p.Output, snap); err != nil {
		return inputError(err)
	}
	fmt.Fprintf(stderr, "kmsguard: wrote %s: %s\n", p.Output, report.SnapshotSummary(snap))
	if n := len(snapshotErrors(snap)); n > 0 && !p.AllowPartial {
		return exitWith(exitcode.Partial, fmt.Errorf("the snapshot is incomplete: %d calls failed (listed in its \"errors\"); --allow-partial accepts an incomplete snapshot", n))
	}
	return nil
}

func snapshotErrors(s map[string]any) []any {
	errs, _ := s["errors"].([]any)
	return errs
}
