// Package check runs the lint rules over files: it collects the files of the
// paths given, parses them (package policyfile), evaluates every policy document
// found with the runner's lint query on all CPUs, and applies the
// configuration (.kmsguard.yaml): rule changes, key facts and suppressions.
// Rendering is package report's; exit codes are the CLI's.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/result"
)

// Extensions are the file name endings picked in directories; other files
// are skipped (and counted).
var Extensions = []string{".json", ".yaml", ".yml", ".template"}

// Linter evaluates the lint query for one input (*runner.Runner).
type Linter interface {
	Lint(ctx context.Context, input ast.Value) ([]result.Finding, error)
}

// Options configure a run.
type Options struct {
	// Config is the configuration; nil for none.
	Config *Config
	// Kind forces the kind ("key_policy", "identity_policy") of documents
	// whose format does not say it (bare policies, Terraform policy
	// documents).
	Kind string
	// Severity drops findings below it after configuration ("" keeps all).
	Severity string
	// Skip names rules left out of the run (--skip), as a disabled rule of
	// the configuration is: the lint entry point does not run them.
	Skip []string
	// Workers is the number of files evaluated at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Progress, when set, is called after each file with the number of
	// files done and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// target is one file to check.
type target struct {
	path     string // as opened ("-" for stdin)
	name     string // as shown (slash-separated)
	explicit bool   // named on the command line, not found in a directory
}

// Run checks the files and directories of paths ("-" is standard input).
// Files that cannot be read or parsed become Result.Errors and the run goes
// on; the error returned is for the run itself (cancelled, stdin twice).
func Run(ctx context.Context, l Linter, paths []string, opt Options) (*result.Result, error) {
	res := &result.Result{}
	targets, err := collect(paths, res)
	if err != nil {
		return nil, err
	}
	var stdin []byte
	for _, t := range targets {
		if t.path == "-" {
			if opt.Stdin == nil {
				return nil, errors.New("standard input is not available")
			}
			if stdin, _, err = policyfile.ReadFile("-", opt.Stdin, policyfile.MaxFile, "a file to check"); err != nil {
				return nil, err
			}
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(targets), 1))
	results := make([]fileResult, len(targets))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				results[i] = checkFile(ctx, l, targets[i], stdin, &opt)
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, len(targets))
					mu.Unlock()
				}
			}
		})
	}
	for i := range targets {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, r := range results {
		if r.notPolicy {
			res.Skips = append(res.Skips, result.Skip{File: targets[i].name, Why: errNotPolicy.Error()})
		}
		res.Findings = append(res.Findings, r.findings...)
		res.Errors = append(res.Errors, r.errs...)
		res.Documents += r.docs
		switch {
		case r.notPolicy:
			res.NotPolicy++
		case len(r.errs) == 0 || r.docs > 0:
			res.Files++
		}
	}
	Sort(res.Findings)
	sort.Slice(res.Skips, func(i, j int) bool { return res.Skips[i].File < res.Skips[j].File })
	sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].File < res.Errors[j].File })
	return res, nil
}

// Sort orders findings by file, line, rule id, then the rest of the
// location and the message, so output never depends on timing.
func Sort(fs []result.FileFinding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.ID != b.ID:
			return a.ID < b.ID
		case a.Where != b.Where:
			return a.Where < b.Where
		case stmt(a) != stmt(b):
			return stmt(a) < stmt(b)
		}
		return a.Msg < b.Msg
	})
}

func stmt(f *result.FileFinding) int {
	if f.Statement == nil {
		return -1
	}
	return *f.Statement
}

