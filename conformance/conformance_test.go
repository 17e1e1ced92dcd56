package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/internal/gen"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/runner"
)

// DefaultQuestions is the number of questions TestConformance generates.
const DefaultQuestions = 5000

// Seed makes the generated questions reproducible.
const Seed uint64 = 0x6b6d7367756172 // "kmsguar"

var (
	flagN    = flag.Int("conformance.n", DefaultQuestions, "number of generated questions in TestConformance")
	flagSeed = flag.Uint64("conformance.seed", Seed, "seed of the question generator")
)

// maxExcluded is the largest share of questions the known differences may
// exclude from the comparison.
const maxExcluded = 0.02

// A knownDifference is a shape of question on which iam-simulate departs
// from AWS's documented behaviour and kmsguard follows the documentation.
// Questions matching it are left out of the comparison (and counted).
type knownDifference struct {
	name  string
	url   string
	why   string
	match func(q map[string]any) bool
}

var knownDifferences = []knownDifference{
	{
		name: "cross-account use of an action that is not cross-account capable",
		url:  "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
		why: "AWS KMS honours permissions given to another account only for the cryptographic operations, CreateGrant, " +
			"DescribeKey, GetKeyRotationStatus, GetPublicKey, ListGrants, RetireGrant and RevokeGrant; any other " +
			"permission is ineffective, so kmsguard's ImplicitlyDenied is AWS's answer where iam-simulate allows",
		match: func(q map[string]any) bool {
			p, _ := q["principal"].(string)
			a, _ := q["action"].(string)
			r, _ := q["resource"].(string)
			pa := principalAccount(p)
			return pa != "" && pa != arnAccount(r) && !gen.CrossAccountCapable(a)
		},
	},
	{
		name: "Date condition comparing epoch seconds with an ISO 8601 time",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date",
		why: "IAM accepts a date either in a W3C ISO 8601 format or in epoch (UNIX) time and compares the instants; " +
			"iam-simulate reads epoch values as seconds and ISO values as milliseconds, so it compares " +
			"1735689600 (2025-01-01) with 2024-06-01T00:00:00Z as if 1970-01-21, while kmsguard compares the instants",
		match: mixedDateFormats,
	},
	{
		name: "NotIpAddress with a bare address of the other IP version",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress",
		why: "NotIpAddress is true when the request address is not in the given range, and a bare address means a /32 " +
			"(or /128) range; an IPv6 request address is never in an IPv4 range, yet iam-simulate answers false for a " +
			"bare IPv4 value and an IPv6 request (and the reverse), where kmsguard answers true",
		match: notIPBareOtherVersion,
	},
	{
		name: "IPv4 range 0.0.0.0/0",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress",
		why: "IpAddress takes CIDR ranges and 0.0.0.0/0 contains every IPv4 address; iam-simulate builds the /0 mask " +
			"with a 32-bit shift that wraps to all ones and matches only 0.0.0.0",
		match: func(q map[string]any) bool {
			found := false
			forEachCondition(q, func(op, key string, val any) {
				if strings.Contains(op, "IpAddress") && hasValue(val, func(s string) bool { return s == "0.0.0.0/0" }) {
					found = true
				}
			})
			return found
		},
	},
	{
		name: "policy variable in an ARN condition operator",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement",
		why: "policy variables may be used in the values of string and ARN operators; iam-simulate splits an ArnLike value " +
			"at its colons before resolving ${aws:PrincipalAccount} (whose name has a colon), so it never matches",
		match: func(q map[string]any) bool {
			found := false
			forEachCondition(q, func(op, key string, val any) {
				if strings.HasPrefix(baseOperator(op), "Arn") && hasValue(val, func(s string) bool { return strings.Contains(s, "${") }) {
					found = true
				}
			})
			return found
		},
	},
	{
		name: "negated string operator with a policy variable that has no value",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value",
		why: "a variable whose key is not in the request context has no value, so nothing equals it and a negated " +
			"operator (StringNotEquals, StringNotLike) is true; iam-simulate treats the unresolved variable as an error " +
			"and the condition as false (for ${aws:username} with a role session, a Deny does not apply there)",
		match: unresolvedNegatedVariable,
	},
	{
		name: "policy variables in a policy without Version 2012-10-17",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-using-variables",
		why: "policy variables exist only in policies with \"Version\": \"2012-10-17\"; in an older or missing Version " +
			"${aws:username} is literal text, while iam-simulate substitutes it",
		match: func(q map[string]any) bool {
			for _, d := range policyDocs(q) {
				doc, _ := d.(map[string]any)
				if v, _ := doc["Version"].(string); v != "2012-10-17" {
					if js, _ := json.Marshal(doc); strings.Contains(string(js), "${") {
						return true
					}
				}
			}
			return false
		},
	},
	{
		name: "SCPs given for a service-linked role",
		url:  "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
		why: "SCPs do not affect service-linked roles, which kmsguard models by not applying them; iam-simulate applies " +
			"the SCPs of the question to every IAM principal",
		match: func(q map[string]any) bool {
			p, _ := q["principal"].(string)
			scps, _ := q["scps"].([]any)
			return strings.Contains(p, ":role/aws-service-role/") && len(scps) > 0
		},
	},
	{
		name: "Principal \"*\" and a federated-user session without a session policy",
		url:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session",
		why: "a GetFederationToken session without a session policy has no permissions except through a resource-based " +
			"policy that specifically references the federated user session in its Principal element; \"*\" does not, " +
			"so kmsguard denies where iam-simulate lets Principal \"*\" allow the session",
		match: func(q map[string]any) bool {
			p, _ := q["principal"].(string)
			if !strings.Contains(p, ":federated-user/") || q["session_policy"] != nil {
				return false
			}
			js, _ := json.Marshal(q["key_policy"])
			return strings.Contains(string(js), `"Principal":"*"`) || strings.Contains(string(js), `"AWS":"*"`) || strings.Contains(string(js), `"*"]`)
		},
	},
}

