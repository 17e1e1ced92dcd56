package access

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// keyActionNames lists the KMS actions on a key (catalogue scope key, alias
// or grant), as kms:Name.
func keyActionNames(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile("../rego/kmsguard/catalog/data.json")
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Actions map[string]struct {
			Name  string `json:"name"`
			Scope string `json:"scope"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range cat.Actions {
		switch a.Scope {
		case "key", "alias", "grant":
			out = append(out, "kms:"+a.Name)
		}
	}
	sort.Strings(out)
	return out
}

// probes are principals outside the snapshot that every agreement check also
// asks about: other accounts, their users and roles, services, a session.
var probes = []string{
	"arn:aws:iam::999988887777:root",
	"arn:aws:iam::999988887777:role/Stranger",
	"arn:aws:iam::444455556666:root",
	"arn:aws:iam::444455556666:user/eve",
	"arn:aws:iam::111122223333:user/unknown",
	"arn:aws:sts::111122223333:assumed-role/App/session-1",
	"logs.us-east-1.amazonaws.com",
	"s3.amazonaws.com",
}

// allowAll is the identity policy a question adds for a principal whose own
// account's policies the snapshot does not hold, when who-can says that
// account must allow the action.
var allowAll = map[string]any{"Version": "2012-10-17", "Statement": []any{
	map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"},
}}

type verdict struct {
	level   string
	group   result.Access
	askedAs string
}

// checkAgreement asks the decision engine, question by question, about every
// (principal, action) of every key of snap, and compares with who-can:
// "allowed" must be Allowed with no context; absent must not be Allowed with
// no context; "conditional" must be Allowed with the example context (and
// an identity allow where the caller's account must give one).
func checkAgreement(t *testing.T, snap map[string]any, keys []string, sample func(principal string) bool) (checked int) {
	t.Helper()
	ctx := context.Background()
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	actions := keyActionNames(t)
	principals := map[string]bool{}
	for p := range snap["principals"].(map[string]any) {
		if sample == nil || sample(p) {
			principals[p] = true
		}
	}
	for _, p := range probes {
		principals[p] = true
	}
	if keys == nil {
		for k := range snap["keys"].(map[string]any) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	var jobs []job
	for _, key := range keys {
		rep, err := WhoCan(ctx, r, key, "", probes)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]verdict{} // principal + "\x00" + action
		universe := map[string]string{}
		for p := range principals {
			universe[p] = p
		}
		universe["arn:aws:iam::"+accountOf(key)+":root"] = "arn:aws:iam::" + accountOf(key) + ":root"
		for _, row := range rep.Principals {
			askedAs := row.Principal
			if row.EvaluatedAs != "" {
				askedAs = row.EvaluatedAs
			}
			universe[row.Principal] = askedAs
			for _, g := range row.Access {
				for _, a := range g.Actions {
					id := row.Principal + "\x00" + a
					if _, dup := found[id]; dup {
						t.Errorf("%s: %s %s reported twice", key, row.Principal, a)
					}
					found[id] = verdict{level: g.Access, group: g, askedAs: askedAs}
				}
			}
		}
		for p, askedAs := range universe {
			if sample != nil && !sample(p) && !contains(probes, p) {
				continue
			}
			for _, a := range actions {
				v, ok := found[p+"\x00"+a]
				q := map[string]any{"principal": askedAs, "action": a, "resource": key}
				checked++
				j := job{key: key, principal: p, action: a, q: q, verdict: v, listed: ok}
				if ok && v.level == result.Conditional {
					if v.group.ExampleContext != nil {
						q["context"] = v.group.ExampleContext
					}
					if needsIdentity(v.group) {
						q["identity_policies"] = []any{allowAll}
					}
				}
				jobs = append(jobs, j)
			}
		}
	}
	// The runner is safe for concurrent use: ask on every CPU.
	var wg sync.WaitGroup
	next := make(chan job)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				j.check(t, r)
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return checked
}

// job is one question of the agreement check and what who-can said.
type job struct {
	key, principal, action string
	q                      map[string]any
	verdict                verdict
	listed                 bool
}

func (j job) check(t *testing.T, r *runner.Runner) {
	in, err := ast.InterfaceToValue(j.q)
	if err != nil {
		t.Error(err)
		return
	}
	ans := r.Decide(context.Background(), in)
	v := j.verdict
	switch {
	case !j.listed:
		if ans.IsAllowed() {
			t.Errorf("%s: who-can does not list %s for %s, but the decision is Allowed: %+v", j.key, j.principal, j.action, ans.Reasons)
		}
	case v.level == result.Allowed:
		if !ans.IsAllowed() {
			t.Errorf("%s: who-can says %s may %s unconditionally, the decision is %s %s %v", j.key, j.principal, j.action, ans.Decision, ans.Error, ans.Missing)
		}
	case v.level == result.Conditional:
		if !ans.IsAllowed() {
			t.Errorf("%s: who-can says %s may %s under conditions %s, but with context %v the decision is %s %s %v %v",
				j.key, j.principal, j.action, conditionTexts(v.group), v.group.ExampleContext, ans.Decision, ans.Error, ans.Missing, ans.Reasons)
		}
	default:
		t.Errorf("%s: %s %s: unknown access level %q", j.key, j.principal, j.action, v.level)
	}
}

// needsIdentity: the example path (the one with the fewest conditions, as
// the example context is built for) needs an identity allow of the caller's
// own account.
func needsIdentity(g result.Access) bool {
	for _, e := range g.BestPath() {
		if e.Requires != "" {
			return true
		}
	}
	return false
}

func conditionTexts(g result.Access) []string {
	var out []string
	for _, p := range g.Paths {
		for _, e := range p {
			if e.Text != "" {
				out = append(out, e.Text)
			}
			for _, c := range e.Conditions {
				out = append(out, c.Text)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func accountOf(arn string) string {
	var parts [6]string
	n := 0
	start := 0
	for i := 0; i < len(arn) && n < 5; i++ {
		if arn[i] == ':' {
			parts[n] = arn[start:i]
			n++
			start = i + 1
		}
	}
	if n < 5 {
		return ""
	}
	return parts[4]
}

func loadSnapshot(t testing.TB, path string) map[string]any {
	t.Helper()
	s, err := snapshot.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// orgConditionKeys returns the keys of snap whose entries mention
// aws:PrincipalOrgID (any case), sorted, or nil (every key) when a
// principal's entry does.
func orgConditionKeys(t *testing.T, snap map[string]any) []string {
	t.Helper()
	mentions := func(v any) bool {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(strings.ToLower(string(b)), "aws:principalorgid")
	}
	for _, p := range snap["principals"].(map[string]any) {
		if mentions(p) {
			return nil
		}
	}
	var keys []string
	for k, e := range snap["keys"].(map[string]any) {
		if mentions(e) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		t.Fatal("no key of the snapshot has an aws:PrincipalOrgID condition")
	}
	sort.Strings(keys)
	return keys
}

func TestAgreementWithDecisions(t *testing.T) {
	for _, path := range []string{"../testdata/access/snapshot.json", "../testdata/access/scan-golden.json"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			n := checkAgreement(t, loadSnapshot(t, path), nil, nil)
			if n < 1000 {
				t.Errorf("only %d questions checked", n)
			}
			t.Logf("%d questions agree", n)
		})
	}
}

// With the organization of its first account recorded (and the second
// account in none), the test snapshot's aws:PrincipalOrgID conditions are
// decided rather than listed, and who-can still agrees with the decisions.
// An organization changes only those conditions: the keys whose entries
// hold one are checked (all keys if a principal's policies hold one);
// TestAgreementWithDecisions checks every key without organizations.
func TestAgreementWithOrganizations(t *testing.T) {
	snap := loadSnapshot(t, "../testdata/access/snapshot.json")
	accounts := snap["accounts"].(map[string]any)
	accounts["111122223333"].(map[string]any)["organization_id"] = "o-abc"
	accounts["444455556666"].(map[string]any)["organization_id"] = nil
	keys := orgConditionKeys(t, snap)
	n := checkAgreement(t, snap, keys, nil)
	if n < 200 {
		t.Errorf("only %d questions checked", n)
	}
	t.Logf("%d questions agree, on %d keys", n, len(keys))
	r, err := runner.New(context.Background(), runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	const key3 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000003"
	rep, err := WhoCan(context.Background(), r, key3, "kms:Decrypt", nil)
	if err != nil {
		t.Fatal(err)
	}
	// OrgDecrypt ("*" with aws:PrincipalOrgID o-abc) now gives a principal
	// of the organization's account Decrypt outright; "*" (unknown
	// accounts) still needs the condition.
	if g, ok := find(rep, "arn:aws:iam::111122223333:role/NoKms", "kms:Decrypt"); !ok || g.Access != result.Allowed {
		t.Errorf("NoKms's Decrypt: %+v (found %v), want allowed", g, ok)
	}
	if g, ok := find(rep, "*", "kms:Decrypt"); !ok || g.Access != result.Conditional || !containsText(g, "aws:PrincipalOrgID StringEquals o-abc") {
		t.Errorf("anyone's Decrypt: %+v (found %v), want conditional on aws:PrincipalOrgID", g, ok)
	}
}

// TestWhoCanFindings pins what who-can reports for the cases the agreement
// test alone would let pass silently (access it must find).
func TestWhoCanFindings(t *testing.T) {
	snap := loadSnapshot(t, "../testdata/access/snapshot.json")
	r, err := runner.New(context.Background(), runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	const key1 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
	const key2 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000002"
	const key3 = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000003"
	cases := []struct {
		key, principal, action, level string
		texts                         []string // condition texts that must be listed
	}{
		{key1, "arn:aws:iam::444455556666:role/Partner", "kms:Decrypt", result.Conditional, []string{"only via s3.us-east-1.amazonaws.com or sqs.us-east-1.amazonaws.com"}},
		{key1, "arn:aws:iam::111122223333:role/team/App", "kms:Encrypt", result.Allowed, nil},
		{key1, "arn:aws:iam::111122223333:role/team/App", "kms:GenerateDataKey", result.Conditional, nil},
		{key1, "arn:aws:iam::444455556666:root", "kms:Encrypt", result.Conditional, []string{"only with exactly the encryption context partner = yes (grant constraint)"}},
		{key1, "logs.us-east-1.amazonaws.com", "kms:Decrypt", result.Allowed, nil},
		{key1, "arn:aws:iam::111122223333:role/team/App", "kms:Decrypt", result.Conditional, []string{"aws:PrincipalOrgID StringNotEqualsIfExists o-abc"}},
		{key1, "arn:aws:iam::444455556666:user/dave", "kms:Encrypt", result.Conditional, []string{"only with exactly the encryption context partner = yes (grant constraint)"}},
		{key1, "arn:aws:iam::111122223333:user/alice", "kms:Decrypt", result.Conditional, []string{"aws:SourceVpc StringNotEquals vpc-1234"}},
		{key1, "arn:aws:iam::111122223333:user/bob", "kms:Decrypt", result.Conditional, []string{"aws:SourceIp NotIpAddress 10.0.0.0/8"}},
		{key2, "logs.us-east-1.amazonaws.com", "kms:Encrypt", result.Conditional, []string{"kms:EncryptionContext:aws:logs:arn ArnLike arn:aws:logs:us-east-1:111122223333:log-group:*"}},
		{key2, "arn:aws:iam::111122223333:user/alice", "kms:Decrypt", result.Conditional, []string{"only via s3.us-east-1.amazonaws.com"}},
		{key3, "*", "kms:Decrypt", result.Conditional, []string{"aws:PrincipalOrgID StringEquals o-abc"}},
		{key3, "arn:aws:iam::111122223333:role/Admin", "kms:ScheduleKeyDeletion", result.Conditional, []string{"aws:PrincipalTag/team StringNotEquals security"}},
	}
	reports := map[string]*result.KeyReport{}
	for _, c := range cases {
		rep := reports[c.key]
		if rep == nil {
			if rep, err = WhoCan(context.Background(), r, c.key, "", nil); err != nil {
				t.Fatal(err)
			}
			reports[c.key] = rep
		}
		g, ok := find(rep, c.principal, c.action)
		if !ok {
			t.Errorf("%s: %s %s not reported", c.key, c.principal, c.action)
			continue
		}
		if g.Access != c.level {
			t.Errorf("%s: %s %s is %s, want %s", c.key, c.principal, c.action, g.Access, c.level)
		}
		all := fmt.Sprint(conditionTexts(g), unlessTexts(g))
		for _, want := range c.texts {
			if !containsText(g, want) {
				t.Errorf("%s: %s %s: condition %q not listed in %s", c.key, c.principal, c.action, want, all)
			}
		}
	}
	// Carol's boundary allows no KMS action; the service-linked role is
	// not limited by the account's SCP; Admin's boundary leaves out Decrypt.
	for _, c := range []struct{ principal, action string }{
		{"arn:aws:iam::111122223333:user/carol", "kms:Decrypt"},
		{"arn:aws:iam::111122223333:role/Admin", "kms:Decrypt"},
		{"arn:aws:iam::444455556666:user/dave", "kms:Decrypt"},
		{"arn:aws:iam::111122223333:role/NoKms", "kms:DescribeKey"},
	} {
		if g, ok := find(reports[key1], c.principal, c.action); ok {
			t.Errorf("%s: %s %s reported as %s", key1, c.principal, c.action, g.Access)
		}
	}
}

func find(rep *result.KeyReport, principal, action string) (result.Access, bool) {
	for _, row := range rep.Principals {
		if row.Principal != principal {
			continue
		}
		for _, g := range row.Access {
			if contains(g.Actions, action) {
				return g, true
			}
		}
	}
	return result.Access{}, false
}

func unlessTexts(g result.Access) []string {
	var out []string
	for _, e := range g.Unless {
		for _, c := range e.Conditions {
			out = append(out, c.Text)
		}
	}
	return out
}

func containsText(g result.Access, want string) bool {
	return contains(conditionTexts(g), want) || contains(unlessTexts(g), want)
}
