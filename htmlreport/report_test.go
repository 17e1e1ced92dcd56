package htmlreport_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/cli"
	"github.com/kmsguard/kmsguard/htmlreport"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

const (
	examplePath = "../testdata/access/snapshot.json"
	key1        = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
	key2        = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000002"
	partnerRoot = "arn:aws:iam::444455556666:root"
	partnerRole = "arn:aws:iam::444455556666:role/Partner"
)

// baseOf is an older version of the example snapshot: key 1 had no grant
// to account 444455556666 (so the report shows that access as added), and
// key 2 let the Partner role encrypt (so the report shows it removed).
func baseOf() (map[string]any, error) {
	base, err := snapshot.Load(examplePath)
	if err != nil {
		return nil, err
	}
	keys := base["keys"].(map[string]any)
	k1 := keys[key1].(map[string]any)
	grants := k1["grants"].([]any)
	k1["grants"] = slices.DeleteFunc(slices.Clone(grants), func(g any) bool { return g.(map[string]any)["grant_id"] == "g-partner" })
	k2 := keys[key2].(map[string]any)
	policy := k2["key_policy"].(map[string]any)
	policy["Statement"] = append(slices.Clone(policy["Statement"].([]any)), map[string]any{
		"Sid": "OldPartner", "Effect": "Allow", "Principal": map[string]any{"AWS": partnerRole}, "Action": "kms:Encrypt", "Resource": "*",
	})
	return base, nil
}

// example is the report of the example snapshot against baseOf, built once
// for all tests.
var example = sync.OnceValues(func() (*exampleReport, error) {
	ctx := context.Background()
	snap, err := snapshot.Load(examplePath)
	if err != nil {
		return nil, err
	}
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		return nil, err
	}
	plain, err := runner.New(ctx)
	if err != nil {
		return nil, err
	}
	base, err := baseOf()
	if err != nil {
		return nil, err
	}
	rep, err := htmlreport.Build(ctx, r, plain, snap, func(ctx context.Context) (*result.DiffReport, error) {
		return access.Diff(ctx, plain, base, snap, nil)
	})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := htmlreport.Write(&b, rep); err != nil {
		return nil, err
	}
	return &exampleReport{rep, b.Bytes()}, nil
})

type exampleReport struct {
	report *htmlreport.Report
	html   []byte
}

// writeExample writes the example report into dir and returns its path.
func writeExample(t testing.TB, dir string) (string, *htmlreport.Report) {
	t.Helper()
	ex, err := example()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, ex.html, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, ex.report
}

