package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kmsguard/kmsguard/check"
	"github.com/kmsguard/kmsguard/parse"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/report"
)

// checkParams are the flags and arguments of `kmsguard check`.
type checkParams struct {
	Paths    []string
	Format   string
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
}

const checkLong = `Lint key policies and IAM policies for KMS risks with kmsguard's rules (see
"kmsguard rules").

PATH is a file, a directory (searched recursively for .json, .yaml, .yml and
.template files; hidden files and directories and node_modules are skipped)
or - for standard input. Each file may be a policy document (JSON or YAML),
the output of "aws kms get-key-policy", a CloudFormation template (JSON or
YAML, short intrinsics such as !Sub allowed) or a Terraform plan ("terraform
show -json"). A bare policy naming a Principal is a key policy, otherwise an
identity policy; --kind overrides that. Findings below --severity are left
out. docs/check.md has the details.

The configuration is --config FILE or the first .kmsguard.yaml found in the
working directory or a parent, up to the repository root (the directory
holding .git): rule changes, key administrators, the services each key is for,
and suppressions (each with a reason). Suppressed findings are reported as
such and do not fail the run.

--service NAME checks instead whether a key policy lets that AWS service use
the key: iotfleetwise, logs, logs-anomaly-detector, autoscaling-ebs,
cloudtrail or s3.

Exit status: 0 no finding at or above --fail-on (with --service: ready),
1 findings at or above --fail-on (not ready), 2 usage error, bad
configuration, a file that could not be read or parsed (the other files
are still checked and reported) or, with --service, a question that could
not be answered.`

const checkExample = `  kmsguard check policies/ templates/app.yaml
  aws kms get-key-policy --key-id "$KEY" --policy-name default | kmsguard check -
  terraform show -json plan.out > plan.json && kmsguard check --format sarif plan.json > kmsguard.sarif
  kmsguard check --severity medium --fail-on high --format github .
  kmsguard check --service logs --key-arn "$KEY_ARN" key-policy.json`

func newCheckCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var p checkParams
	cmd := &cobra.Command{
		Use:     "check [flags] PATH...",
		Short:   "Lint key policies, IAM policies, CloudFormation templates and Terraform plans",
		Long:    checkLong,
		Example: checkExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			p.Paths = args
			return runCheck(cmd.Context(), p, stdin, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: "+strings.Join(report.Formats, ", "))
	f.StringVar(&p.Severity, "severity", "info", "report findings of this `LEVEL` and above: "+strings.Join(check.Severities, ", "))
	f.StringVar(&p.FailOn, "fail-on", "medium", "exit 1 for findings of this `LEVEL` and above")
	f.StringVar(&p.Config, "config", "", "configuration `FILE` (default: .kmsguard.yaml in the working directory or a parent)")
	f.StringVar(&p.Kind, "kind", "", "`KIND` of bare policy documents: key_policy or identity_policy (default: detected)")
	f.BoolVar(&p.NoColor, "no-color", false, "no colors in text output (also: NO_COLOR set)")
	f.StringVar(&p.Service, "service", "", "check that the key policy lets `SERVICE` use the key instead of linting")
	f.StringVar(&p.KeyARN, "key-arn", "", "with --service: the key's `ARN` (default: from the file, or a key of the configuration's account)")
	f.StringVar(&p.Resource, "resource", "", "with --service: the `ARN` of the log group, anomaly detector, trail or bucket the key protects")
	f.StringVar(&p.Account, "account", "", "with --service autoscaling-ebs: the `ACCOUNT` of the Auto Scaling group")
	f.StringVar(&p.Principal, "principal", "", "with --service s3: the IAM `ARN` that uploads and downloads")
	return cmd
}

// failed is the silent error of a run with findings at or above --fail-on
// (exit code 1).
var failed error = &exitError{code: ExitDenied}

// unreadable is the silent error of a run where some file could not be
// checked; the errors are already printed (exit code 2).
var unreadable error = &exitError{code: ExitInput}

// runCheck lints the files of p.Paths, or with p.Service checks a key
// policy's readiness for a service.
func runCheck(ctx context.Context, p checkParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(p.Paths) == 0 {
		return inputErrorf("no files given: kmsguard check PATH... (- reads standard input)")
	}
	if p.Service != "" {
		return runReadiness(ctx, p, stdin, stdout, stderr)
	}
	if !contains(report.Formats, p.Format) {
		return inputErrorf("--format must be one of %s, not %q", strings.Join(report.Formats, ", "), p.Format)
	}
	for _, f := range []struct{ name, val string }{{"--severity", p.Severity}, {"--fail-on", p.FailOn}} {
		if _, err := check.ParseSeverity(f.val); err != nil {
			return inputErrorf("%s: %v", f.name, err)
		}
	}
	if p.Kind != "" && p.Kind != parse.KindKeyPolicy && p.Kind != parse.KindIdentityPolicy {
		return inputErrorf("--kind must be %s or %s, not %q", parse.KindKeyPolicy, parse.KindIdentityPolicy, p.Kind)
	}
	for _, f := range []struct{ name, val string }{{"--key-arn", p.KeyARN}, {"--resource", p.Resource}, {"--account", p.Account}, {"--principal", p.Principal}} {
		if f.val != "" {
			return inputErrorf("%s goes with --service", f.name)
		}
	}
	cfg, err := loadCheckConfig(p)
	if err != nil {
		return err
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}
	rules := r.Rules()
	if cfg != nil {
		ids := make(map[string]bool, len(rules))
		for _, rule := range rules {
			ids[rule.ID] = true
		}
		if err := cfg.Validate(ids); err != nil {
			return inputError(err)
		}
	}
	res, err := check.Run(ctx, r, p.Paths, check.Options{Config: cfg, Kind: p.Kind, Severity: p.Severity, Stdin: stdin})
	if err != nil {
		return inputError(err)
	}
	for i := range res.Errors {
		fmt.Fprintf(stderr, "kmsguard: %s\n", res.Errors[i].Error())
	}
	opt := report.Options{FailOn: p.FailOn, Color: useColor(p, stdout), Version: moduleVersion(), Rules: rules}
	if err := report.Write(stdout, p.Format, res, opt); err != nil {
		return inputError(fmt.Errorf("writing the report: %w", err))
	}
	switch {
	case len(res.Errors) > 0:
		return unreadable
	case res.Failing(p.FailOn) > 0:
		return failed
	}
	return nil
}

// loadCheckConfig reads --config or the .kmsguard.yaml found from the
// working directory up; nil when there is none.
func loadCheckConfig(p checkParams) (*check.Config, error) {
	path := p.Config
	if path == "" {
		dir := p.Dir
		if dir == "" {
			dir = "."
		}
		found, err := check.FindConfig(dir)
		if err != nil {
			return nil, inputError(fmt.Errorf("looking for %s: %w", check.ConfigName, err))
		}
		if found == "" {
			return nil, nil
		}
		path = found
	}
	cfg, err := check.LoadConfig(path, displayPath(path))
	if err != nil {
		return nil, inputError(err)
	}
	return cfg, nil
}

// displayPath shows a path found by the configuration search relative to
// the working directory.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil {
		return rel
	}
	return path
}