// baseOperator strips a set-operator prefix and an IfExists suffix.
func baseOperator(op string) string {
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:]
	}
	return strings.TrimSuffix(op, "IfExists")
}

func hasValue(val any, f func(string) bool) bool {
	vals, ok := val.([]any)
	if !ok {
		vals = []any{val}
	}
	for _, v := range vals {
		if s, ok := v.(string); ok && f(s) {
			return true
		}
	}
	return false
}

// unresolvedNegatedVariable reports whether a negated string or ARN
// operator has a value with a policy variable whose key the request context
// lacks (and which has no default).
func unresolvedNegatedVariable(q map[string]any) bool {
	ctx, _ := q["context"].(map[string]any)
	present := map[string]bool{}
	for k := range ctx {
		present[strings.ToLower(k)] = true
	}
	unresolved := func(s string) bool {
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				return false
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return false
			}
			name := s[i+2 : i+j]
			s = s[i+j+1:]
			if name == "*" || name == "?" || name == "$" || strings.Contains(name, ", '") {
				continue
			}
			if !present[strings.ToLower(name)] {
				return true
			}
		}
	}
	found := false
	forEachCondition(q, func(op, key string, val any) {
		switch baseOperator(op) {
		case "StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase", "ArnNotEquals", "ArnNotLike":
			if hasValue(val, unresolved) {
				found = true
			}
		}
	})
	return found
}

// notIPBareOtherVersion reports whether some NotIpAddress condition has a
// bare address (no prefix length) of one IP version while the request's
// address for that key is of the other.
func notIPBareOtherVersion(q map[string]any) bool {
	ctx, _ := q["context"].(map[string]any)
	req := map[string]string{}
	for k, v := range ctx {
		if s, ok := v.(string); ok {
			req[strings.ToLower(k)] = s
		}
	}
	found := false
	forEachCondition(q, func(op, key string, val any) {
		if baseOperator(op) != "NotIpAddress" {
			return
		}
		r, ok := req[strings.ToLower(key)]
		if !ok {
			return
		}
		vals, ok := val.([]any)
		if !ok {
			vals = []any{val}
		}
		for _, v := range vals {
			s, _ := v.(string)
			if s != "" && !strings.Contains(s, "/") && strings.Contains(s, ":") != strings.Contains(r, ":") {
				found = true
			}
		}
	})
	return found
}

