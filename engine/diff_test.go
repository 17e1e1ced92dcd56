package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/gen"
	"github.com/kmsguard/kmsguard/internal/loadgen"
	"github.com/kmsguard/kmsguard/question/opainput"
	"github.com/kmsguard/kmsguard/runner"
)

// The differential gate: the native engine and the Rego (the
// specification) must give byte-identical answers — the decision object
// and the explanation, compared whole as canonical JSON. A question the
// engine declines is answered by the Rego in production; it is counted
// here, and every corpus of the repository is expected to have none.

var (
	flagDiffN    = flag.Int("diff.n", 2500, "number of generated questions TestDifferentialGenerated compares (make differential: 20,000)")
	flagDiffSeed = flag.Uint64("diff.seed", 0, "seed of the generated questions (0: a new random seed, printed)")
)

// differ compares the two engines question by question.
type differ struct {
	r *runner.Runner
	e *engine.Engine

	compared, declined atomic.Int64
	// declinedValid counts declined questions the Rego answers with a
	// decision rather than an error: each is a class the engine should
	// learn.
	declinedValid atomic.Int64
	mu            sync.Mutex
	examples      []string
}

func newDiffer(t testing.TB) *differ {
	t.Helper()
	r, err := runner.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	return &differ{r: r, e: e}
}

// canonical re-encodes JSON with sorted keys and exact numbers.
func canonical(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return "", err
	}
	out, err := json.Marshal(x)
	return string(out), err
}

// check compares both engines on one question; it returns a description
// of the first difference, or "".
func (d *differ) check(data []byte, explain bool) string {
	ctx := context.Background()
	ans, ok := d.e.Decide(data)
	// The batch's way, into the scratch's answer: the same bytes.
	appended, _, appendOK := d.e.AppendDecision(nil, data)
	if appendOK != ok || (ok && string(appended) != string(ans.AppendJSON(nil))) {
		return fmt.Sprintf("AppendDecision wrote %s (ok %v); Decide's answer: %+v (ok %v)", appended, appendOK, ans, ok)
	}
	input, _, err := opainput.Decode(data)
	if err != nil {
		if ok {
			return fmt.Sprintf("the engine answered a question the decoder rejects (%v)", err)
		}
		d.declined.Add(1)
		return ""
	}
	want, err := d.r.RegoDecision(ctx, input)
	if err != nil {
		return fmt.Sprintf("rego: %v", err)
	}
	if !ok {
		d.declined.Add(1)
		if _, isErr := want["error"]; !isErr {
			d.declinedValid.Add(1)
			d.mu.Lock()
			if len(d.examples) < 3 {
				d.examples = append(d.examples, string(data))
			}
			d.mu.Unlock()
		}
		return ""
	}
	d.compared.Add(1)
	if diff := sameJSON("decision", ans, want); diff != "" {
		return diff
	}
	if !explain {
		return ""
	}
	gotEx, ok := d.e.Explain(data)
	if !ok {
		return "the engine decided but declined to explain"
	}
	wantEx, err := d.r.Explain(ctx, input)
	if err != nil {
		return fmt.Sprintf("rego explain: %v", err)
	}
	return sameJSON("explanation", gotEx, wantEx)
}

// sameJSON compares the native and Rego results as canonical JSON: "" when
// they are the same bytes, else what differs.
func sameJSON(what string, native, rego any) string {
	got, err := canonical(native)
	if err != nil {
		return err.Error()
	}
	want, err := canonical(rego)
	if err != nil {
		return err.Error()
	}
	if got != want {
		return fmt.Sprintf("%s differs:\n native: %s\n   rego: %s", what, got, want)
	}
	return ""
}

