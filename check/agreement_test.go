package check

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// TestRulesAgreeWithEngine: for every lockout (KMS018), separation-of-duties
// (KMS006) and public (KMS003) finding on the real-world corpus, the golden
// inputs and the rule seeds, the decision engine (runner.Runner.Decide) is
// asked the question the finding answers, independently of the rules:
//
//   - KMS018 "no principal can call kms:PutKeyPolicy (asked for P, ...)":
//     each P is denied kms:PutKeyPolicy (with an IAM policy allowing it for
//     principals other than the root user);
//   - KMS006 "gives P key administration (A) and use of the key (U)": P is
//     allowed one of A and one of U;
//   - KMS003 "allows A to every principal": a principal of an account the
//     policy never names (with an IAM policy allowing kms:*), or one of the
//     key's account with no IAM policy, is allowed one of A.
//
// Questions are asked with no context and with the context that satisfies
// the conditions of the statements the finding names and escapes the
// negated conditions of Deny statements.
func TestRulesAgreeWithEngine(t *testing.T) {
	r := newRealRunner(t)
	files := agreementFiles(t)
	checked := map[string]int{}
	skipped := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, docs, err := policyfile.Documents(file, data)
		if err != nil {
			continue // positioned input errors are TestCorpus's
		}
		for i := range docs {
			d := &docs[i]
			fs, err := lintDocument(context.Background(), r, d, &Options{})
			if err != nil {
				t.Fatalf("%s %s: %v", file, d.Where, err)
			}
			if refused := engineRefuses(t, r, d); refused != "" {
				skipped++
				t.Logf("%s %s: the engine refuses the policy (%s); KMS001 reports it", file, d.Where, refused)
				continue
			}
			for _, f := range fs {
				q := agreementQuestion{t: t, r: r, doc: d, finding: f}
				switch f.ID {
				case "KMS018":
					q.lockout()
				case "KMS006":
					q.separation()
				case "KMS003":
					q.public()
				default:
					continue
				}
				checked[f.ID]++
			}
		}
	}
	if len(checked) == 0 {
		t.Fatal("no lockout, separation-of-duties or public finding to check")
	}
	t.Logf("findings checked against the engine: %v (%d documents the engine refuses left out)", checked, skipped)
}

// engineRefuses returns the engine's error for a question on the key
// policy d (a policy AWS would reject), or "".
func engineRefuses(t *testing.T, r *runner.Runner, d *policyfile.Document) string {
	t.Helper()
	q := agreementQuestion{t: t, r: r, doc: d}
	if !q.keyPolicy() {
		return ""
	}
	return q.decide("arn:aws:iam::"+q.keyAccount()+":root", "kms:DescribeKey", nil, false).Error
}