// mixedDateFormats reports whether some Date condition of the question has
// a policy value in epoch seconds and a request value in ISO 8601, or the
// reverse.
func mixedDateFormats(q map[string]any) bool {
	ctx, _ := q["context"].(map[string]any)
	reqEpoch := map[string]bool{} // lower-case key -> value is epoch seconds
	if _, has := q["request_time"].(string); has {
		// kmsguard derives both from request_time, as does the oracle.
		reqEpoch["aws:currenttime"], reqEpoch["aws:epochtime"] = false, true
	}
	for k, v := range ctx {
		reqEpoch[strings.ToLower(k)] = isEpoch(v)
	}
	found := false
	forEachCondition(q, func(op, key string, val any) {
		if !strings.HasPrefix(baseOperator(op), "Date") {
			return
		}
		e, present := reqEpoch[strings.ToLower(key)]
		if !present {
			return
		}
		vals, ok := val.([]any)
		if !ok {
			vals = []any{val}
		}
		for _, v := range vals {
			if isEpoch(v) != e {
				found = true
			}
		}
	})
	return found
}

func isEpoch(v any) bool {
	switch x := v.(type) {
	case string:
		return x != "" && strings.Trim(x, "0123456789") == ""
	case json.Number, int, int64, float64:
		return true
	}
	return false
}

// policyDocs returns every policy document of the question.
func policyDocs(q map[string]any) []any {
	var docs []any
	docs = append(docs, q["key_policy"], q["permissions_boundary"])
	if l, ok := q["identity_policies"].([]any); ok {
		docs = append(docs, l...)
	}
	for _, field := range []string{"scps", "rcps"} {
		if levels, ok := q[field].([]any); ok {
			for _, lvl := range levels {
				if l, ok := lvl.([]any); ok {
					docs = append(docs, l...)
				}
			}
		}
	}
	return docs
}

// forEachCondition calls f for every condition (operator, key, value) of
// every policy in the question.
func forEachCondition(q map[string]any, f func(op, key string, val any)) {
	for _, d := range policyDocs(q) {
		doc, ok := d.(map[string]any)
		if !ok {
			continue
		}
		stmts, ok := doc["Statement"].([]any)
		if !ok {
			stmts = []any{doc["Statement"]}
		}
		for _, s := range stmts {
			st, _ := s.(map[string]any)
			cond, _ := st["Condition"].(map[string]any)
			for op, kv := range cond {
				m, _ := kv.(map[string]any)
				for k, v := range m {
					f(op, k, v)
				}
			}
		}
	}
}

// principalAccount is the account of an IAM principal ("" for service
// principals).
func principalAccount(p string) string {
	if len(p) == 12 && strings.Trim(p, "0123456789") == "" {
		return p
	}
	if strings.HasPrefix(p, "arn:") {
		return arnAccount(p)
	}
	return ""
}

func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// ---------------------------------------------------------------------------
// Oracle

type oracleAnswer struct {
	ID       string          `json:"id"`
	Decision string          `json:"decision"`
	Detail   json.RawMessage `json:"detail"`
}

func oracleDir() string { return "oracle" }

// OracleVersion is the pinned version of @cloud-copilot/iam-simulate.
const OracleVersion = "0.1.173"

