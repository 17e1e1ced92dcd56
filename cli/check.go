package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fatih/color"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/check"
	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/policyfile"
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
	cmd, f := command("check [flags] PATH...",
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
		return runReadiness(ctx, p, stdin, stdout, stderr)
	}
	outputs, err := checkOutputs(p.Formats, p.Output)
	if err != nil {
		return err
	}
	for _, f := range []struct{ name, val string }{{"--severity", p.Severity}, {"--fail-on", p.FailOn}} {
		if f.name == "--fail-on" && f.val == result.FailOnNone {
			continue
		}
		if _, err := result.ParseSeverity(f.val); err != nil {
			if f.name == "--fail-on" {
				return inputErrorf("--fail-on: unknown severity %q (expected %s, %s)", f.val, result.FailOnNone, strings.Join(result.Severities, ", "))
			}
			return inputErrorf("%s: %v", f.name, err)
		}
	}
	if p.Kind != "" && p.Kind != policyfile.KindKeyPolicy && p.Kind != policyfile.KindIdentityPolicy {
		return inputErrorf("--kind must be %s or %s, not %q", policyfile.KindKeyPolicy, policyfile.KindIdentityPolicy, p.Kind)
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
	ids := make(map[string]bool, len(rules))
	for _, rule := range rules {
		ids[rule.ID] = true
	}
	if cfg != nil {
		if err := cfg.Validate(ids); err != nil {
			return inputError(err)
		}
	}
	var skip []string
	for _, id := range p.Skip {
		id = strings.TrimSpace(id)
		if !ids[id] {
			return inputErrorf("--skip: no rule %q (kmsguard rules lists them)", id)
		}
		skip = append(skip, id)
	}
	paths, err := expandGlobs(p.Paths)
	if err != nil {
		return err
	}
	opts := check.Options{Config: cfg, Kind: p.Kind, Severity: p.Severity, Skip: skip, Stdin: stdin}
	if p.Progress {
		opts.Progress = progress(stderr)
	}
	res, err := check.Run(ctx, r, paths, opts)
	if err != nil {
		return inputError(err)
	}
	if p.Verbose {
		for _, s := range res.Skips {
			fmt.Fprintf(stderr, "kmsguard: skipped %s: %s\n", s.File, s.Why)
		}
	}
	for i := range res.Errors {
		fmt.Fprintf(stderr, "kmsguard: %s\n", res.Errors[i].Error())
	}
	if res.Documents == 0 && len(res.Errors) == 0 {
		hint := ""
		if len(res.Skips) > 0 && !p.Verbose {
			hint = fmt.Sprintf(" (%s skipped; -v names them)", plural(len(res.Skips), "file"))
		}
		return inputErrorf("no policy documents in %s%s", strings.Join(p.Paths, " "), hint)
	}
	for _, o := range outputs {
		if err := writeCheckOutput(o, p, res, rules, stdout); err != nil {
			return err
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

// checkOutput is one report of a run: a format and the file it goes to (""
// for standard output).
type checkOutput struct{ format, file string }

// checkOutputs pairs the --format values with their files: FORMAT=FILE
// names its own, and the one FORMAT without a file goes to -o FILE or
// standard output.
func checkOutputs(formats []string, output string) ([]checkOutput, error) {
	var out []checkOutput
	files := map[string]bool{}
	toStdout := 0
	for _, f := range formats {
		name, file, hasFile := strings.Cut(f, "=")
		if !contains(report.Formats, name) {
			return nil, inputErrorf("--format must be one of %s (optionally =FILE), not %q", strings.Join(report.Formats, ", "), f)
		}
		if hasFile && file == "" {
			return nil, inputErrorf("--format %s: the file name is empty", f)
		}
		if !hasFile {
			toStdout++
			file = output
		}
		if file != "" {
			if files[file] {
				return nil, inputErrorf("two formats write to %s", file)
			}
			files[file] = true
		}
		out = append(out, checkOutput{name, file})
	}
	switch {
	case toStdout > 1:
		return nil, inputErrorf("only one --format can go to standard output or -o; give the others a file: --format FORMAT=FILE")
	case toStdout == 0 && output != "":
		return nil, inputErrorf("-o %s: every --format names its own file", output)
	}
	return out, nil
}

// writeCheckOutput writes one report; files are replaced whole.
func writeCheckOutput(o checkOutput, p checkParams, res *result.Result, rules []result.Rule, stdout io.Writer) error {
	opt := report.Options{FailOn: p.FailOn, Version: moduleVersion(), Rules: rules, Width: textwrap.DefaultWidth}
	if o.file == "" {
		opt.Color = useColor(p, stdout)
		opt.Width = textwrap.Width(stdout)
		if err := report.Write(stdout, o.format, res, opt); err != nil {
			return inputError(fmt.Errorf("writing the report: %w", err))
		}
		return nil
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, o.format, res, opt); err != nil {
		return inputError(fmt.Errorf("writing the report: %w", err))
	}
	if err := os.WriteFile(o.file, buf.Bytes(), 0o644); err != nil {
		return inputError(fmt.Errorf("writing the report: %w", err))
	}
	return nil
}

// expandGlobs replaces each path that does not exist but holds a glob
// pattern ('stacks/*.yaml', quoted so the shell leaves it) with the paths it
// matches; a pattern matching nothing is an error.
func expandGlobs(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil || p == "-" || !strings.ContainsAny(p, "*?[") {
			out = append(out, p)
			continue
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, inputErrorf("%s: %v", p, err)
		}
		if len(matches) == 0 {
			return nil, inputErrorf("%s: no file matches", p)
		}
		out = append(out, matches...)
	}
	return out, nil
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

// plural is "1 file" or "2 files".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// useColor: text to a terminal, unless --no-color or NO_COLOR (the color
// library reads NO_COLOR and TERM=dumb for the process).
func useColor(p checkParams, stdout io.Writer) bool {
	return !p.NoColor && !color.NoColor && os.Getenv("NO_COLOR") == "" && textwrap.IsTerminal(stdout)
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
	format := p.Formats[len(p.Formats)-1]
	if len(p.Formats) != 1 || p.Output != "" || (format != "text" && format != "json") {
		return inputErrorf("--format must be text or json with --service, to standard output, not %q", strings.Join(p.Formats, " "))
	}
	if len(p.Paths) != 1 {
		return inputErrorf("--service checks one file, not %d", len(p.Paths))
	}
	docs, err := readDocuments(p.Paths[0], stdin)
	if err != nil {
		return inputError(err)
	}
	var keys []policyfile.Document
	for _, d := range docs {
		kind := d.Kind
		if kind == "" {
			kind = p.Kind
		}
		if kind != policyfile.KindIdentityPolicy {
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
		if format == "json" {
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
func readDocuments(path string, stdin io.Reader) ([]policyfile.Document, error) {
	name := displayName(path)
	data, _, err := policyfile.ReadFile(path, stdin, policyfile.MaxFile, "a file to check")
	if err != nil {
		var pe *policyfile.Error
		if errors.As(err, &pe) {
			pe.File = name
		}
		return nil, err
	}
	format, docs, err := policyfile.Documents(name, data)
	if err != nil {
		return nil, err
	}
	if format == policyfile.FormatUnknown {
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