// useColor: text to a terminal, unless --no-color or NO_COLOR.
func useColor(p checkParams, stdout io.Writer) bool {
	if p.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// runReadiness checks whether the key policies of one file let p.Service use
// the key: exit 0 when every one is ready, 1 otherwise.
func runReadiness(ctx context.Context, p checkParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if p.Format != "text" && p.Format != "json" {
		return inputErrorf("--format must be text or json with --service, not %q", p.Format)
	}
	if len(p.Paths) != 1 {
		return inputErrorf("--service checks one file, not %d", len(p.Paths))
	}
	docs, err := readDocuments(p.Paths[0], stdin)
	if err != nil {
		return inputError(err)
	}
	var keys []parse.Document
	for _, d := range docs {
		kind := d.Kind
		if kind == "" {
			kind = p.Kind
		}
		if kind != parse.KindIdentityPolicy {
			keys = append(keys, d)
		}
	}
	if len(keys) == 0 {
		return inputErrorf("%s: no key policy found", displayName(p.Paths[0]))
	}
	cfg, err := loadCheckConfig(p)
	if err != nil {
		return err
	}
	// Without --key-arn or a key ARN in the file: a key of the
	// configuration's account, as "kmsguard can" assumes without --resource.
	fallbackARN := ""
	if cfg != nil && cfg.Account != "" {
		fallbackARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", defaultRegion["aws"], cfg.Account, defaultKey)
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}
	ready := true
	var answerErr error
	for _, d := range keys {
		in := map[string]any{"service": p.Service, "policy": d.Policy}
		if arn := firstNonEmpty(p.KeyARN, d.KeyARN, fallbackARN); arn != "" {
			in["key_arn"] = arn
		}
		for k, v := range map[string]string{"resource": p.Resource, "account": p.Account, "principal": p.Principal} {
			if v != "" {
				in[k] = v
			}
		}
		input, err := ast.InterfaceToValue(in)
		if err != nil {
			return inputError(err)
		}
		rep, err := r.Readiness(ctx, input)
		if err != nil {
			if strings.Contains(err.Error(), "key_arn:") {
				err = fmt.Errorf("%w (give the key with --key-arn)", err)
			}
			return inputError(err)
		}
		name := d.File
		if d.Where != "" {
			name += " " + d.Where
		}
		if p.Format == "json" {
			err = report.ReadinessJSON(stdout, rep)
		} else {
			err = report.ReadinessText(stdout, name, rep, useColor(p, stdout))
		}
		if err != nil {
			return inputError(fmt.Errorf("writing the report: %w", err))
		}
		ready = ready && rep.Ready
		for _, c := range rep.Checks {
			if c.Decision == nil || c.Decision.Error != "" {
				answerErr = inputErrorf("%s: some questions could not be answered", d.File)
			}
		}
	}
	switch {
	case answerErr != nil:
		return answerErr
	case !ready:
		return failed
	}
	return nil
}

// readDocuments reads the policy documents of one file ("-": stdin).
func readDocuments(path string, stdin io.Reader) ([]parse.Document, error) {
	name := displayName(path)
	data, _, err := policyfile.ReadFile(path, stdin, parse.MaxFile, "a file to check")
	if err != nil {
		var pe *policyfile.Error
		if errors.As(err, &pe) {
			pe.File = name
		}
		return nil, err
	}
	format, docs, err := parse.File(name, data)
	if err != nil {
		return nil, err
	}
	if format == parse.FormatUnknown {
		return nil, &policyfile.Error{File: name, Msg: "not a policy document, get-key-policy output, CloudFormation template or Terraform plan"}
	}
	return docs, nil
}

func displayName(path string) string {
	if path == "-" {
		return policyfile.StdinName
	}
	return path
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