// collect lists the files to check; paths that cannot be read become
// errors of res.
func collect(paths []string, res *result.Result) ([]target, error) {
	var out []target
	seen := map[string]bool{}
	add := func(t target) {
		key := t.path
		if key != "-" {
			key = filepath.Clean(key)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, t)
		}
	}
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, errors.New("standard input (-) can be read only once")
			}
			stdin = true
			add(target{path: "-", name: policyfile.StdinName, explicit: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			res.Errors = append(res.Errors, result.InputError{File: display(p), Msg: pathErr(err)})
			continue
		}
		if !info.IsDir() {
			add(target{path: p, name: display(p), explicit: true})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Errors = append(res.Errors, result.InputError{File: display(path), Msg: pathErr(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if d.IsDir() {
				if path != p && (strings.HasPrefix(name, ".") || name == "node_modules") {
					res.Skips = append(res.Skips, result.Skip{File: display(path) + "/", Why: "hidden directory or node_modules"})
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(name, ".") { // .kmsguard.yaml and other dot files
				res.Skips = append(res.Skips, result.Skip{File: display(path), Why: "hidden file"})
				return nil
			}
			if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
				res.Skips = append(res.Skips, result.Skip{File: display(path), Why: "not a regular file"})
				return nil
			}
			if !hasExtension(name) {
				res.Skipped++
				res.Skips = append(res.Skips, result.Skip{File: display(path), Why: "extension not " + strings.Join(Extensions, ", ")})
				return nil
			}
			add(target{path: path, name: display(path)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func hasExtension(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// display is how a path is shown and matched: slash-separated, cleaned.
func display(p string) string {
	return filepath.ToSlash(filepath.Clean(p))
}

func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// fileResult is what one file gave.
type fileResult struct {
	findings  []result.FileFinding
	errs      []result.InputError
	docs      int
	notPolicy bool
}

func checkFile(ctx context.Context, l Linter, t target, stdin []byte, opt *Options) fileResult {
	var r fileResult
	fail := func(err error) fileResult {
		r.errs = append(r.errs, toInputError(t.name, err))
		return r
	}
	format, docs, err := readDocuments(t.path, t.name, bytes.NewReader(stdin))
	if err != nil {
		return fail(err)
	}
	if format == policyfile.FormatUnknown {
		if !t.explicit {
			r.notPolicy = true
			return r
		}
		return fail(errNotPolicy)
	}
	r.docs = len(docs)
	for i := range docs {
		if ctx.Err() != nil {
			return r
		}
		fs, err := lintDocument(ctx, l, &docs[i], opt)
		if err != nil {
			r.errs = append(r.errs, result.InputError{File: t.name, Line: docs[i].Line, Msg: whereMsg(docs[i].Where, err.Error())})
			continue
		}
		r.findings = append(r.findings, fs...)
	}
	return r
}

// errNotPolicy is said of a file in no format Documents knows.
var errNotPolicy = errors.New("not a policy document, get-key-policy output, CloudFormation template or Terraform plan")

// readDocuments reads the policy documents of the file at path ("-":
// stdin), naming it name in errors.
func readDocuments(path, name string, stdin io.Reader) (policyfile.Format, []policyfile.Document, error) {
	data, _, err := policyfile.ReadFile(path, stdin, policyfile.MaxFile, "a file to check")
	if err != nil {
		var pe *policyfile.Error
		if errors.As(err, &pe) {
			pe.File = name
		}
		return policyfile.FormatUnknown, nil, err
	}
	return policyfile.Documents(name, data)
}

func whereMsg(where, msg string) string {
	if where == "" {
		return msg
	}
	return where + ": " + msg
}

func toInputError(name string, err error) result.InputError {
	var pe *result.InputError
	if errors.As(err, &pe) {
		return *pe
	}
	return result.InputError{File: name, Msg: err.Error()}
}

// lintDocument evaluates one document and applies the configuration.
func lintDocument(ctx context.Context, l Linter, d *policyfile.Document, opt *Options) ([]result.FileFinding, error) {
	input, err := ast.InterfaceToValue(lintInput(d, opt))
	if err != nil {
		return nil, err
	}
	raw, err := l.Lint(ctx, input)
	if err != nil {
		return nil, err
	}
	out := make([]result.FileFinding, 0, len(raw))
	for _, f := range raw {
		fd := result.FileFinding{File: d.File, Line: d.Line, Where: d.Where, Resource: d.Resource, Finding: f}
		if f.Statement != nil {
			fd.Line = d.StatementLine(*f.Statement)
		}
		if opt.Config != nil {
			opt.Config.suppress(&fd)
		}
		if fd.Suppressed == nil {
			for _, s := range d.Skips {
				if s.ID == fd.ID {
					fd.Suppressed = &result.Suppressed{Reason: s.Reason, Config: fmt.Sprintf("%s:%d", d.File, s.Line)}
					break
				}
			}
		}
		if opt.Severity != "" && !result.AtLeast(fd.Severity, opt.Severity) {
			continue
		}
		out = append(out, fd)
	}
	return out, nil
}

// lintInput is the wrapper of docs/lint-format.md for one document.
func lintInput(d *policyfile.Document, opt *Options) map[string]any {
	in := map[string]any{"policy": d.Policy}
	kind := d.Kind
	if kind == "" {
		kind = opt.Kind
	}
	if kind != "" {
		in["kind"] = kind
	}
	if d.KeyARN != "" {
		in["key_arn"] = d.KeyARN
	}
	cfg := map[string]any{}
	if opt.Config != nil {
		cfg = opt.Config.lintConfig(d)
	}
	if len(opt.Skip) > 0 {
		rules, _ := cfg["rules"].(map[string]any)
		if rules == nil {
			rules = map[string]any{}
		}
		for _, id := range opt.Skip {
			rules[id] = map[string]any{"disabled": true}
		}
		cfg["rules"] = rules
	}
	if len(cfg) > 0 {
		in["config"] = cfg
	}
	return in
}

// lintConfig is the "config" the rules see for a document: the admins of the
// configuration and of every key entry matching the file or the key ARN, the
// services of those entries, and the account (the first one given, key
// entries first).
func (c *Config) lintConfig(d *policyfile.Document) map[string]any {
	admins := append([]string(nil), c.Admins...)
	var services []string
	account := ""
	file := c.relFile(d.File)
	for _, k := range c.Keys {
		if !k.match.matchFile(file) && !k.match.matchString(d.KeyARN) {
			continue
		}
		admins = append(admins, k.Admins...)
		services = append(services, k.Services...)
		if account == "" {
			account = k.Account
		}
	}
	if account == "" {
		account = c.Account
	}
	out := map[string]any{}
	if len(admins) > 0 {
		out["admins"] = toAny(uniq(admins))
	}
	if len(services) > 0 {
		out["services"] = toAny(uniq(services))
	}
	if account != "" {
		out["account"] = account
	}
	if rules := c.lintRules(); len(rules) > 0 {
		out["rules"] = rules
	}
	return out
}

// lintRules is the "rules" of the config the entry point applies before the
// rules run: the rules to leave out and the severities to change, by id.
func (c *Config) lintRules() map[string]any {
	out := map[string]any{}
	for id, rc := range c.Rules {
		r := map[string]any{}
		if rc.Disabled {
			r["disabled"] = true
		}
		if rc.Severity != "" {
			r["severity"] = rc.Severity
		}
		if len(r) > 0 {
			out[id] = r
		}
	}
	return out
}

// suppress marks a finding that a suppression of the configuration accepts.
// Disabled rules and changed severities are not applied here: the lint
// entry point applies them (config.rules, docs/lint-format.md).
func (c *Config) suppress(f *result.FileFinding) {
	file := c.relFile(f.File)
	for _, s := range c.Suppressions {
		if s.Rule != f.ID || (s.file != nil && !s.file.matchFile(file)) || (s.Sid != "" && s.Sid != f.Sid) {
			continue
		}
		f.Suppressed = &result.Suppressed{Reason: s.Reason, Config: fmt.Sprintf("%s:%d", c.File, s.Line)}
		break
	}
}

func uniq(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func toAny(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}
