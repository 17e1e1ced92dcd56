package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// diffParams are the flags of `kmsguard diff`.
type diffParams struct {
	Old, New string
	Allow    []string
	Key      string
	Format   string
	Stats    bool
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
	cmd, f := command("diff OLD NEW",
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
	if p.Format != "text" && p.Format != "json" {
		return inputErrorf("--format must be text or json, not %q", p.Format)
	}
	var allows []access.Allow
	for _, a := range p.Allow {
		al, err := access.ParseAllow(a)
		if err != nil {
			return inputError(err)
		}
		allows = append(allows, al)
	}
	oldSnap, oldIsSnap, err := readDiffSide(p.Old)
	if err != nil {
		return inputError(err)
	}
	newSnap, newIsSnap, err := readDiffSide(p.New)
	if err != nil {
		return inputError(err)
	}
	if oldIsSnap != newIsSnap {
		return inputErrorf("compare two key policies or two snapshots, not one of each (%s, %s)", p.Old, p.New)
	}
	if oldIsSnap && p.Key != "" {
		return inputErrorf("--key applies to two key policies, not to snapshots")
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}
	if !oldIsSnap {
		for _, side := range []map[string]any{oldSnap, newSnap} {
			if err := checkKeyPolicy(ctx, r, side); err != nil {
				return inputError(err)
			}
		}
		if oldSnap, newSnap, _, err = access.PolicySnapshots(oldSnap["policy"], newSnap["policy"], p.Key); err != nil {
			return inputError(err)
		}
	}
	d, err := access.Diff(ctx, r, oldSnap, newSnap, nil)
	if err != nil {
		return inputError(err)
	}
	access.MarkExpected(d, allows)
	if err := report.WriteDiff(stdout, p.Format, d); err != nil {
		return inputError(fmt.Errorf("writing the diff: %w", err))
	}
	if p.Stats {
		fmt.Fprintln(stderr, "kmsguard diff:", d.Stats)
	}
	if d.Unexpected() > 0 {
		return denied
	}
	return nil
}

// readDiffSide reads a snapshot (a directory, or a JSON object whose
// "format" is the snapshot format) or a key policy, which it returns as
// {"policy": document}.
func readDiffSide(path string) (m map[string]any, isSnapshot bool, err error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		s, err := snapshot.Load(path)
		return s, true, err
	}
	data, _, err := policyfile.ReadFile(path, nil, snapshot.MaxFile, "a snapshot file")
	if err != nil {
		return nil, false, err
	}
	var probe struct {
		Format *string `json:"format"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.Format != nil {
		s, err := snapshot.Load(path)
		return s, true, err
	}
	doc, o, err := policyfile.LoadOrigin(path, nil)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"policy": doc, "origin": o}, false, nil
}

// checkKeyPolicy reports the errors the policy engine finds in a key policy
// read from a file, at their place in the file (FILE:LINE:COLUMN), so that
// diff does not compare a document AWS would reject.
func checkKeyPolicy(ctx context.Context, r *runner.Runner, side map[string]any) error {
	o, _ := side["origin"].(policyfile.Origin)
	key, ok := engine.DefaultRegionKeyARN("aws", "111122223333", access.DiffKeyID)
	if !ok {
		return errors.New("the catalog has no default Region for the aws partition")
	}
	q := map[string]any{
		"principal": "111122223333", "action": "kms:DescribeKey",
		"resource":   key,
		"key_policy": side["policy"],
	}
	input, err := ast.InterfaceToValue(q)
	if err != nil {
		return err
	}
	a := r.Decide(ctx, input)
	if a.Error == "" {
		return nil
	}
	var msgs []string
	policyfile.MapMessages(a.Error, func(path []policyfile.Segment, msg string) (string, bool) {
		if len(path) > 0 && !path[0].IsIndex && path[0].Key == "key_policy" {
			msgs = append(msgs, o.Place(path[1:], msg))
		}
		return "", false
	})
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}
