package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/check"
	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/buildinfo"
	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
)

// checkParams are the flags and arguments of `kmsguard check`.
type checkParams struct {
	Paths []string
	// Formats are the --format values: FORMAT or FORMAT=FILE.
	Formats []string
	// Output is -o/--output: the file of the one format without its own.
	Output   string
	Skip     []string
	Verbose  bool
	Severity string
	FailOn   string
	Config   string
	Kind     string
	NoColor  bool
	Service  string
	KeyARN   string
	// Resource, Account and Principal refine --service: the resource the
	// key protects, the Auto Scaling group's account, the S3 caller.
	Resource  string
	Account   string
	Principal string
	// Dir is where the configuration search starts; "" is the working
	// directory.
	Dir string
	// Progress shows how many files are done on stderr (set when stderr is
	// a terminal).
	Progress bool
}

const checkLong = `Lint key policies and IAM policies for KMS risks with kmsguard's rules (see
"kmsguard rules").

PATH is a file, a directory (searched recursively for .json, .yaml, .yml and
.template files; hidden files and directories and node_modules are skipped; -v
names each skipped file and why), a quoted glob such as 'stacks/*.yaml', or -
for standard input. Paths with no policy document in them are an error. Each
file may be a policy document (JSON or YAML), the output of "aws kms
get-key-policy", a CloudFormation template (JSON or YAML, short intrinsics
such as !Sub allowed) or a Terraform plan ("terraform show -json"). A bare
policy naming a Principal is a key policy, otherwise an identity policy;
--kind overrides that. Findings below --severity are left out. docs/check.md
has the details.

The configuration is --config FILE or the first .kmsguard.yaml found in the
working directory or a parent, up to the repository root (the directory
holding .git): rule changes, key administrators, the services each key is for,
and suppressions (each with a reason). A CloudFormation resource can carry
its own: Metadata: {kmsguard: {skip: [{id: KMS006, reason: ...}]}}.
Suppressed findings are reported as such and do not fail the run. --skip
leaves rules out of the run altogether.

--format is repeatable: FORMAT writes to standard output (or to -o FILE),
FORMAT=FILE to FILE, so one run can write SARIF for code scanning and text
for the log: --format sarif=kmsguard.sarif --format text. At most one
format goes to standard output.

--service NAME checks instead whether a key policy lets that AWS service use
the key: iotfleetwise, logs, logs-anomaly-detector, autoscaling-ebs,
cloudtrail or s3.

Exit status: 0 no finding at or above --fail-on (always with --fail-on
none; with --service: ready),
1 findings at or above --fail-on (not ready), 2 usage error, bad
configuration, a file that could not be read or parsed (the other files
are still checked and reported) or, with --service, a question that could
not be answered.`

const checkExample = `  kmsguard check policies/ templates/app.yaml
  aws kms get-key-policy --key-id "$KEY" --policy-name default | kmsguard check -
  terraform show -json plan.out > plan.json && kmsguard check --format sarif -o kmsguard.sarif plan.json
  kmsguard check --format sarif=kmsguard.sarif --format text --fail-on high .
  kmsguard check --severity medium --fail-on none --skip KMS006,KMS017 --format github .
  kmsguard check --service logs --key-arn "$KEY_ARN" key-policy.json`

func newCheckCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var p checkParams
	cmd, f := newCommand("check [flags] PATH...",
		"Lint key policies, IAM policies, CloudFormation templates and Terraform plans",
		checkLong, checkExample, nil,
		func(cmd *cobra.Command, args []string) error {
			p.Paths = args
			return runCheck(cmd.Context(), p, stdin, stdout, stderr)
		})
	f.StringArrayVar(&p.Formats, "format", []string{"text"}, "output `FORMAT[=FILE]`: "+strings.Join(report.Formats, ", ")+" (repeatable)")
	f.StringVarP(&p.Output, "output", "o", "", "write the format without its own file to `FILE` instead of standard output")
	f.StringVar(&p.Severity, "severity", "info", "report findings of this `LEVEL` and above: "+strings.Join(result.Severities, ", "))
	f.StringVar(&p.FailOn, "fail-on", "medium", "exit 1 for findings of this `LEVEL` and above; none: never")
	f.StringSliceVar(&p.Skip, "skip", nil, "leave out the rules `IDS` (comma-separated, e.g. KMS006,KMS017)")
	f.BoolVarP(&p.Verbose, "verbose", "v", false, "name every file skipped and why on stderr")
	f.StringVar(&p.Config, "config", "", "configuration `FILE` (default: .kmsguard.yaml in the working directory or a parent)")
	f.StringVar(&p.Kind, "kind", "", "`KIND` of bare policy documents: key_policy or identity_policy (default: detected)")
	f.BoolVar(&p.NoColor, "no-color", false, "no colors in text output (also: NO_COLOR set)")
	f.StringVar(&p.Service, "service", "", "check that the key policy lets `SERVICE` use the key instead of linting")
	f.StringVar(&p.KeyARN, "key-arn", "", "with --service: the key's `ARN` (default: from the file, or a key of the configuration's account)")
	f.StringVar(&p.Resource, "resource", "", "with --service: the `ARN` of the log group, anomaly detector, trail or bucket the key protects")
	f.StringVar(&p.Account, "account", "", "with --service autoscaling-ebs: the `ACCOUNT` of the Auto Scaling group")
	f.StringVar(&p.Principal, "principal", "", "with --service s3: the IAM `ARN` that uploads and downloads")
	p.Progress = textwrap.IsTerminal(stderr)
	for flag, values := range map[string][]string{
		"format":   report.Formats,
		"severity": result.Severities,
		"fail-on":  append(append([]string{}, result.Severities...), result.FailOnNone),
		"service":  {"iotfleetwise", "logs", "logs-anomaly-detector", "autoscaling-ebs", "cloudtrail", "s3"},
	} {
		if err := cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)); err != nil {
			panic(err) // a programming error: the flags are defined above
		}
	}
	return cmd
}