// agreementFiles: the files of the conftest test (rule seeds, examples,
// corpus) and every golden input, relative to this package.
func agreementFiles(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var files []string
	inputs, err := filepath.Glob("../testdata/check/inputs/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range conftestFiles(t) {
		inputs = append(inputs, "../"+f)
	}
	for _, f := range inputs {
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files
}

type agreementQuestion struct {
	t       *testing.T
	r       *runner.Runner
	doc     *policyfile.Document
	finding result.FileFinding
}

var (
	askedFor    = regexp.MustCompile(`\(asked for ([^)]*)\)`)
	actionName  = regexp.MustCompile(`kms:[A-Za-z]+`)
	sodMessage  = regexp.MustCompile(`gives (\S+)(?: \(also named ([^)]*)\))? key administration \((.*)\) and use of the key \((.*)\)`)
	publicMsg   = regexp.MustCompile(`allows (.*) to every principal`)
	statementsN = regexp.MustCompile(`\(statements ([0-9, ]+)\)$`)
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
)

func (q *agreementQuestion) lockout() {
	m := askedFor.FindStringSubmatch(q.finding.Msg)
	if m == nil {
		q.t.Errorf("%s: KMS018 message without the principals asked for: %s", q.where(), q.finding.Msg)
		return
	}
	for _, p := range strings.Split(m[1], ", ") {
		if a := q.decide(p, "kms:PutKeyPolicy", nil, !strings.HasSuffix(p, ":root")); a.IsAllowed() {
			q.t.Errorf("%s: KMS018 says nobody can call kms:PutKeyPolicy, the engine allows %s: %+v", q.where(), p, a)
		}
	}
}

func (q *agreementQuestion) separation() {
	m := sodMessage.FindStringSubmatch(q.finding.Msg)
	if m == nil {
		if !q.keyPolicy() {
			return // identity policies: no principal to ask about
		}
		q.t.Errorf("%s: unexpected KMS006 message: %s", q.where(), q.finding.Msg)
		return
	}
	// A role and its sessions are one identity: ask as a session when the
	// policy names one (it gets its role's statements and its own).
	p := m[1]
	for _, n := range strings.Split(m[2], ", ") {
		if strings.Contains(n, ":assumed-role/") {
			p = n
		}
	}
	admin, use := actionName.FindAllString(m[3], -1), actionName.FindAllString(m[4], -1)
	if strings.Contains(m[4], "kms:CreateGrant") || len(use) == 0 {
		use = append(use, "kms:CreateGrant")
	}
	stmts := q.statements()
	if !q.anyAllowed(p, admin, stmts, false) {
		q.t.Errorf("%s: KMS006 says %s administers the key (%v), the engine allows none of it", q.where(), p, admin)
	}
	if !q.anyAllowed(p, use, stmts, false) {
		q.t.Errorf("%s: KMS006 says %s uses the key (%v), the engine allows none of it", q.where(), p, use)
	}
}

func (q *agreementQuestion) public() {
	m := publicMsg.FindStringSubmatch(q.finding.Msg)
	if m == nil {
		q.t.Errorf("%s: unexpected KMS003 message: %s", q.where(), q.finding.Msg)
		return
	}
	acts := actionName.FindAllString(m[1], -1)
	if strings.Contains(m[1], "every KMS action") {
		acts = append(acts, "kms:Decrypt", "kms:PutKeyPolicy")
	}
	stmts := q.statements()
	stranger := "arn:aws:iam::999988887777:role/kmsguard-stranger"
	local := "arn:aws:iam::" + q.keyAccount() + ":role/kmsguard-no-iam-policy"
	if !q.anyAllowed(stranger, acts, stmts, true) && !q.anyAllowed(local, acts, stmts, false) {
		q.t.Errorf("%s: KMS003 says every principal may call %v, the engine allows neither %s nor %s", q.where(), acts, stranger, local)
	}
}

// statements: the statements a finding is about (its statement and the
// "(statements 1, 2)" it lists).
func (q *agreementQuestion) statements() []int {
	var out []int
	if q.finding.Statement != nil {
		out = append(out, *q.finding.Statement)
	}
	if m := statementsN.FindStringSubmatch(q.finding.Msg); m != nil {
		for _, s := range strings.Split(m[1], ", ") {
			var n int
			for _, c := range s {
				n = n*10 + int(c-'0')
			}
			out = append(out, n)
		}
	}
	return out
}

func (q *agreementQuestion) anyAllowed(p string, acts []string, stmts []int, iam bool) bool {
	contexts := []map[string]any{nil, q.context(stmts)}
	for _, a := range acts {
		for _, ctx := range contexts {
			if q.decide(p, a, ctx, iam).IsAllowed() {
				return true
			}
		}
	}
	return false
}

// derived are the keys the engine derives from the caller.
var derived = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "kms:calleraccount": true, "aws:principaltype": true,
	"aws:username": true, "aws:userid": true, "aws:principalisawsservice": true, "aws:principalservicename": true,
}

