package check

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/result"
)

// fakeLinter stands in for the rules: a statement whose Sid is "Public"
// gives a high KMS003 finding, "Wide" a low KMS007; a document without
// Version gives a document-level info KMS009. It records the inputs.
type fakeLinter struct {
	inputs []map[string]any
	fail   bool
}

func (l *fakeLinter) Lint(_ context.Context, input ast.Value) ([]result.Finding, error) {
	if l.fail {
		return nil, errors.New("evaluation failed: boom")
	}
	v, err := ast.JSON(input)
	if err != nil {
		return nil, err
	}
	in := v.(map[string]any)
	l.inputs = append(l.inputs, in)
	doc := in["policy"].(map[string]any)
	var out []result.Finding
	if _, ok := doc["Version"]; !ok {
		out = append(out, result.Finding{ID: "KMS009", Name: "policy-version", Severity: "info", Msg: "no Version"})
	}
	stmts, _ := doc["Statement"].([]any)
	for i, s := range stmts {
		m, _ := s.(map[string]any)
		sid, _ := m["Sid"].(string)
		idx := i
		switch sid {
		case "Public":
			out = append(out, result.Finding{ID: "KMS003", Name: "wildcard-principal", Severity: "high", Msg: "public", Statement: &idx, Sid: sid})
		case "Wide":
			out = append(out, result.Finding{ID: "KMS007", Name: "wide", Severity: "low", Msg: "wide", Statement: &idx, Sid: sid})
		}
	}
	return applyRules(out, in), nil
}

// applyRules does what the lint entry point does with config.rules
// (docs/lint-format.md): disabled rules report nothing, and severities
// change.
func applyRules(fs []result.Finding, in map[string]any) []result.Finding {
	cfg, _ := in["config"].(map[string]any)
	rules, _ := cfg["rules"].(map[string]any)
	var out []result.Finding
	for _, f := range fs {
		rc, _ := rules[f.ID].(map[string]any)
		if rc["disabled"] == true {
			continue
		}
		if s, ok := rc["severity"].(string); ok {
			f.Severity = s
		}
		out = append(out, f)
	}
	return out
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	publicPolicy = `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
  {"Sid": "Wide", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:*", "Resource": "*"}
]}`
	cleanPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}`
)

// chdir runs the test in dir.
func chdir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}

func TestRunDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a/public.json":             publicPolicy,
		"a/clean.yaml":              "Version: 2012-10-17\nStatement:\n  - {Effect: Allow, Action: kms:Decrypt, Resource: '*'}\n",
		"a/notes.txt":               "not checked",
		"a/package.json":            `{"name": "x"}`,
		"b/broken.json":             "{\"Statement\": [\n  {\"Sid\": \"Public\",}\n]}",
		"b/noversion.template":      `{"Statement": []}`,
		".hidden/public.json":       publicPolicy,
		"node_modules/x/p.json":     publicPolicy,
		"a/deeper/.git/config.json": publicPolicy,
	})
	chdir(t, dir)
	l := &fakeLinter{}
	res, err := Run(context.Background(), l, []string{"a", "b", "a/public.json"}, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	type short struct {
		File string
		Line int
		ID   string
	}
	var got []short
	for _, f := range res.Findings {
		got = append(got, short{f.File, f.Line, f.ID})
	}
	want := []short{{"a/public.json", 3, "KMS003"}, {"a/public.json", 4, "KMS007"}, {"b/noversion.template", 1, "KMS009"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings %+v, want %+v", got, want)
	}
	wantErrs := []result.InputError{{File: "b/broken.json", Line: 2, Column: 20, Msg: "invalid character '}' looking for beginning of object key string"}}
	if !reflect.DeepEqual(res.Errors, wantErrs) {
		t.Errorf("errors %+v, want %+v", res.Errors, wantErrs)
	}
	if res.Files != 3 || res.Documents != 3 || res.Skipped != 1 || res.NotPolicy != 1 {
		t.Errorf("files %d documents %d skipped %d not policy %d, want 3 3 1 1", res.Files, res.Documents, res.Skipped, res.NotPolicy)
	}
	if got := res.Failing("medium"); got != 1 {
		t.Errorf("failing at medium: %d, want 1", got)
	}
	if got := res.Failing("low"); got != 2 {
		t.Errorf("failing at low: %d, want 2", got)
	}
}

func TestRunExplicitFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"package.json": `{"name": "x"}`, "p.txt": cleanPolicy})
	chdir(t, dir)
	res, err := Run(context.Background(), &fakeLinter{}, []string{"package.json", "p.txt", "missing.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []result.InputError{
		{File: "missing.json", Msg: "no such file or directory"},
		{File: "package.json", Msg: "not a policy document, get-key-policy output, CloudFormation template or Terraform plan"},
	}
	if !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("errors %+v\nwant %+v", res.Errors, want)
	}
	if res.Files != 1 {
		t.Errorf("files %d, want 1 (p.txt: named, so checked whatever its extension)", res.Files)
	}
}

func TestRunStdinAndKind(t *testing.T) {
	l := &fakeLinter{}
	res, err := Run(context.Background(), l, []string{"-"}, Options{Stdin: strings.NewReader(publicPolicy), Kind: "identity_policy"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 || res.Findings[0].File != "<stdin>" {
		t.Errorf("findings %+v", res.Findings)
	}
	if l.inputs[0]["kind"] != "identity_policy" {
		t.Errorf("input %v: --kind not passed", l.inputs[0])
	}
	if _, err := Run(context.Background(), l, []string{"-", "-"}, Options{Stdin: strings.NewReader("")}); err == nil {
		t.Error("stdin twice: no error")
	}
}

func TestRunEvaluationError(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"p.json": cleanPolicy})
	chdir(t, dir)
	res, err := Run(context.Background(), &fakeLinter{fail: true}, []string{"p.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []result.InputError{{File: "p.json", Line: 1, Msg: "evaluation failed: boom"}}
	if !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("errors %+v, want %+v", res.Errors, want)
	}
}

func TestRunConfig(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"keys/app.json": publicPolicy, "keys/other.json": publicPolicy})
	chdir(t, dir)
	cfg, err := ParseConfig(".kmsguard.yaml", []byte(`
