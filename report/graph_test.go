package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

const (
	key1 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
	key3 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000003"
	app  = "arn:aws:iam::111122223333:role/team/App"
)

// graphCases are the golden pictures: who-can answers of the example
// snapshot, and a hand-made answer whose texts hold every character DOT or
// Mermaid would read as syntax. They are computed once for all tests.
func graphCases(t *testing.T) map[string]*Graph {
	t.Helper()
	cases, err := graphCasesOnce()
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

var graphCasesOnce = sync.OnceValues(func() (map[string]*Graph, error) {
	ctx := context.Background()
	snap, err := snapshot.Load("../testdata/access/snapshot.json")
	if err != nil {
		return nil, err
	}
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		return nil, err
	}
	cases := map[string]*Graph{}
	for name, key := range map[string]string{"key1": key1, "key3-anyone": key3} {
		rep, err := access.WhoCan(ctx, r, key, "", nil)
		if err != nil {
			return nil, err
		}
		cases[name] = KeyGraph(rep)
	}
	rep, err := access.CanUse(ctx, r, app, "")
	if err != nil {
		return nil, err
	}
	cases["principal-app"] = PrincipalGraph(rep)
	cases["escaping"] = KeyGraph(escapingReport())
	return cases, nil
})

// escapingReport is a who-can answer whose condition texts hold quotes,
// backslashes, DOT escapes (\N, \l), HTML, Mermaid syntax and entity codes.
func escapingReport() *result.KeyReport {
	cond := func(text string) result.Condition {
		return result.Condition{Operator: "StringEquals", Key: "kms:EncryptionContext:x", Values: []any{text}, Text: text}
	}
	return &result.KeyReport{
		Key:     key1,
		Actions: []string{"kms:Decrypt"},
		Principals: []result.PrincipalAccess{
			{Principal: "*", Type: "anyone", External: true, EvaluatedAs: "arn:aws:iam::000000000000:role/kmsguard-anyone", Access: []result.Access{{
				Actions: []string{"kms:Decrypt"}, Access: result.Conditional,
				Paths: [][]result.Element{{{Conditions: []result.Condition{
					cond(`only with encryption context x = "a\"b" \N \l C:\temp`),
					cond(`<script>alert(1)</script> & #quot; | ] ) } --> end; %% x`),
					cond("`md` *b* line\nbreak"),
				}}}},
			}}},
			{Principal: "arn:aws:iam::444455556666:role/Partner", Type: "role", External: true, Access: []result.Access{{
				Actions: []string{"kms:Decrypt", "kms:Encrypt", "kms:PutKeyPolicy", "kms:CreateGrant", "kms:ReEncryptFrom", "kms:GenerateDataKey"}, Access: result.Allowed,
				Paths: [][]result.Element{{{}}},
			}}},
		},
	}
}

func TestGraphGolden(t *testing.T) {
	for name, g := range graphCases(t) {
		for ext, write := range map[string]func(*bytes.Buffer, *Graph) error{
			"dot": func(b *bytes.Buffer, g *Graph) error { return WriteDOT(b, g) },
			"mmd": func(b *bytes.Buffer, g *Graph) error { return WriteMermaid(b, g) },
		} {
			t.Run(name+"."+ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, g); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "graphs", name+"."+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./access/ -run TestGraphGolden -update)", err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("%s differs from the golden file (rerun with -update and review the diff):\n%s", path, b.String())
				}
			})
		}
	}
}

// TestGraphGroupsFromCatalog: the groups come from the action catalogue.
func TestGraphGroupsFromCatalog(t *testing.T) {
	for action, want := range map[string]string{
		"kms:Decrypt": GroupUse, "kms:DescribeKey": GroupUse, "kms:Sign": GroupUse,
		"kms:PutKeyPolicy": GroupAdminister, "kms:ScheduleKeyDeletion": GroupAdminister, "kms:CreateAlias": GroupAdminister,
		"kms:CreateGrant": GroupGrant, "kms:RetireGrant": GroupGrant,
		"kms:CreateKey": GroupOther, "kms:NoSuchAction": GroupOther,
	} {
		if got := ActionGroup(action); got != want {
			t.Errorf("ActionGroup(%s) = %s, want %s", action, got, want)
		}
	}
}