// requireOracle skips the test when the oracle's dependencies are not
// installed, unless KMSGUARD_CONFORMANCE=1 (CI), where it fails.
func requireOracle(t testing.TB) {
	t.Helper()
	msg := ""
	pkg, err := os.ReadFile(filepath.Join(oracleDir(), "node_modules", "@cloud-copilot", "iam-simulate", "package.json"))
	if err != nil {
		msg = "oracle/node_modules is missing: run `npm ci --prefix conformance/oracle` (from the repository root)"
	} else if _, err := exec.LookPath("node"); err != nil {
		msg = "node is not on PATH: install Node.js 20+ and run `npm ci --prefix conformance/oracle`"
	}
	if msg == "" {
		var meta struct{ Version string }
		if err := json.Unmarshal(pkg, &meta); err != nil || meta.Version != OracleVersion {
			t.Fatalf("oracle/node_modules holds iam-simulate %q, want %s: run `npm ci --prefix conformance/oracle`", meta.Version, OracleVersion)
		}
		return
	}
	if os.Getenv("KMSGUARD_CONFORMANCE") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// runOracle answers the questions (JSON Lines) with one node process.
func runOracle(ctx context.Context, lines [][]byte) ([]oracleAnswer, error) {
	cmd := exec.CommandContext(ctx, "node", "oracle.mjs")
	cmd.Dir = oracleDir()
	cmd.Stdin = bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n'))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node oracle.mjs: %w\n%s", err, stderr.String())
	}
	var answers []oracleAnswer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var a oracleAnswer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("oracle output %q: %w", sc.Text(), err)
		}
		answers = append(answers, a)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(answers) != len(lines) {
		return nil, fmt.Errorf("oracle answered %d of %d questions\n%s", len(answers), len(lines), stderr.String())
	}
	return answers, nil
}

// ---------------------------------------------------------------------------
// kmsguard

// encode writes each question as one JSON line (the batch format).
func encode(t testing.TB, qs []map[string]any) [][]byte {
	t.Helper()
	lines := make([][]byte, len(qs))
	for i, q := range qs {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("question %d: %v", i, err)
		}
		lines[i] = b
	}
	return lines
}

// inputs parses the JSON lines into OPA input values, as a batch reader would.
func inputs(lines [][]byte) ([]ast.Value, error) {
	vs := make([]ast.Value, len(lines))
	for i, l := range lines {
		raw, err := question.ParseJSON(l)
		if err != nil {
			return nil, fmt.Errorf("question %d: %w", i, err)
		}
		if vs[i], err = ast.InterfaceToValue(raw); err != nil {
			return nil, fmt.Errorf("question %d: %w", i, err)
		}
	}
	return vs, nil
}

// decideAll answers the questions with kmsguard, in parallel over all cores.
func decideAll(ctx context.Context, r *runner.Runner, vs []ast.Value) []*runner.Answer {
	out := make([]*runner.Answer, len(vs))
	var wg sync.WaitGroup
	next := make(chan int, 256)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = r.Decide(ctx, vs[i])
			}
		}()
	}
	for i := range vs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func decisionOf(a *runner.Answer) string {
	if a == nil {
		return "Error"
	}
	if a.Error != "" {
		return "Error"
	}
	return a.Decision
}

// ---------------------------------------------------------------------------
// TestConformance

type catStats struct {
	total, compared, agree, excluded int
	decisions                        map[string]int
}

