// Package htmlreport writes `kmsguard report`: one self-contained HTML page
// (no network access; its style sheet and script are inlined) about the
// keys of a snapshot: an account summary, and per key who can do what with
// the conditions that still apply, its grants, its rule-pack findings and
// its access graph as inline SVG; with a base snapshot, the access added
// and removed since.
package htmlreport

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"golang.org/x/sync/errgroup"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// Linter runs the rule pack on a policy document (*runner.Runner).
type Linter interface {
	Lint(ctx context.Context, input ast.Value) ([]runner.Finding, error)
}

// Report is what the page shows.
type Report struct {
	GeneratedAt string // the snapshot's generated_at
	Summary     Summary
	Keys        []*Key
	Diff        *result.DiffReport // nil without a base snapshot
	Errors      []string           // the snapshot's recorded scan errors
}

// Summary is the account summary.
type Summary struct {
	Keys             int
	Accounts         []string // the accounts of the keys
	ExternalAccounts []Count  // other accounts that can use a key, with how many keys
	PublicKeys       int      // keys "*" (any principal of any account) can use
	CrossAccountKeys int      // keys a principal of another account can use
	Findings         []Count  // findings by severity, most severe first
	Added, Removed   int      // with a base: (key, principal, action) access added and removed
	Changed          int
}

// Count is a name and a number.
type Count struct {
	Name string
	N    int
}

// Key is one key's section.
type Key struct {
	ARN     string
	Aliases []string
	Manager string
	Spec    string
	// WhoCan is the key's who-can answer; when the table groups delegated
	// principals, only one principal of each group stays in it.
	WhoCan       *result.KeyReport
	Principals   int // how many principals WhoCan had
	Entries      int // how many (principal, action) entries WhoCan had
	TableRows    int // how many rows the who-can table has
	Grants       []Grant
	Findings     []runner.Finding
	Public       bool
	CrossAccount bool
	Added        []result.Change // with a base: the changes on this key
	Removed      []result.Change
	Changed      []result.Change
	// Body is the rest of the key's section (graph, tables) as the page
	// carries it: compressed HTML (see keyBody). Build renders it as soon
	// as the key is analysed and keeps neither the table's rows nor the
	// graph.
	Body string
}

// section is what a key's body shows: the key, its who-can table and its
// access graph.
type section struct {
	*Key
	Rows  []Row
	Graph *report.Graph
}

// Grant is one grant of a key, as the snapshot records it.
type Grant struct {
	ID                string
	Grantee           string
	Operations        []string
	Constraints       string
	RetiringPrincipal string
}

// GCPercent and MemoryLimit are the garbage collector's settings for a
// process that builds a report (`kmsguard report` sets them; Build does
// not, they are process-wide): the heap may grow to GCPercent of the live
// heap before a collection (Go's default is 100), bounded by a soft limit
// of MemoryLimit bytes. The analysis of a large account allocates mostly
// short-lived answers, and collecting them at Go's default pace took a
// sixth of the report's CPU time, while an unbounded 400% let the process
// grow to 2 GB; docs/access.md has the peak memory they give on 2,000
// keys.
const (
	GCPercent   = 400
	MemoryLimit = 640 << 20
)

// severities in the order the summary shows them.
var severities = []string{"critical", "high", "medium", "low", "info"}

