package runner

import (
	"bufio"
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestRuleCatalog checks the rule pack against its documentation: ids are
// unique and well formed, every rule has the METADATA the findings need, a
// test file beside it, and a page docs/rules/<ID>.md whose header repeats
// the METADATA:
//
//	# KMS003 wildcard-principal
//
//	- **Title:** Key policy allows every principal
//	- **Severity:** high
//	- **Category:** access
func TestRuleCatalog(t *testing.T) {
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rules := r.Rules()
	if len(rules) == 0 {
		t.Fatal("no rules under " + RulesPackage)
	}
	idPattern := regexp.MustCompile(`^KMS[0-9]{3}$`)
	severities := map[string]bool{"critical": true, "high": true, "medium": true, "low": true, "info": true}
	seen := map[string]string{}
	names := map[string]string{}
	for _, rule := range rules {
		if prev, dup := seen[rule.ID]; dup {
			t.Errorf("%s is the id of both %s and %s", rule.ID, prev, rule.Package)
			continue
		}
		seen[rule.ID] = rule.Package
		if prev, dup := names[rule.Name]; dup {
			t.Errorf("name %s is used by both %s and %s", rule.Name, prev, rule.ID)
		}
		names[rule.Name] = rule.ID
		if !idPattern.MatchString(rule.ID) {
			t.Errorf("%s: id is not KMSnnn", rule.ID)
		}
		if rule.Name == "" || rule.Title == "" || rule.Category == "" || rule.Description == "" || rule.Remediation == "" {
			t.Errorf("%s: METADATA lacks title, description, custom.name, custom.category or custom.remediation: %+v", rule.ID, rule)
		}
		if !severities[rule.Severity] {
			t.Errorf("%s: severity %q", rule.ID, rule.Severity)
		}

		// rego/kmsguard/rules/<category>/<name>/<name>.rego and its test.
		dir := path.Dir(rule.File)
		if want := "/kmsguard/rules/" + rule.Category + "/" + rule.Name; dir != want {
			t.Errorf("%s: declared in %s, want %s/%s.rego", rule.ID, rule.File, want, rule.Name)
		}
		test := filepath.Join("..", "rego", filepath.FromSlash(dir), path.Base(dir)+"_test.rego")
		if _, err := os.Stat(test); err != nil {
			t.Errorf("%s: no test file: %v", rule.ID, err)
		}
		checkDocHeader(t, rule)
	}
}

// checkDocHeader compares the header of docs/rules/<ID>.md with the rule's
// METADATA.
func checkDocHeader(t *testing.T, rule Rule) {
	t.Helper()
	p := filepath.Join("..", "docs", "rules", rule.ID+".md")
	f, err := os.Open(p)
	if err != nil {
		t.Errorf("%s: no documentation page: %v", rule.ID, err)
		return
	}
	defer func() { _ = f.Close() }()
	want := map[string]string{"Title": rule.Title, "Severity": rule.Severity, "Category": rule.Category}
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if first {
			if line != "# "+rule.ID+" "+rule.Name {
				t.Errorf("%s: first line %q, want %q", p, line, "# "+rule.ID+" "+rule.Name)
			}
			first = false
			continue
		}
		if field, value, ok := strings.Cut(strings.TrimPrefix(line, "- **"), ":** "); ok && strings.HasPrefix(line, "- **") {
			if _, known := want[field]; known {
				if _, dup := got[field]; !dup {
					got[field] = strings.TrimSpace(value)
				}
			}
		}
		if strings.HasPrefix(line, "## ") {
			break // the header ends at the first section
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for field, w := range want {
		if g, ok := got[field]; !ok {
			t.Errorf("%s: no \"- **%s:** ...\" line", p, field)
		} else if g != w {
			t.Errorf("%s: %s %q, METADATA says %q", p, field, g, w)
		}
	}
}

// TestRulesFromAnnotations reads the catalog from a small compiled policy:
// package- and rule-scoped METADATA, related resources, packages outside
// data.kmsguard.rules and packages without custom.id left out.
func TestRulesFromAnnotations(t *testing.T) {
	modules := map[string]string{
		"a.rego": `# METADATA
# title: Key policy allows every principal
# description: |
#   Principal "*" without conditions.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS003
#   name: wildcard-principal
#   severity: high
#   category: access
#   remediation: Name the principals.
package kmsguard.rules.access["wildcard-principal"]

deny contains "x" if false
`,
		"b.rego": `package kmsguard.rules.deny["deletion-deny-missing"]

# METADATA
# title: No explicit Deny
# custom:
#   id: KMS017
#   name: deletion-deny-missing
#   severity: info
#   category: deny
warn contains "x" if false
`,
		"c.rego": `# METADATA
# title: Helpers
package kmsguard.rules.lib
`,
		"d.rego": `# METADATA
# title: Elsewhere
# custom:
#   id: KMS900
package kmsguard.other
`,
	}
	parsed := map[string]*ast.Module{}
	for name, src := range modules {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		parsed[name] = m
	}
	c := ast.NewCompiler()
	c.Compile(parsed)
	if c.Failed() {
		t.Fatal(c.Errors)
	}
	got := rulesFrom(c.GetAnnotationSet())
	if len(got) != 2 {
		t.Fatalf("rules %+v, want KMS003 and KMS017", got)
	}
	a, b := got[0], got[1]
	if a.ID != "KMS003" || a.Name != "wildcard-principal" || a.Severity != "high" || a.Category != "access" ||
		a.Title != "Key policy allows every principal" || a.Description != `Principal "*" without conditions.` ||
		a.Remediation != "Name the principals." || a.Package != `data.kmsguard.rules.access["wildcard-principal"]` ||
		len(a.RelatedResources) != 1 || a.File != "a.rego" {
		t.Errorf("KMS003: %+v", a)
	}
	if b.ID != "KMS017" || b.Package != `data.kmsguard.rules.deny["deletion-deny-missing"]` || b.Severity != "info" {
		t.Errorf("KMS017 (rule-scoped METADATA): %+v", b)
	}
}

// TestLintAndReadiness evaluates the embedded rules once each way.
func TestLintAndReadiness(t *testing.T) {
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Sid": "Root", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
		map[string]any{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
	}}
	input, err := ast.InterfaceToValue(map[string]any{"policy": doc, "kind": "key_policy"})
	if err != nil {
		t.Fatal(err)
	}
	findings, err := r.Lint(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range findings {
		if f.ID == "KMS003" {
			found = true
			if f.Statement == nil || *f.Statement != 1 || f.Sid != "Public" || f.Severity == "" || f.Title == "" || f.Msg == "" {
				t.Errorf("KMS003 finding %+v", f)
			}
		}
	}
	if !found {
		t.Errorf("no KMS003 finding in %+v", findings)
	}

	input, err = ast.InterfaceToValue(map[string]any{"service": "logs", "policy": doc,
		"key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Readiness(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Service != "logs" || rep.Ready || len(rep.Checks) == 0 || rep.Checks[0].Decision == nil || rep.Checks[0].Requirement == "" {
		t.Errorf("readiness %+v", rep)
	}

	input, err = ast.InterfaceToValue(map[string]any{"service": "nope", "policy": doc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Readiness(context.Background(), input); err == nil || !strings.Contains(err.Error(), "service: must be one of") {
		t.Errorf("unknown service: error %v", err)
	}
}