func TestConformance(t *testing.T) {
	requireOracle(t)
	ctx := context.Background()
	n := *flagN
	qs := gen.Generate(n, *flagSeed)
	lines := encode(t, qs)

	start := time.Now()
	oracle, err := runOracle(ctx, lines)
	if err != nil {
		t.Fatal(err)
	}
	oracleTime := time.Since(start)

	r, err := runner.New(ctx)
	if err != nil {
		t.Fatalf("runner.New: %v", err)
	}
	vs, err := inputs(lines)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	ours := decideAll(ctx, r, vs)
	kmsTime := time.Since(start)

	stats := map[string]*catStats{}
	excludedBy := make([]int, len(knownDifferences))
	disagreeBy := make([]int, len(knownDifferences))
	type mismatch struct {
		line           []byte
		oracle, kms    string
		oracleDetail   json.RawMessage
		reasons, extra string
	}
	var mismatches []mismatch
	compared, agree := 0, 0
	for i, q := range qs {
		cat := gen.CategoryOf(q)
		s := stats[cat]
		if s == nil {
			s = &catStats{decisions: map[string]int{}}
			stats[cat] = s
		}
		s.total++
		if oracle[i].ID != q["id"] {
			t.Fatalf("oracle answer %d has id %q, want %q", i, oracle[i].ID, q["id"])
		}
		od, kd := oracle[i].Decision, decisionOf(ours[i])
		known := -1
		for k, kdiff := range knownDifferences {
			if kdiff.match(q) {
				known = k
				break
			}
		}
		if known >= 0 && od != "Error" && kd != "Error" {
			excludedBy[known]++
			s.excluded++
			if od != kd {
				disagreeBy[known]++
			}
			continue
		}
		compared++
		s.compared++
		s.decisions[kd]++
		if od == kd && od != "Error" {
			agree++
			s.agree++
			continue
		}
		m := mismatch{line: lines[i], oracle: od, kms: kd, oracleDetail: oracle[i].Detail}
		if a := ours[i]; a != nil {
			if a.Error != "" {
				m.extra = a.Error
			}
			if rs, err := json.Marshal(a.Reasons); err == nil && len(a.Reasons) > 0 {
				m.reasons = string(rs)
			}
			if len(a.Missing) > 0 {
				m.extra = strings.Join(a.Missing, "; ")
			}
		}
		mismatches = append(mismatches, m)
	}

	names := make([]string, 0, len(stats))
	for c := range stats {
		names = append(names, c)
	}
	sort.Strings(names)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-22s %6s %8s %6s %8s  %s\n", "category", "total", "compared", "agree", "excluded", "kmsguard decisions (A/ED/ID/Err)")
	for _, c := range names {
		s := stats[c]
		fmt.Fprintf(&sb, "%-22s %6d %8d %6d %8d  %d/%d/%d/%d\n", c, s.total, s.compared, s.agree, s.excluded,
			s.decisions["Allowed"], s.decisions["ExplicitlyDenied"], s.decisions["ImplicitlyDenied"], s.decisions["Error"])
	}
	t.Logf("per category:\n%s", sb.String())
	pct := 100.0
	if compared > 0 {
		pct = 100 * float64(agree) / float64(compared)
	}
	t.Logf("agreement: %d of %d compared questions (%.2f%%); %d questions generated (seed %#x); oracle %v, kmsguard %v",
		agree, compared, pct, n, *flagSeed, oracleTime.Round(time.Millisecond), kmsTime.Round(time.Millisecond))
	totalExcluded := 0
	for k, kd := range knownDifferences {
		totalExcluded += excludedBy[k]
		t.Logf("known difference %q: excluded %d questions (%.2f%%), %d of them answered differently\n    %s\n    %s",
			kd.name, excludedBy[k], 100*float64(excludedBy[k])/float64(max(n, 1)), disagreeBy[k], kd.url, kd.why)
	}
	if n > 0 && float64(totalExcluded)/float64(n) > maxExcluded {
		t.Errorf("known differences exclude %d of %d questions (more than %.0f%%)", totalExcluded, n, 100*maxExcluded)
	}
	if len(mismatches) > 0 {
		var mb strings.Builder
		for i, m := range mismatches {
			if i == 20 {
				break
			}
			fmt.Fprintf(&mb, "\n#%d iam-simulate=%s kmsguard=%s", i+1, m.oracle, m.kms)
			if len(m.oracleDetail) > 0 && string(m.oracleDetail) != "null" {
				fmt.Fprintf(&mb, " (iam-simulate: %s)", m.oracleDetail)
			}
			if m.reasons != "" {
				fmt.Fprintf(&mb, " reasons=%s", m.reasons)
			}
			if m.extra != "" {
				fmt.Fprintf(&mb, " (%s)", m.extra)
			}
			fmt.Fprintf(&mb, "\n%s\n", m.line)
		}
		t.Errorf("%d of %d compared questions differ; the first %d:%s", len(mismatches), compared, min(20, len(mismatches)), mb.String())
	}
}

// ---------------------------------------------------------------------------
// Throughput