// Build analyses every key of snap: who-can for every key action with ev,
// which must hold snap, and the rule pack on its key policy with lint, which
// must not (the findings are those of `kmsguard check` on the policy, not
// under the snapshot's guardrails). diff, when not nil, compares a base
// snapshot to snap. Each key's section is rendered and compressed (Body)
// as soon as the key is analysed, and its full who-can answer, table and
// graph let go: the report holds a few kilobytes a key, not the analysis
// of every key.
func Build(ctx context.Context, ev access.Evaluator, lint Linter, snap map[string]any, diff func(context.Context) (*result.DiffReport, error)) (*Report, error) {
	keys, _ := snap["keys"].(map[string]any)
	arns := make([]string, 0, len(keys))
	for arn := range keys {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	rep := &Report{Keys: make([]*Key, len(arns))}
	rep.GeneratedAt, _ = snap["generated_at"].(string)
	if errs, ok := snap["errors"].([]any); ok {
		for _, e := range errs {
			rep.Errors = append(rep.Errors, errorText(e))
		}
	}
	// The diff first: a key's table marks its changes, and is made (and
	// the key's full answer let go) as soon as the key is built.
	changes := map[string]*Key{}
	if diff != nil {
		d, err := diff(ctx)
		if err != nil {
			return nil, fmt.Errorf("comparing with the base snapshot: %w", err)
		}
		rep.Diff = d
		at := func(key string) *Key {
			if changes[key] == nil {
				changes[key] = &Key{}
			}
			return changes[key]
		}
		for _, c := range d.Added {
			at(c.Key).Added = append(at(c.Key).Added, c)
		}
		for _, c := range d.Removed {
			at(c.Key).Removed = append(at(c.Key).Removed, c)
		}
		for _, c := range d.Changed {
			at(c.Key).Changed = append(at(c.Key).Changed, c)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, arn := range arns {
		rec, _ := keys[arn].(map[string]any)
		g.Go(func() error {
			k, err := buildKey(gctx, ev, lint, arn, rec, changes[arn])
			if err != nil {
				return fmt.Errorf("key %s: %w", arn, err)
			}
			rep.Keys[i] = k
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	rep.Summary = summarise(rep)
	return rep, nil
}

func buildKey(ctx context.Context, ev access.Evaluator, lint Linter, arn string, rec map[string]any, changes *Key) (*Key, error) {
	k := &Key{ARN: arn}
	if changes != nil {
		k.Added, k.Removed, k.Changed = changes.Added, changes.Removed, changes.Changed
	}
	if meta, ok := rec["key"].(map[string]any); ok {
		k.Manager, _ = meta["key_manager"].(string)
		k.Spec, _ = meta["key_spec"].(string)
		if al, ok := meta["aliases"].([]any); ok {
			for _, a := range al {
				if s, ok := a.(string); ok {
					k.Aliases = append(k.Aliases, s)
				}
			}
		}
	}
	who, err := access.WhoCan(ctx, ev, arn, "", nil)
	if err != nil {
		return nil, err
	}
	k.WhoCan = who
	k.Principals = len(who.Principals)
	for _, p := range who.Principals {
		for _, g := range p.Access {
			k.Entries += len(g.Actions)
		}
	}
	rows := tableRows(k)
	k.TableRows = len(rows)
	trim(k, rows)
	for _, p := range who.Principals {
		if p.Type == "anyone" || p.Principal == "*" {
			k.Public = true
		} else if p.External {
			k.CrossAccount = true
		}
	}
	if list, ok := rec["grants"].([]any); ok {
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				k.Grants = append(k.Grants, grantOf(m))
			}
		}
	}
	if policy, ok := rec["key_policy"]; ok {
		in, err := ast.InterfaceToValue(map[string]any{"policy": policy, "kind": "key_policy", "key_arn": arn})
		if err != nil {
			return nil, err
		}
		if k.Findings, err = lint.Lint(ctx, in); err != nil {
			return nil, fmt.Errorf("rule pack: %w", err)
		}
	}
	if k.Body, err = keyBody(section{k, rows, report.KeyGraph(k.WhoCan)}); err != nil {
		return nil, err
	}
	return k, nil
}

func grantOf(m map[string]any) Grant {
	g := Grant{}
	g.ID, _ = m["grant_id"].(string)
	g.Grantee, _ = m["grantee_principal"].(string)
	if g.Grantee == "" {
		g.Grantee, _ = m["grantee_service_principal"].(string)
	}
	g.RetiringPrincipal, _ = m["retiring_principal"].(string)
	if ops, ok := m["operations"].([]any); ok {
		for _, o := range ops {
			if s, ok := o.(string); ok {
				g.Operations = append(g.Operations, s)
			}
		}
	}
	if c, ok := m["constraints"]; ok && c != nil {
		if data, err := json.Marshal(c); err == nil {
			g.Constraints = string(data)
		}
	}
	return g
}

func errorText(e any) string {
	if s, ok := e.(string); ok {
		return s
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Sprint(e)
	}
	return string(data)
}

// summarise counts the summary's figures.
func summarise(rep *Report) Summary {
	s := Summary{Keys: len(rep.Keys)}
	accounts := map[string]bool{}
	external := map[string]int{}
	findings := map[string]int{}
	for _, k := range rep.Keys {
		accounts[report.AccountOf(k.ARN)] = true
		if k.Public {
			s.PublicKeys++
		}
		if k.CrossAccount {
			s.CrossAccountKeys++
		}
		seen := map[string]bool{}
		for _, p := range k.WhoCan.Principals {
			if a := report.AccountOf(p.Principal); p.External && a != "" && !seen[a] {
				seen[a] = true
				external[a]++
			}
		}
		for _, f := range k.Findings {
			findings[f.Severity]++
		}
	}
	for a := range accounts {
		if a != "" {
			s.Accounts = append(s.Accounts, a)
		}
	}
	sort.Strings(s.Accounts)
	for a, n := range external {
		s.ExternalAccounts = append(s.ExternalAccounts, Count{a, n})
	}
	sort.Slice(s.ExternalAccounts, func(i, j int) bool { return s.ExternalAccounts[i].Name < s.ExternalAccounts[j].Name })
	for _, sev := range severities {
		s.Findings = append(s.Findings, Count{sev, findings[sev]})
		delete(findings, sev)
	}
	var other []string
	for sev := range findings {
		other = append(other, sev)
	}
	slices.Sort(other)
	for _, sev := range other {
		s.Findings = append(s.Findings, Count{sev, findings[sev]})
	}
	if rep.Diff != nil {
		s.Added, s.Removed, s.Changed = len(rep.Diff.Added), len(rep.Diff.Removed), len(rep.Diff.Changed)
	}
	return s
}