// context satisfies the positive conditions of statements stmts (first
// value, wildcards written as letters) and escapes the negated conditions
// of every Deny statement.
func (q *agreementQuestion) context(stmts []int) map[string]any {
	list := q.statementList()
	ctx := map[string]any{}
	add := func(s map[string]any, negated bool) {
		cond, _ := s["Condition"].(map[string]any)
		for op, kv := range cond {
			lop := strings.ToLower(op)
			if strings.Contains(lop, "ifexists") || strings.HasPrefix(lop, "null") || strings.HasPrefix(lop, "forallvalues") ||
				strings.Contains(lop, "not") != negated {
				continue
			}
			m, _ := kv.(map[string]any)
			for k, v := range m {
				if derived[strings.ToLower(k)] {
					continue
				}
				first := v
				if l, ok := v.([]any); ok && len(l) > 0 {
					first = l[0]
				}
				s, ok := first.(string)
				if !ok || strings.Contains(s, "${") {
					continue
				}
				if strings.HasPrefix(lop, "ipaddress") || strings.HasPrefix(lop, "notipaddress") {
					s, _, _ = strings.Cut(s, "/")
				}
				ctx[k] = strings.NewReplacer("*", "x", "?", "x").Replace(s)
			}
		}
	}
	for _, i := range stmts {
		if i >= 0 && i < len(list) {
			if s, ok := list[i].(map[string]any); ok {
				add(s, false)
			}
		}
	}
	for _, e := range list {
		if s, ok := e.(map[string]any); ok && s["Effect"] == "Deny" {
			add(s, true)
		}
	}
	return ctx
}

func (q *agreementQuestion) statementList() []any {
	switch st := q.doc.Policy["Statement"].(type) {
	case []any:
		return st
	case map[string]any:
		return []any{st}
	}
	return nil
}

// keyAccount: the key's account as the document states it, or the account
// of its first account principal, or an example account.
func (q *agreementQuestion) keyAccount() string {
	if p := strings.Split(q.doc.KeyARN, ":"); len(p) == 6 {
		return p[4]
	}
	for _, e := range q.statementList() {
		s, _ := e.(map[string]any)
		pr, _ := s["Principal"].(map[string]any)
		aws := pr["AWS"]
		list, ok := aws.([]any)
		if !ok {
			list = []any{aws}
		}
		for _, v := range list {
			str, _ := v.(string)
			if accountID.MatchString(str) {
				return str
			}
			if p := strings.Split(str, ":"); len(p) == 6 && strings.HasSuffix(str, ":root") && accountID.MatchString(p[4]) {
				return p[4]
			}
		}
	}
	return "111122223333"
}

func (q *agreementQuestion) decide(principal, action string, ctx map[string]any, iam bool) *runner.Answer {
	account := q.keyAccount()
	if p := strings.Split(principal, ":"); len(p) >= 5 && accountID.MatchString(p[4]) && q.doc.KeyARN == "" && !strings.Contains(principal, "kmsguard-stranger") {
		account = p[4]
	}
	key := q.doc.KeyARN
	if key == "" {
		key = "arn:aws:kms:us-east-1:" + account + ":key/00000000-0000-0000-0000-000000000000"
	}
	in := map[string]any{
		"principal":  principal,
		"action":     action,
		"resource":   key,
		"key_policy": q.doc.Policy,
	}
	if len(ctx) > 0 {
		in["context"] = ctx
	}
	if iam {
		in["identity_policies"] = []any{map[string]any{
			"Version":   "2012-10-17",
			"Statement": []any{map[string]any{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}},
		}}
	}
	v, err := ast.InterfaceToValue(in)
	if err != nil {
		q.t.Fatal(err)
	}
	return q.r.Decide(context.Background(), v)
}

func (q *agreementQuestion) where() string {
	return q.doc.File + " " + q.doc.Where + " " + q.finding.ID
}

// keyPolicy tells a key policy as the rules do (docs/lint-format.md): by
// the format, or by a statement naming a Principal or NotPrincipal.
func (q *agreementQuestion) keyPolicy() bool {
	if q.doc.Kind != "" {
		return q.doc.Kind == policyfile.KindKeyPolicy
	}
	for _, e := range q.statementList() {
		if s, ok := e.(map[string]any); ok {
			if _, p := s["Principal"]; p {
				return true
			}
			if _, p := s["NotPrincipal"]; p {
				return true
			}
		}
	}
	return false
}
