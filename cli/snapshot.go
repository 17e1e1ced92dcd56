package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/snapshot"
)

// snapshotImportParams are the flags of `kmsguard snapshot import`.
type snapshotImportParams struct {
	Output      string
	KeyPolicies []string // ARN=FILE
	Grants      []string // ARN=FILE
	IAM         []string
}

const snapshotImportLong = `Assemble a snapshot offline from saved AWS CLI outputs, without credentials:

  aws kms get-key-policy --key-id ARN --policy-name default   > key-policy.json
  aws kms list-grants --key-id ARN                             > grants.json
  aws iam get-account-authorization-details                    > iam.json

--key-policy and --grants take ARN=FILE (the key's ARN); a key with grants
needs its key policy too. Bare policy documents and grant lists in the
question's shape are read as well.

Exit status: 0 written, 2 bad input.`

const snapshotImportExample = `  kmsguard snapshot import -o snapshot.json \
    --key-policy arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab=key-policy.json \
    --grants arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab=grants.json \
    --iam iam.json`

func newSnapshotCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Assemble or merge snapshot files",
		Long: `Build snapshots (docs/snapshot-format.md) without calling AWS: "import" from
saved AWS CLI outputs, "merge" several snapshots (one per account) into one.
"kmsguard scan" takes a snapshot from AWS directly.`,
		Example: `  # One snapshot from saved AWS CLI outputs, then one for the organization.
  kmsguard snapshot import -o prod.json \
    --key-policy "$KEY_ARN=key-policy.json" --grants "$KEY_ARN=grants.json" --iam iam.json
  kmsguard snapshot merge -o all.json prod.json staging.json
  kmsguard who-can --snapshot all.json --key "$KEY_ARN"`,
		Args: cobra.NoArgs,
	}
	var p snapshotImportParams
	imp := &cobra.Command{
		Use:     "import -o FILE [--key-policy ARN=FILE ...] [--grants ARN=FILE ...] [--iam FILE ...]",
		Short:   "Assemble a snapshot from saved AWS CLI outputs",
		Long:    snapshotImportLong,
		Example: snapshotImportExample,
		Args:    cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			return runSnapshotImport(p, time.Now(), stderr)
		},
	}
	f := imp.Flags()
	f.SortFlags = false
	f.StringVarP(&p.Output, "output", "o", "", "snapshot `FILE` to write")
	f.StringArrayVar(&p.KeyPolicies, "key-policy", nil, "`ARN=FILE`: a key's policy (get-key-policy output or a policy; repeatable)")
	f.StringArrayVar(&p.Grants, "grants", nil, "`ARN=FILE`: a key's grants (list-grants output; repeatable)")
	f.StringArrayVar(&p.IAM, "iam", nil, "get-account-authorization-details output `FILE` (repeatable)")
	if err := imp.MarkFlagRequired("output"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}

	var out string
	merge := &cobra.Command{
		Use:   "merge -o FILE SNAPSHOT...",
		Short: "Merge snapshot files (or directories of them) into one",
		Long: `Merge snapshots, for example one scan per account, into one file. A key or
principal in two inputs is an error; roles and accounts given twice must be
given identically.

Exit status: 0 written, 2 bad input.`,
		Example: "  kmsguard snapshot merge -o all.json prod.json staging.json",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return runSnapshotMerge(out, args, time.Now(), stderr)
		},
	}
	merge.Flags().StringVarP(&out, "output", "o", "", "snapshot `FILE` to write")
	if err := merge.MarkFlagRequired("output"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	cmd.AddCommand(imp, merge)
	return cmd
}

func runSnapshotImport(p snapshotImportParams, now time.Time, stderr io.Writer) error {
	src := snapshot.ImportSources{KeyPolicies: map[string]string{}, Grants: map[string]string{}, IAM: p.IAM}
	for _, f := range []struct {
		flag string
		list []string
		into map[string]string
	}{{"--key-policy", p.KeyPolicies, src.KeyPolicies}, {"--grants", p.Grants, src.Grants}} {
		for _, v := range f.list {
			arn, file, ok := strings.Cut(v, "=")
			if !ok || arn == "" || file == "" {
				return inputErrorf("%s %q: expected KEY-ARN=FILE", f.flag, v)
			}
			if _, dup := f.into[arn]; dup {
				return inputErrorf("%s: key %s given twice", f.flag, arn)
			}
			f.into[arn] = file
		}
	}
	if len(src.KeyPolicies) == 0 && len(src.Grants) == 0 && len(src.IAM) == 0 {
		return inputErrorf("nothing to import: give --key-policy ARN=FILE or --iam FILE")
	}
	snap, err := snapshot.Import(src, now)
	if err != nil {
		return inputError(err)
	}
	if err := snapshot.Write(p.Output, snap); err != nil {
		return inputError(err)
	}
	fmt.Fprintf(stderr, "kmsguard: wrote %s: %s\n", p.Output, report.SnapshotSummary(snap))
	return nil
}

func runSnapshotMerge(out string, inputs []string, now time.Time, stderr io.Writer) error {
	var files []snapshot.File
	for _, in := range inputs {
		s, err := snapshot.Load(in)
		if err != nil {
			return inputError(err)
		}
		files = append(files, snapshot.File{Name: in, Snapshot: s})
	}
	merged, err := snapshot.Merge(files)
	if err != nil {
		return inputError(err)
	}
	merged["generated_at"] = now.UTC().Format(time.RFC3339)
	if err := snapshot.Write(out, merged); err != nil {
		return inputError(err)
	}
	fmt.Fprintf(stderr, "kmsguard: wrote %s: %s\n", out, report.SnapshotSummary(merged))
	return nil
}