// runCheck lints the files of p.Paths, or with p.Service checks a key
// policy's readiness for a service.
func runCheck(ctx context.Context, p checkParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(p.Paths) == 0 {
		return inputErrorf("no files given: kmsguard check PATH... (- reads standard input)")
	}
	if p.Service != "" {
		return runReadiness(ctx, p, stdin, stdout)
	}
	outputs, err := report.ParseOutputs(p.Formats, p.Output)
	if err != nil {
		return inputError(err)
	}
	req := p.request(stdin)
	if p.Progress {
		req.Progress = progress(stderr)
	}
	res, rules, err := req.Run(ctx, p.Verbose) // check.Request.Run
	if res != nil {
		report.Problems(stderr, res, p.Verbose)
	}
	if err != nil {
		return inputError(err)
	}
	opt := report.Options{FailOn: p.FailOn, Version: buildinfo.Version(), Rules: rules}
	for _, o := range outputs {
		if err := report.WriteOutput(o, res, opt, stdout, useColor(p, stdout)); err != nil {
			return inputError(fmt.Errorf("writing the report: %w", err))
		}
	}
	switch {
	case len(res.Errors) > 0:
		return unreadable
	case res.Failing(p.FailOn) > 0:
		return failed
	}
	return nil
}

// request is the check run p asks for.
func (p *checkParams) request(stdin io.Reader) check.Request {
	return check.Request{Paths: p.Paths, Config: p.Config, Dir: p.Dir, Kind: p.Kind, Severity: p.Severity,
		FailOn: p.FailOn, Skip: p.Skip, Stdin: stdin, Service: p.Service, KeyARN: p.KeyARN,
		Resource: p.Resource, Account: p.Account, Principal: p.Principal,
		DefaultKeyARN: exampleKeyARN}
}

// progress reports files done on one line of stderr (a terminal), for runs
// of more than a screenful of files, and clears the line at the end.
func progress(stderr io.Writer) func(done, total int) {
	return func(done, total int) {
		if total < progressMin {
			return
		}
		if done < total {
			fmt.Fprintf(stderr, "\rkmsguard: checked %d/%d files", done, total)
			return
		}
		fmt.Fprint(stderr, "\r\x1b[K")
	}
}

// progressMin is the number of files from which check shows progress.
const progressMin = 20

// useColor: text to a terminal, unless --no-color or NO_COLOR (the color
// library reads NO_COLOR and TERM=dumb for the process).
func useColor(p checkParams, stdout io.Writer) bool {
	return !p.NoColor && !color.NoColor && os.Getenv("NO_COLOR") == "" && textwrap.IsTerminal(stdout)
}

// runReadiness checks whether the key policies of one file let p.Service use
// the key: exit 0 when every one is ready, 1 otherwise.
func runReadiness(ctx context.Context, p checkParams, stdin io.Reader, stdout io.Writer) error {
	format := p.Formats[len(p.Formats)-1]
	if len(p.Formats) != 1 || p.Output != "" || (format != "text" && format != "json") {
		return inputErrorf("--format must be text or json with --service, to standard output, not %q", strings.Join(p.Formats, " "))
	}
	ready, err := p.request(stdin).RunReadiness(ctx, func(name string, rep *result.Readiness) error { // check.Request.RunReadiness
		var err error
		if format == "json" {
			err = report.ReadinessJSON(stdout, rep)
		} else {
			err = report.ReadinessText(stdout, name, rep, useColor(p, stdout))
		}
		if err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		return nil
	})
	switch {
	case err != nil:
		return inputError(err)
	case !ready:
		return failed
	}
	return nil
}

// exampleKeyARN is the catalog's example key of an account in the aws
// partition: the key a policy file is asked about when no key ARN is given.
func exampleKeyARN(account string) string {
	arn, _ := engine.ExampleKeyARN("aws", account)
	return arn
}