// TestThroughputReport prints, for the same 10,000 generated questions,
// kmsguard's batch throughput (runner, parallel over all cores) and the
// oracle's (one node process, start-up included). Set KMSGUARD_THROUGHPUT=1.
// It makes no assertion about timings.
func TestThroughputReport(t *testing.T) {
	if os.Getenv("KMSGUARD_THROUGHPUT") != "1" {
		t.Skip("set KMSGUARD_THROUGHPUT=1 to measure throughput")
	}
	requireOracle(t)
	const n = 10000
	ctx := context.Background()
	qs := gen.Generate(n, Seed)
	lines := encode(t, qs)

	start := time.Now()
	r, err := runner.New(ctx)
	if err != nil {
		t.Fatalf("runner.New: %v", err)
	}
	compile := time.Since(start)
	// Warm up once so that lazily built state is not charged to the batch.
	if vs, err := inputs(lines[:1]); err == nil {
		r.Decide(ctx, vs[0])
	}
	start = time.Now()
	vs, err := inputs(lines)
	if err != nil {
		t.Fatal(err)
	}
	answers := decideAll(ctx, r, vs)
	kms := time.Since(start)
	for i, a := range answers {
		if decisionOf(a) == "Error" {
			t.Fatalf("kmsguard could not answer question %d: %+v", i, a)
		}
	}

	// The native engine (what eval --batch and serve use), all cores.
	start = time.Now()
	var next, declined atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(lines); i = int(next.Add(1)) - 1 {
				if _, ok := r.DecideNative(lines[i]); !ok {
					declined.Add(1)
				}
			}
		})
	}
	wg.Wait()
	native := time.Since(start)

	start = time.Now()
	if _, err := runOracle(ctx, lines); err != nil {
		t.Fatal(err)
	}
	oracle := time.Since(start)

	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%d generated questions, %d cores (GOMAXPROCS %d), %s/%s\n\n", n, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&sb, "| engine | wall time | decisions/s |\n|---|---:|---:|\n")
	fmt.Fprintf(&sb, "| kmsguard runner (parse + decide, all cores; compile %v not included) | %v | %.0f |\n", compile.Round(time.Millisecond), kms.Round(time.Millisecond), rate(kms))
	fmt.Fprintf(&sb, "| kmsguard native engine (from JSON bytes, all cores; %d left to the Rego not answered) | %v | %.0f |\n", declined.Load(), native.Round(time.Millisecond), rate(native))
	fmt.Fprintf(&sb, "| iam-simulate 0.1.173 (one node process, start-up included) | %v | %.0f |\n", oracle.Round(time.Millisecond), rate(oracle))
	t.Log(sb.String())
}