// whoCanJSON runs `kmsguard who-can --format json` for a key.
func whoCanJSON(t *testing.T, key string) result.KeyReport {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cli.Execute(context.Background(), []string{"who-can", "--snapshot", examplePath, "--key", key, "--format", "json"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("who-can: %v: %s", err, stderr.String())
	}
	var rep result.KeyReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// node helpers over golang.org/x/net/html.

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

func element(tag string, classes ...string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != tag {
			return false
		}
		for _, c := range classes {
			if !hasClass(n, c) {
				return false
			}
		}
		return true
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func cells(tr *html.Node) []*html.Node {
	return findAll(tr, element("td"))
}

func parseReport(t *testing.T, path string) *html.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	inflateSections(t, doc)
	return doc
}

// inflateSections does what the page's script does when a key section is
// opened: it inflates the section's compressed body (data-z: zlib, URL-safe
// base64) and appends it to the section. Every section has one.
func inflateSections(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, sec := range findAll(doc, element("details", "key")) {
		z, err := base64.RawURLEncoding.DecodeString(attr(sec, "data-z"))
		if err != nil || len(z) == 0 {
			t.Fatalf("section %s: data-z is not a compressed body: %v", attr(sec, "id"), err)
		}
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := html.ParseFragment(zr, sec)
		if err != nil {
			t.Fatal(err)
		}
		if len(findAll(sec, element("div", "key-body"))) > 0 {
			t.Fatalf("section %s has a body before it is opened", attr(sec, "id"))
		}
		for _, n := range nodes {
			sec.AppendChild(n)
		}
	}
}

// TestReportMatchesWhoCan parses the report of the example snapshot and
// checks every key's table against `kmsguard who-can --format json`: the
// same principals, access levels, actions and conditions, row for row.
func TestReportMatchesWhoCan(t *testing.T) {
	path, _ := writeExample(t, t.TempDir())
	doc := parseReport(t, path)
	sections := findAll(doc, element("details", "key"))
	snap, err := snapshot.Load(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	keys := snap["keys"].(map[string]any)
	if len(sections) != len(keys) {
		t.Fatalf("%d key sections, want %d", len(sections), len(keys))
	}
	for _, sec := range sections {
		arn := strings.Fields(attr(sec, "data-key"))[0]
		if hasAttr(sec, "open") {
			t.Errorf("%s: the section is open; sections start collapsed", arn)
		}
		t.Run(arn[strings.LastIndex(arn, "/")+1:], func(t *testing.T) {
			want := whoCanJSON(t, arn)
			var wantRows []string
			for _, p := range want.Principals {
				for _, g := range p.Access {
					terms := report.TermsOf(g)
					wantRows = append(wantRows, strings.Join([]string{p.Principal, p.Type, g.Access, strings.Join(g.Actions, ", "), strings.Join(terms.Requires, " | "), terms.Via}, " ¦ "))
				}
			}
			var gotRows []string
			for _, tr := range findAll(sec, element("tr")) {
				if attr(tr, "data-access") == "" {
					continue
				}
				td := cells(tr)
				var requires []string
				for _, li := range findAll(td[4], element("li")) {
					if !hasClass(li, "deny") && !hasClass(li, "muted") {
						requires = append(requires, text(li))
					}
				}
				principal := text(findAll(td[0], element("code"))[0])
				if principal != attr(tr, "data-principal") {
					t.Errorf("row of %s has data-principal %q", principal, attr(tr, "data-principal"))
				}
				gotRows = append(gotRows, strings.Join([]string{principal, text(td[1]), attr(tr, "data-access"), text(td[3]), strings.Join(requires, " | "), text(td[5])}, " ¦ "))
			}
			if len(wantRows) == 0 {
				t.Fatal("who-can lists nobody: the example is meant to have principals on every key")
			}
			if strings.Join(gotRows, "\n") != strings.Join(wantRows, "\n") {
				t.Errorf("the table differs from who-can --format json\n got:\n%s\nwant:\n%s", strings.Join(gotRows, "\n"), strings.Join(wantRows, "\n"))
			}
			// Grants: one row per grant of the snapshot.
			rec := keys[arn].(map[string]any)
			grants, _ := rec["grants"].([]any)
			var gotGrants []string
			for _, tbl := range findAll(sec, element("table", "grants")) {
				for _, tr := range findAll(tbl, element("tr")) {
					if td := cells(tr); len(td) > 0 {
						gotGrants = append(gotGrants, text(td[0]))
					}
				}
			}
			var wantGrants []string
			for _, g := range grants {
				wantGrants = append(wantGrants, g.(map[string]any)["grant_id"].(string))
			}
			if !slices.Equal(gotGrants, wantGrants) {
				t.Errorf("grants %v, want %v", gotGrants, wantGrants)
			}
			// The graph: an inline SVG with a node per principal.
			svgs := findAll(sec, element("svg", "graph"))
			if len(svgs) != 1 {
				t.Fatalf("%d graphs, want 1", len(svgs))
			}
			if n := len(findAll(svgs[0], element("g", "node"))); n != len(want.Principals) {
				t.Errorf("the graph has %d principal nodes, want %d", n, len(want.Principals))
			}
		})
	}
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// TestReportSummaryFindingsAndDiff checks the summary's figures, the
// findings against the rule pack, and the diff highlighting.
func TestReportSummaryFindingsAndDiff(t *testing.T) {
	path, rep := writeExample(t, t.TempDir())
	doc := parseReport(t, path)

	// Findings: the rule pack's findings for each key policy, with their
	// remediation.
	total := 0
	for _, k := range rep.Keys {
		total += len(k.Findings)
	}
	if total == 0 {
		t.Fatal("no findings on the example snapshot; the test needs some")
	}
	var rows []*html.Node
	for _, tbl := range findAll(doc, element("table", "findings")) {
		for _, tr := range findAll(tbl, element("tr")) {
			if len(cells(tr)) > 0 {
				rows = append(rows, tr)
			}
		}
	}
	if len(rows) != total {
		t.Errorf("%d finding rows, want %d", len(rows), total)
	}
	k1 := rep.Keys[0]
	lint := lintIDs(t, k1.ARN)
	var got []string
	for _, f := range k1.Findings {
		got = append(got, f.ID)
		if f.Remediation == "" {
			t.Errorf("finding %s has no remediation", f.ID)
		} else if !strings.Contains(text(doc), strings.Join(strings.Fields(f.Remediation), " ")) {
			t.Errorf("the page lacks the remediation of %s", f.ID)
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, lint) {
		t.Errorf("key 1 findings %v, want the rule pack's %v", got, lint)
	}

	// Summary: key 3 lets "*" in (under an organization condition); keys 1
	// and 3 reach account 444455556666.
	if s := rep.Summary; s.Keys != 4 || s.PublicKeys != 1 || s.CrossAccountKeys != 2 || len(s.ExternalAccounts) != 1 || s.ExternalAccounts[0].Name != "444455556666" {
		t.Errorf("summary = %+v", s)
	}

	// Diff: the grant to 444455556666 on key 1 is new; the Partner role's
	// Encrypt on key 2 is gone.
	added := false
	for _, tr := range findAll(doc, element("tr", "added")) {
		if attr(tr, "data-principal") == partnerRoot && strings.Contains(text(tr), "kms:Encrypt") {
			added = true
		}
	}
	if !added {
		t.Error("the row of account 444455556666's Encrypt on key 1 is not marked added")
	}
	removed := false
	for _, tbl := range findAll(doc, element("table", "removed")) {
		for _, tr := range findAll(tbl, element("tr")) {
			if attr(tr, "data-principal") == partnerRole && strings.Contains(text(tr), "kms:Encrypt") && strings.Contains(text(tr), key2) {
				removed = true
			}
		}
	}
	if !removed {
		t.Error("the Partner role's Encrypt on key 2 is not listed as removed")
	}
	if rep.Summary.Added == 0 || rep.Summary.Removed == 0 {
		t.Errorf("summary added %d, removed %d: want both", rep.Summary.Added, rep.Summary.Removed)
	}
}

// lintIDs runs `kmsguard check --format json` on a key policy of the
// example snapshot.
func lintIDs(t *testing.T, arn string) []string {
	t.Helper()
	snap, err := snapshot.Load(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	policy := snap["keys"].(map[string]any)[arn].(map[string]any)["key_policy"]
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	data, _ := json.Marshal(policy)
	file := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = cli.Execute(context.Background(), []string{"check", "--format", "json", file}, nil, &stdout, &stderr)
	var out struct {
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("check --format json: %v: %s %s", err, stdout.String(), stderr.String())
	}
	var ids []string
	for _, f := range out.Findings {
		ids = append(ids, f.ID)
	}
	sort.Strings(ids)
	return ids
}

// TestReportSelfContainedAndEscaped: nothing on the page loads from
// anywhere, and text from the snapshot (a Sid, a grant constraint) stays
// text.
func TestReportSelfContainedAndEscaped(t *testing.T) {
	ctx := context.Background()
	hostile := `<img src=x onerror=alert(1)></td><script>alert(2)</script>`
	snap := map[string]any{
		"format": "kmsguard-snapshot", "version": 1.0,
		"keys": map[string]any{key1: map[string]any{
			"key_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Sid": hostile, "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
			}},
			"grants": []any{map[string]any{"grant_id": hostile, "grantee_principal": "arn:aws:iam::111122223333:role/R", "operations": []any{"Decrypt"},
				"constraints": map[string]any{"encryption_context_equals": map[string]any{"k": hostile}}}},
			"key": map[string]any{"aliases": []any{"alias/" + hostile}},
		}},
		"principals": map[string]any{}, "roles": map[string]any{}, "accounts": map[string]any{}, "errors": []any{hostile},
	}
	data, err := snapshot.Encode(snap)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := snapshot.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(ctx, runner.WithSnapshot(parsed))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := runner.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := htmlreport.Build(ctx, r, plain, parsed, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := htmlreport.Write(&b, rep); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	inflateSections(t, doc)
	if imgs := findAll(doc, element("img")); len(imgs) > 0 {
		t.Errorf("the page has %d <img> elements: snapshot text was not escaped", len(imgs))
	}
	scripts := findAll(doc, element("script"))
	if len(scripts) != 1 || attr(scripts[0], "src") != "" {
		t.Errorf("the page has %d scripts (want only the inlined one)", len(scripts))
	}
	if !strings.Contains(text(doc), hostile) {
		t.Error("the hostile text is not shown as text")
	}
	for d := range doc.Descendants() {
		if d.Type != html.ElementNode {
			continue
		}
		for _, a := range d.Attr {
			if (a.Key == "src" || a.Key == "href" || a.Key == "action") && !strings.HasPrefix(a.Val, "data:") && !strings.HasPrefix(a.Val, "#") {
				t.Errorf("<%s %s=%q> loads from outside the page", d.Data, a.Key, a.Val)
			}
		}
		if d.Data == "link" && attr(d, "rel") == "stylesheet" {
			t.Error("the page links a style sheet")
		}
	}
}