// run compares every question on all cores; name(i) names question i in a
// failure.
func (d *differ) run(t *testing.T, qs [][]byte, name func(int) string, explain func(int) bool) {
	t.Helper()
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed int
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(qs) {
					return
				}
				if diff := d.check(qs[i], explain(i)); diff != "" {
					mu.Lock()
					failed++
					if failed <= 10 {
						t.Errorf("%s: %s\n question: %s", name(i), diff, qs[i])
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d questions: %d compared, %d declined by the native engine and answered by the Rego (%d of them error answers, %d decisions)",
		len(qs), d.compared.Load(), d.declined.Load(), d.declined.Load()-d.declinedValid.Load(), d.declinedValid.Load())
	if n := d.declinedValid.Load(); n > 0 {
		t.Errorf("the native engine declined %d questions the Rego decides; the engine must answer every valid question of the repository's corpora; first ones:\n%s",
			n, strings.Join(d.examples, "\n"))
	}
}

func TestDifferentialGenerated(t *testing.T) {
	n := *flagDiffN
	if testing.Short() {
		n = 2000
	}
	seed := *flagDiffSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (repeat with -diff.seed %d)", seed, seed)
	generated := gen.Generate(n, seed)
	qs := make([][]byte, len(generated))
	for i, q := range generated {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		qs[i] = b
	}
	d := newDiffer(t)
	d.run(t, qs, func(i int) string {
		return fmt.Sprintf("seed %d, question %d (%v)", seed, i, generated[i]["id"])
	}, func(i int) bool { return i%4 == 0 })
}

// TestDifferentialDecisionCases compares every case of testdata/decisions
// (the fact-sheet cases and the seed scenarios).
func TestDifferentialDecisionCases(t *testing.T) {
	files, err := filepath.Glob("../testdata/decisions/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no decision cases: %v", err)
	}
	var (
		qs    [][]byte
		names []string
	)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []struct {
				Name     string          `json:"name"`
				Question json.RawMessage `json:"question"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range doc.Cases {
			qs = append(qs, c.Question)
			names = append(names, fmt.Sprintf("%s: %q", filepath.Base(f), c.Name))
		}
	}
	d := newDiffer(t)
	d.run(t, qs, func(i int) string { return names[i] }, func(int) bool { return true })
}

// TestDifferentialSnapshot compares both engines with a snapshot loaded
// (serve --data): questions that leave out what the snapshot holds, and
// questions that bring their own documents (which win).
func TestDifferentialSnapshot(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 300
	}
	questions, err := loadgen.Questions("../testdata/decisions", n, loadgen.Seed)
	if err != nil {
		t.Fatal(err)
	}
	snap, stripped := loadgen.Snapshot(questions)
	r, err := runner.New(context.Background(), runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	d := &differ{r: r, e: e}
	all := append(slices.Clone(stripped), questions[:min(500, len(questions))]...)
	qs := make([][]byte, len(all))
	for i, q := range all {
		if qs[i], err = json.Marshal(q); err != nil {
			t.Fatal(err)
		}
	}
	d.run(t, qs, func(i int) string { return fmt.Sprintf("snapshot question %d (%v)", i, all[i]["id"]) },
		func(i int) bool { return i%4 == 0 })
}

// TestDifferentialOrganizations compares both engines on a snapshot that
// records accounts' organizations and their paths (scan --organization):
// aws:PrincipalOrgID/aws:PrincipalOrgPaths come from the caller's account
// and aws:ResourceOrgID/aws:ResourceOrgPaths from the key's
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths),
// and a question's own context wins.
func TestDifferentialOrganizations(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	policy := map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Sid": "Paths", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
			"Condition": map[string]any{"ForAnyValue:StringLike": map[string]any{"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}},
		map[string]any{"Sid": "Org", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "kms:Encrypt", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
		map[string]any{"Sid": "DenyOtherResourcePath", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
			"Condition": map[string]any{"ForAllValues:StringNotLike": map[string]any{"aws:ResourceOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}}},
	}}
	snap := map[string]any{
		"keys": map[string]any{key: map[string]any{"key_policy": policy}},
		"accounts": map[string]any{
			"111122223333": map[string]any{"organization_id": "o-a1b2c3d4e5", "org_path": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
			"444455556666": map[string]any{"organization_id": "o-a1b2c3d4e5", "org_path": "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/"},
			"777788889999": map[string]any{"organization_id": nil},
		},
	}
	r, err := runner.New(context.Background(), runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	d := &differ{r: r, e: e}
	var qs [][]byte
	for _, p := range []string{"arn:aws:iam::111122223333:role/App", "arn:aws:iam::444455556666:role/App", "arn:aws:iam::777788889999:user/u1", "arn:aws:iam::123456789012:root"} {
		for _, a := range []string{"kms:Decrypt", "kms:Encrypt"} {
			for _, ctx := range []map[string]any{nil, {"aws:PrincipalOrgPaths": []any{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-x/"}}, {"aws:ResourceOrgPaths": []any{"o-zzzzzzzzzz/r-zz/"}}} {
				q := map[string]any{"principal": p, "action": a, "resource": key, "identity_policies": []any{map[string]any{"Version": "2012-10-17", "Statement": map[string]any{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}}}
				if ctx != nil {
					q["context"] = ctx
				}
				b, err := json.Marshal(q)
				if err != nil {
					t.Fatal(err)
				}
				qs = append(qs, b)
			}
		}
	}
	d.run(t, qs, func(i int) string { return fmt.Sprintf("organization question %d", i) }, func(int) bool { return true })
	if d.compared.Load() != int64(len(qs)) {
		t.Errorf("%d of %d questions compared; the engine declined the others", d.compared.Load(), len(qs))
	}
}
