package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/runner"
)

// bundleBuildParams are the flags of `kmsguard bundle build`.
type bundleBuildParams struct {
	Output     string
	Data       string
	Revision   string
	SigningKey string
	SigningAlg string
	KeyID      string
}

// bundleVerifyParams are the flags of `kmsguard bundle verify`.
type bundleVerifyParams struct {
	File            string
	VerificationKey string
	SigningAlg      string
	KeyID           string
	Format          string
}

const bundleLong = `Build and check OPA bundles of kmsguard's policy, for "kmsguard serve
--bundle" and for fleets of stock OPA servers ("opa run --server --bundle",
or a bundle service), which then answer at the same paths:
/v1/data/kmsguard/authz/decision and /v1/data/kmsguard/authz/explain.`

const bundleBuildLong = `Write the built-in policy as a standard OPA bundle (.tar.gz): manifest roots
["kmsguard"], rego_version 1, without tests. --data puts a snapshot file or a
directory of snapshot files (docs/snapshot-format.md) at kmsguard/snapshot.

--signing-key signs the bundle in OPA's bundle signing format
(.signatures.json): a PEM private key for RS256 and ES256, or for HS256 a file
whose exact bytes are the shared secret. --key-id sets the token's "kid", the
key's name in the verifier's keys configuration.

The file is written next to its final name and renamed into place, so a
server watching it never reads half a bundle.`

const bundleBuildExample = `  kmsguard bundle build -o kmsguard.tar.gz --revision "$(git rev-parse HEAD)"
  kmsguard bundle build -o kmsguard.tar.gz --data snapshots/ \
    --signing-key private.pem --signing-alg RS256`

const bundleVerifyLong = `Check a bundle: that it can be read, that its manifest has the root
"kmsguard", that its modules compile and define the decision, that its snapshot
(if any) is well formed, and, with --verification-key, that it is signed with
that key. Prints a summary.

Exit status: 0 if the bundle passes, 2 if not.`

func newBundleCommand(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build and verify OPA bundles of the policy",
		Long:  bundleLong,
		Example: `  # Build a signed bundle with a snapshot, check it, serve it with stock OPA.
  kmsguard bundle build -o kmsguard.tar.gz --data snapshot.json \
    --signing-key private.pem --signing-alg RS256
  kmsguard bundle verify --verification-key public.pem kmsguard.tar.gz
  opa run --server --bundle kmsguard.tar.gz`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newBundleBuildCommand(stdout), newBundleVerifyCommand(stdout))
	return cmd
}

func newBundleBuildCommand(stdout io.Writer) *cobra.Command {
	var p bundleBuildParams
	cmd, f := newCommand("build -o FILE [flags]",
		"Write the policy (and a snapshot) as an OPA bundle",
		bundleBuildLong, bundleBuildExample, cobra.NoArgs,
		func(_ *cobra.Command, _ []string) error {
			return runBundleBuild(p, stdout)
		})
	f.StringVarP(&p.Output, "output", "o", "", "bundle `FILE` to write (.tar.gz)")
	f.StringVar(&p.Data, "data", "", "snapshot `FILE` or directory of snapshot files to include")
	f.StringVar(&p.Revision, "revision", "", "manifest `REVISION`")
	f.StringVar(&p.SigningKey, "signing-key", "", "sign with the private key (or HMAC secret) in `FILE`")
	f.StringVar(&p.SigningAlg, "signing-alg", "RS256", "signing `ALGORITHM`: RS256, ES256 or HS256")
	f.StringVar(&p.KeyID, "key-id", "", "key `NAME` put in the signature (\"kid\")")
	if err := cmd.MarkFlagRequired("output"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	return cmd
}

const bundleVerifyExample = `  kmsguard bundle verify kmsguard.tar.gz
  kmsguard bundle verify kmsguard.tar.gz --verification-key public.pem --signing-alg RS256`

func newBundleVerifyCommand(stdout io.Writer) *cobra.Command {
	var p bundleVerifyParams
	cmd, f := newCommand("verify FILE [flags]",
		"Check a bundle and print a summary",
		bundleVerifyLong, bundleVerifyExample, cobra.ExactArgs(1),
		func(_ *cobra.Command, args []string) error {
			p.File = args[0]
			return runBundleVerify(p, stdout)
		})
	f.StringVar(&p.VerificationKey, "verification-key", "", "require a signature by the public key (or HMAC secret) in `FILE`")
	f.StringVar(&p.SigningAlg, "signing-alg", "RS256", "signature `ALGORITHM`: RS256, ES256 or HS256")
	f.StringVar(&p.KeyID, "key-id", "", "`NAME` of the verification key (default \"default\")")
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text or json")
	return cmd
}

// runBundleBuild writes the bundle, reads it back, checks it and prints its
// summary.
func runBundleBuild(p bundleBuildParams, stdout io.Writer) error {
	if p.Output == "" {
		return inputErrorf("--output is required")
	}
	opts := kbundle.BuildOptions{Revision: p.Revision}
	if p.SigningKey != "" {
		opts.Signing = &kbundle.Signing{KeyFile: p.SigningKey, Algorithm: p.SigningAlg, KeyID: p.KeyID}
	}
	size, sum, err := runner.BuildBundleFile(context.Background(), p.Output, p.Data, opts)
	if err != nil {
		return inputError(err)
	}
	return report.BundleBuiltText(stdout, p.Output, size, sum, report.BundleSigning{Algorithm: p.SigningAlg, KeyID: p.KeyID})
}

func runBundleVerify(p bundleVerifyParams, stdout io.Writer) error {
	if err := checkFormat(p.Format, "text", "json"); err != nil {
		return err
	}
	var v *kbundle.Verification
	if p.VerificationKey != "" {
		v = &kbundle.Verification{KeyFile: p.VerificationKey, Algorithm: p.SigningAlg, KeyID: p.KeyID}
	}
	sum, err := kbundle.VerifyFile(p.File, v)
	if err != nil {
		return inputError(err)
	}
	if p.Format == "json" {
		err = report.BundleJSON(stdout, sum)
	} else {
		err = report.BundleVerifiedText(stdout, p.File, sum, report.BundleSigning{Algorithm: p.SigningAlg, KeyID: p.KeyID})
	}
	if err != nil {
		return inputError(err)
	}
	return nil
}