// TestBatchCommandReport (KMSGUARD_THROUGHPUT=1) compares the whole
// commands on the same file of 10,000 generated questions, as the README
// reports them: `kmsguard eval --batch FILE --stats` (built from this
// tree; its start-up included), `node oracle.mjs < FILE` (iam-simulate;
// Node's start-up included) and, for the share of start-up, `kmsguard eval
// --batch` on an empty file. The three run in turn, batchRounds rounds, so
// that a burst of load on a shared machine falls on all of them; it prints
// each one's median and best wall time and CPU time (user + system, from
// the child's rusage), the machine's load average before and after, and
// the ratio of the medians. It makes no assertion about timings. (Peak RSS
// is not reported: a child's ru_maxrss on Linux starts from the test
// process's own.)
func TestBatchCommandReport(t *testing.T) {
	if os.Getenv("KMSGUARD_THROUGHPUT") != "1" {
		t.Skip("set KMSGUARD_THROUGHPUT=1 to measure")
	}
	requireOracle(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "q.jsonl")
	lines := encode(t, gen.Generate(10000, Seed))
	if err := os.WriteFile(file, append(bytes.Join(lines, []byte("\n")), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Built as the image builds them (Dockerfile): static, no symbols;
	// kmsguard-full answers what kmsguard's engine declines.
	bin := filepath.Join(dir, "kmsguard")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", dir+string(filepath.Separator), "../cmd/kmsguard", "../cmd/kmsguard-full")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	commands := []struct {
		name  string
		cmd   func() *exec.Cmd
		stdin bool // the file is the command's standard input
	}{
		{"`kmsguard eval --batch q.jsonl --stats`", func() *exec.Cmd { return exec.Command(bin, "eval", "--batch", file, "--stats") }, false},
		{"`node oracle.mjs < q.jsonl` (iam-simulate " + OracleVersion + ")", func() *exec.Cmd {
			c := exec.Command("node", "oracle.mjs")
			c.Dir = oracleDir()
			return c
		}, true},
		{"`kmsguard eval --batch empty.jsonl` (start-up and exit alone)", func() *exec.Cmd { return exec.Command(bin, "eval", "--batch", empty) }, false},
	}
	loadBefore := loadAverage()
	runs := make([][]batchRun, len(commands))
	answers := filepath.Join(dir, "answers.jsonl")
	for range batchRounds {
		for i, c := range commands {
			runs[i] = append(runs[i], measureBatchRun(t, c.cmd(), file, answers, c.stdin))
			// Each command answered every question: one line each.
			want := len(lines)
			if i == len(commands)-1 {
				want = 0 // the empty batch
			}
			data, err := os.ReadFile(answers)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Count(data, []byte("\n")); got != want {
				t.Fatalf("%s wrote %d answers, want %d", c.name, got, want)
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n10,000 generated questions (%d bytes), %d cores, load average %s before, %s after; %d runs of each command, in turn\n\n",
		fileSize(t, file), runtime.NumCPU(), loadBefore, loadAverage(), batchRounds)
	fmt.Fprintf(&sb, "| command | wall time, median (best) | CPU (user + system), median (best) |\n|---|---:|---:|\n")
	med := make([]batchRun, len(commands))
	for i, c := range commands {
		var best batchRun
		med[i], best = medianAndBest(runs[i])
		fmt.Fprintf(&sb, "| %s | %v (%v) | %v (%v) |\n", c.name, med[i].wall.Round(time.Millisecond), best.wall.Round(time.Millisecond), med[i].cpu.Round(time.Millisecond), best.cpu.Round(time.Millisecond))
	}
	fmt.Fprintf(&sb, "\nkmsguard: %.1f× iam-simulate's wall time, %.1f× less CPU (medians; %s)\n",
		float64(med[1].wall)/float64(med[0].wall), float64(med[1].cpu)/float64(med[0].cpu), runs[0][len(runs[0])-1].stderr)
	t.Log(sb.String())
}

// batchRounds is how many times TestBatchCommandReport runs each command.
const batchRounds = 3

type batchRun struct {
	wall, cpu time.Duration
	stderr    string
}

// measureBatchRun runs cmd, its standard input file when stdin is set, its
// standard output the file answers (made again), as in README's
// `kmsguard eval --batch questions.jsonl > answers.jsonl`: a file, not a
// pipe, so that what is measured is the command and not also this test
// reading the pipe on the same cores. Exit status 1 (some answer is a
// denial) is a success.
func measureBatchRun(t *testing.T, cmd *exec.Cmd, file, answers string, stdin bool) batchRun {
	t.Helper()
	if stdin {
		in, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = in.Close() }()
		cmd.Stdin = in
	}
	out, err := os.Create(answers)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = out.Close() }()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, stderr.String())
	}
	return batchRun{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), stderr: strings.TrimSpace(stderr.String())}
}

// medianAndBest returns the median and the least wall time and CPU time of
// runs, each taken on its own.
func medianAndBest(runs []batchRun) (med, best batchRun) {
	walls, cpus := make([]time.Duration, len(runs)), make([]time.Duration, len(runs))
	for i, r := range runs {
		walls[i], cpus[i] = r.wall, r.cpu
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	return batchRun{wall: walls[len(walls)/2], cpu: cpus[len(cpus)/2]}, batchRun{wall: walls[0], cpu: cpus[0]}
}

// loadAverage is the machine's 1-, 5- and 15-minute load average, or "?".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func fileSize(t *testing.T, name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
