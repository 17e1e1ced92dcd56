package check

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/result"
)

// Request is one `kmsguard check` run as its flags give it; every error
// of Lint and Readiness is about the request or its input.
type Request struct {
	Paths []string
	// Config is the configuration file; "" looks for ConfigName from Dir
	// ("" is the working directory) up.
	Config, Dir string
	Kind        string
	Severity    string
	FailOn      string
	Skip        []string
	Stdin       io.Reader
	Progress    func(done, total int)
	// Service, KeyARN, Resource, Account and Principal ask for the
	// service readiness of the key policies (Readiness) instead of lint.
	Service, KeyARN, Resource, Account, Principal string
	// DefaultKeyARN gives the key of an account for readiness without a
	// key ARN (as `kmsguard can` assumes one without --resource).
	DefaultKeyARN func(account string) string
}

// Lint checks the request's flags against the rule catalog, reads the
// configuration and runs the rules over the files (Run).
func Lint(ctx context.Context, l Linter, rules []result.Rule, req Request) (*result.Result, error) {
	for _, f := range []struct{ name, val string }{{"--severity", req.Severity}, {"--fail-on", req.FailOn}} {
		if f.name == "--fail-on" && f.val == result.FailOnNone {
			continue
		}
		if _, err := result.ParseSeverity(f.val); err != nil {
			if f.name == "--fail-on" {
				return nil, fmt.Errorf("--fail-on: unknown severity %q (expected %s, %s)", f.val, result.FailOnNone, strings.Join(result.Severities, ", "))
			}
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if req.Kind != "" && req.Kind != policyfile.KindKeyPolicy && req.Kind != policyfile.KindIdentityPolicy {
		return nil, fmt.Errorf("--kind must be %s or %s, not %q", policyfile.KindKeyPolicy, policyfile.KindIdentityPolicy, req.Kind)
	}
	for _, f := range []struct{ name, val string }{{"--key-arn", req.KeyARN}, {"--resource", req.Resource}, {"--account", req.Account}, {"--principal", req.Principal}} {
		if f.val != "" {
			return nil, fmt.Errorf("%s goes with --service", f.name)
		}
	}
	cfg, err := req.config()
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(rules))
	for _, rule := range rules {
		ids[rule.ID] = true
	}
	if cfg != nil {
		if err := cfg.Validate(ids); err != nil {
			return nil, err
		}
	}
	var skip []string
	for _, id := range req.Skip {
		id = strings.TrimSpace(id)
		if !ids[id] {
			return nil, fmt.Errorf("--skip: no rule %q (kmsguard rules lists them)", id)
		}
		skip = append(skip, id)
	}
	paths, err := expandGlobs(req.Paths)
	if err != nil {
		return nil, err
	}
	return Run(ctx, l, paths, Options{Config: cfg, Kind: req.Kind, Severity: req.Severity, Skip: skip, Stdin: req.Stdin, Progress: req.Progress})
}

// config reads the request's configuration file or the one found from its
// directory up; nil when there is none.
func (req *Request) config() (*Config, error) {
	path := req.Config
	if path == "" {
		dir := req.Dir
		if dir == "" {
			dir = "."
		}
		found, err := FindConfig(dir)
		if err != nil {
			return nil, fmt.Errorf("looking for %s: %w", ConfigName, err)
		}
		if found == "" {
			return nil, nil
		}
		path = found
	}
	return LoadConfig(path, displayPath(path))
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
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no file matches", p)
		}
		out = append(out, matches...)
	}
	return out, nil
}

// Readier answers service readiness questions (*runner.Runner).
type Readier interface {
	Readiness(ctx context.Context, input ast.Value) (*result.Readiness, error)
}

// ErrUnanswered is the error of a readiness run where some question could
// not be answered; the reports are written.
var ErrUnanswered = errors.New("some questions could not be answered")

// Readiness asks whether the key policies of the request's one file let
// req.Service use the key, giving each report to each with the name of its
// document. It reports whether every key policy is ready; an error that
// wraps ErrUnanswered comes after every report.
func Readiness(ctx context.Context, r Readier, req Request, each func(name string, rep *result.Readiness) error) (ready bool, err error) {
	if len(req.Paths) != 1 {
		return false, fmt.Errorf("--service checks one file, not %d", len(req.Paths))
	}
	name := inputName(req.Paths[0])
	format, docs, err := readDocuments(req.Paths[0], name, req.Stdin)
	if err != nil {
		return false, err
	}
	if format == policyfile.FormatUnknown {
		return false, &policyfile.Error{File: name, Msg: errNotPolicy.Error()}
	}
	var keys []policyfile.Document
	for _, d := range docs {
		kind := d.Kind
		if kind == "" {
			kind = req.Kind
		}
		if kind != policyfile.KindIdentityPolicy {
			keys = append(keys, d)
		}
	}
	if len(keys) == 0 {
		return false, fmt.Errorf("%s: no key policy found", name)
	}
	cfg, err := req.config()
	if err != nil {
		return false, err
	}
	// Without --key-arn or a key ARN in the file: a key of the
	// configuration's account.
	fallbackARN := ""
	if cfg != nil && cfg.Account != "" && req.DefaultKeyARN != nil {
		fallbackARN = req.DefaultKeyARN(cfg.Account)
	}
	ready = true
	var unanswered error
	for _, d := range keys {
		in := map[string]any{"service": req.Service, "policy": d.Policy}
		if arn := firstNonEmpty(req.KeyARN, d.KeyARN, fallbackARN); arn != "" {
			in["key_arn"] = arn
		}
		for k, v := range map[string]string{"resource": req.Resource, "account": req.Account, "principal": req.Principal} {
			if v != "" {
				in[k] = v
			}
		}
		input, err := ast.InterfaceToValue(in)
		if err != nil {
			return false, err
		}
		rep, err := r.Readiness(ctx, input)
		if err != nil {
			if strings.Contains(err.Error(), "key_arn:") {
				err = fmt.Errorf("%w (give the key with --key-arn)", err)
			}
			return false, err
		}
		name := d.File
		if d.Where != "" {
			name += " " + d.Where
		}
		if err := each(name, rep); err != nil {
			return false, err
		}
		ready = ready && rep.Ready
		for _, c := range rep.Checks {
			if c.Decision == nil || c.Decision.Error != "" {
				unanswered = fmt.Errorf("%s: %w", d.File, ErrUnanswered)
			}
		}
	}
	return ready, unanswered
}

// inputName is how a path given for readiness is named: as given, "<stdin>"
// for "-".
func inputName(path string) string {
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

// NoDocuments is the error of a run that found no policy document and no
// error in paths; nil otherwise. Without verbose it says how many files
// were skipped (-v names them).
func NoDocuments(res *result.Result, paths []string, verbose bool) error {
	if res.Documents > 0 || len(res.Errors) > 0 {
		return nil
	}
	hint := ""
	if n := len(res.Skips); n > 0 && !verbose {
		files := "1 file"
		if n != 1 {
			files = fmt.Sprintf("%d files", n)
		}
		hint = fmt.Sprintf(" (%s skipped; -v names them)", files)
	}
	return fmt.Errorf("no policy documents in %s%s", strings.Join(paths, " "), hint)
}