rules:
  KMS007: {severity: medium}
  KMS009: {disabled: true}
admins: [arn:aws:iam::111122223333:role/Admin]
account: "111122223333"
keys:
  - match: keys/app.json
    admins: [arn:aws:iam::111122223333:role/AppAdmin]
    services: [logs.us-east-1.amazonaws.com]
  - match: "arn:aws:kms:*:*:key/*"
    services: [s3.us-east-1.amazonaws.com]
suppressions:
  - rule: KMS003
    file: "**/app.json"
    sid: Public
    reason: the partner integration needs it
`))
	if err != nil {
		t.Fatal(err)
	}
	l := &fakeLinter{}
	res, err := Run(context.Background(), l, []string{"keys"}, Options{Config: cfg, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		s := f.File + " " + f.ID + " " + f.Severity
		if f.Suppressed != nil {
			s += " suppressed: " + f.Suppressed.Reason + " (" + f.Suppressed.Config + ")"
		}
		got = append(got, s)
	}
	want := []string{
		"keys/app.json KMS003 high suppressed: the partner integration needs it (.kmsguard.yaml:14)",
		"keys/app.json KMS007 medium",
		"keys/other.json KMS003 high",
		"keys/other.json KMS007 medium",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Failing("medium") != 3 {
		t.Errorf("failing %d, want 3: a suppressed finding does not fail", res.Failing("medium"))
	}
	wantCfg := map[string]any{
		"admins":   []any{"arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/AppAdmin"},
		"services": []any{"logs.us-east-1.amazonaws.com"},
		"account":  "111122223333",
		"rules": map[string]any{
			"KMS007": map[string]any{"severity": "medium"},
			"KMS009": map[string]any{"disabled": true},
		},
	}
	if got := l.inputs[0]["config"]; !reflect.DeepEqual(got, wantCfg) {
		t.Errorf("config of keys/app.json: %v, want %v", got, wantCfg)
	}
	if got := l.inputs[1]["config"].(map[string]any)["admins"]; !reflect.DeepEqual(got, []any{"arn:aws:iam::111122223333:role/Admin"}) {
		t.Errorf("admins of keys/other.json: %v", got)
	}

	// --severity drops after the configuration's severity changes.
	res, err = Run(context.Background(), &fakeLinter{}, []string{"keys"}, Options{Config: cfg, Severity: "high"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 {
		t.Errorf("--severity high: %d findings, want 2", len(res.Findings))
	}
}

// --skip reaches the lint entry point as disabled rules, next to the
// configuration's own.
func TestRunSkip(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"p.json": publicPolicy})
	chdir(t, dir)
	cfg, err := ParseConfig(".kmsguard.yaml", []byte("rules:\n  KMS007: {severity: medium}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		cfg  *Config
		want map[string]any
	}{
		{"without configuration", nil, map[string]any{"KMS003": map[string]any{"disabled": true}}},
		{"with configuration", cfg, map[string]any{"KMS003": map[string]any{"disabled": true}, "KMS007": map[string]any{"severity": "medium"}}},
	} {
		l := &fakeLinter{}
		res, err := Run(context.Background(), l, []string{"p.json"}, Options{Config: tt.cfg, Skip: []string{"KMS003"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := l.inputs[0]["config"].(map[string]any)["rules"]; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: config.rules %v, want %v", tt.name, got, tt.want)
		}
		for _, f := range res.Findings {
			if f.ID == "KMS003" {
				t.Errorf("%s: a skipped rule reported %+v", tt.name, f)
			}
		}
	}
}