// TestGraphStructure checks what the pictures must show, independently of
// the golden files: the key at the centre, one node per principal, external
// accounts and "*" marked, edges labelled with groups and conditions.
func TestGraphStructure(t *testing.T) {
	cases := graphCases(t)
	g := cases["key1"]
	if c := g.Nodes[0]; !c.Center || c.Name != key1 || c.Type != "key" {
		t.Fatalf("centre = %+v, want the key", c)
	}
	names := map[string]GraphNode{}
	for _, n := range g.Nodes {
		names[n.Name] = n
	}
	for _, p := range []string{app, "arn:aws:iam::111122223333:root", "logs.us-east-1.amazonaws.com", "arn:aws:iam::444455556666:role/Partner"} {
		if _, ok := names[p]; !ok {
			t.Errorf("no node for %s", p)
		}
	}
	if !names["arn:aws:iam::444455556666:role/Partner"].External || names[app].External {
		t.Errorf("external marks: Partner %v, App %v", names["arn:aws:iam::444455556666:role/Partner"].External, names[app].External)
	}
	var b bytes.Buffer
	if err := WriteMermaid(&b, g); err != nil {
		t.Fatal(err)
	}
	mmd := b.String()
	for _, want := range []string{
		"flowchart LR",
		`subgraph a1["account 444455556666 (external)"]`,
		`-.->|"use (conditional): Decrypt, DescribeKey, Encrypt<br>only via s3.us-east-1.amazonaws.com or sqs.us-east-1.amazonaws.com"| n0`,
		"class n7,n8,n9 external",
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid output lacks %q", want)
		}
	}
	checkMermaidSyntax(t, mmd)

	anyone := cases["key3-anyone"]
	found := false
	for _, n := range anyone.Nodes {
		if n.Name == "*" {
			found = n.Anyone && n.Label == "* (anyone)"
		}
	}
	if !found {
		t.Errorf("key 3's graph has no marked \"*\" node: %+v", anyone.Nodes)
	}
	b.Reset()
	if err := WriteMermaid(&b, anyone); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^  class n\d+ anyone$`).MatchString(b.String()) {
		t.Errorf("Mermaid output does not style \"*\" as anyone:\n%s", b.String())
	}
	checkMermaidSyntax(t, b.String())

	b.Reset()
	if err := WriteMermaid(&b, cases["escaping"]); err != nil {
		t.Fatal(err)
	}
	checkMermaidSyntax(t, b.String())
	for _, bad := range []string{"<script>", `"a\"b"`, "`md`"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("Mermaid output holds %q unescaped", bad)
		}
	}
}

// checkMermaidSyntax checks the lines of a flowchart against the shapes
// WriteMermaid may write, and that every label's quotes are balanced: a
// label must not hold a raw quote, pipe-free text or a line break.
func checkMermaidSyntax(t *testing.T, mmd string) {
	t.Helper()
	label := `"[^"\n]*"`
	id := `[an]\d+`
	lines := []*regexp.Regexp{
		regexp.MustCompile(`^---$`),
		regexp.MustCompile(`^title: "([^"\\]|\\.)*"$`),
		regexp.MustCompile(`^flowchart LR$`),
		regexp.MustCompile(`^ +` + id + `(\[\[` + label + `\]\]|\{\{` + label + `\}\}|\(\[` + label + `\]\)|\[/` + label + `/\]|\(` + label + `\))$`),
		regexp.MustCompile(`^  subgraph ` + id + `\[` + label + `\]$`),
		regexp.MustCompile(`^  end$`),
		regexp.MustCompile(`^  ` + id + ` (-->|-\.->)\|` + label + `\| ` + id + `$`),
		regexp.MustCompile(`^  classDef (key|external|anyone) [a-z-]+:[^ ]+$`),
		regexp.MustCompile(`^  class ` + id + `(,` + id + `)* (key|external|anyone)$`),
		regexp.MustCompile(`^  style ` + id + ` stroke:#[0-9a-f]{6},stroke-dasharray:5 3$`),
		regexp.MustCompile(`^  linkStyle \d+(,\d+)* stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}$`),
	}
	depth := 0
	for i, l := range strings.Split(strings.TrimSuffix(mmd, "\n"), "\n") {
		ok := false
		for _, re := range lines {
			ok = ok || re.MatchString(l)
		}
		if !ok {
			t.Errorf("Mermaid line %d is not valid flowchart syntax: %q", i+1, l)
		}
		if strings.HasPrefix(l, "  subgraph ") {
			depth++
		}
		if l == "  end" {
			depth--
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced subgraph/end")
	}
}

// TestGraphDOTRendersWithGraphviz renders every golden DOT file with stock
// Graphviz. It skips when dot is not installed (apt-get install graphviz),
// and fails in CI (CI=true), which installs it.
func TestGraphDOTRendersWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz (dot) is not installed; CI installs it (apt-get install graphviz)")
		}
		t.Skip("Graphviz (dot) is not installed: apt-get install graphviz")
	}
	for name, g := range graphCases(t) {
		var b bytes.Buffer
		if err := WriteDOT(&b, g); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = &b
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot -Tsvg: %v: %s", name, err, stderr.String())
			continue
		}
		if !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("%s: dot wrote no SVG", name)
		}
		if name == "escaping" {
			// The texts come out as written: a quote, a backslash sequence
			// Graphviz would otherwise expand (\N is the node name).
			for _, want := range []string{`&quot;a\&quot;b&quot; \N \l C:\temp`, `&lt;script&gt;`} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("escaping: the SVG lacks %q", want)
				}
			}
		}
	}
}

// TestGraphMermaidParser parses every golden Mermaid file with Mermaid's own
// parser (the version GitHub's renderer is built on), in Node. It runs after
// `make mermaid-check` has installed the parser (testdata/mermaid).
func TestGraphMermaidParser(t *testing.T) {
	dir := filepath.Join("testdata", "mermaid")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid")); err != nil {
		t.Skip("Mermaid's parser is not installed: make mermaid-check")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "graphs", "*.mmd"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden Mermaid files: %v", err)
	}
	args := []string{"check.mjs"}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, abs)
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Mermaid rejects a golden file: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
