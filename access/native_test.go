package access

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// The native access analysis (engine.WhoCan, CanUse, and Diff here) must
// give the very bytes of the Rego entry points (rego/kmsguard/access, the
// specification) on every snapshot of the repository, on small synthetic
// snapshots, and on seeded random mutations of them.

// repoSnapshots are the snapshots the repository holds: test data, the
// ones CLI scripts carry, and the example key policy as a one-key snapshot.
func repoSnapshots(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, p := range []string{"../testdata/access/snapshot.json", "../testdata/access/scan-golden.json"} {
		out[p] = loadSnapshot(t, p)
	}
	scripts, err := filepath.Glob("../cli/testdata/script/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range scripts {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if !bytes.Contains(f.Data, []byte(`"kmsguard-snapshot"`)) {
				continue
			}
			if s, err := snapshot.Parse(f.Data); err == nil {
				out[path+":"+f.Name] = s
			}
		}
	}
	data, err := os.ReadFile("../examples/key-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	s, _, _, err := PolicySnapshots(doc, doc, "")
	if err != nil {
		t.Fatal(err)
	}
	out["examples/key-policy.json"] = roundTrip(t, s)
	return out
}

func roundTrip(t testing.TB, s map[string]any) map[string]any {
	t.Helper()
	data, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := snapshot.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// regoValue evaluates an access entry point with the Rego, as JSON.
func regoValue(t testing.TB, r *runner.Runner, query string, in map[string]any) []byte {
	t.Helper()
	input, err := ast.InterfaceToValue(in)
	if err != nil {
		t.Fatal(err)
	}
	v, defined, err := r.Eval(context.Background(), query, input)
	if err != nil || !defined {
		t.Fatalf("%s %v: defined %v, %v", query, in, defined, err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func jsonOf(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// agree compares who-can for every key (and for one action), and who-can
// --principal for the principals principalSample keeps, on snapshot snap.
// It returns the number of answers compared and declined.
func agree(t *testing.T, label string, snap map[string]any, principalSample func(int) bool) (compared, declined int) {
	t.Helper()
	r, err := runner.New(context.Background(), runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range asObject(snap["keys"]) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	principals := map[string]bool{}
	for p := range asObject(snap["principals"]) {
		principals[p] = true
	}
	for _, p := range probes {
		principals[p] = true
	}
	check := func(what string, native any, ok bool, rego []byte) {
		t.Helper()
		if !ok {
			declined++
			return
		}
		compared++
		if got := jsonOf(t, native); !bytes.Equal(got, rego) {
			t.Errorf("%s: %s: the native analysis differs from the Rego\nnative: %s\nrego:   %s", label, what, got, rego)
		}
	}
	for _, key := range keys {
		for _, action := range []string{"", "kms:Decrypt"} {
			in := map[string]any{"key": key, "principals": toAny(probes)}
			if action != "" {
				in["action"] = action
			}
			rego := regoValue(t, r, runner.WhoCanQuery, in)
			native, ok := eng.WhoCan(key, action, probes)
			check(fmt.Sprintf("who-can --key %s --action %q", key, action), native, ok, rego)
			if ok {
				var want result.KeyReport
				if err := json.Unmarshal(rego, &want); err != nil {
					t.Fatal(err)
				}
				if got := newReader().keyReport(native); !bytes.Equal(jsonOf(t, got), jsonOf(t, &want)) {
					t.Errorf("%s: who-can --key %s: the report read from the native answer differs from the Rego's decoded", label, key)
				}
			}
			var rep result.KeyReport
			if err := json.Unmarshal(rego, &rep); err == nil {
				for _, row := range rep.Principals {
					if row.Principal != "*" {
						principals[row.Principal] = true
					}
				}
			}
		}
	}
	list := make([]string, 0, len(principals))
	for p := range principals {
		list = append(list, p)
	}
	sort.Strings(list)
	for i, p := range list {
		if principalSample != nil && !principalSample(i) {
			continue
		}
		rego := regoValue(t, r, runner.CanUseQuery, map[string]any{"principal": p})
		if bytes.Contains(rego, []byte(`"errors"`)) {
			if _, ok := eng.CanUse(p, ""); ok {
				t.Errorf("%s: who-can --principal %s: the Rego gives errors %s, the native analysis an answer", label, p, rego)
			}
			continue
		}
		native, ok := eng.CanUse(p, "")
		check("who-can --principal "+p, native, ok, rego)
		if ok {
			var want result.PrincipalReport
			if err := json.Unmarshal(rego, &want); err != nil {
				t.Fatal(err)
			}
			if got := newReader().principalReport(native); !bytes.Equal(jsonOf(t, got), jsonOf(t, &want)) {
				t.Errorf("%s: who-can --principal %s: the report read from the native answer differs from the Rego's decoded", label, p)
			}
		}
	}
	return compared, declined
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func TestNativeAgreesOnRepositorySnapshots(t *testing.T) {
	snaps := repoSnapshots(t)
	names := make([]string, 0, len(snaps))
	for n := range snaps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		compared, declined := agree(t, name, snaps[name], nil)
		t.Logf("%s: %d answers byte-identical, %d declined (answered by the Rego)", name, compared, declined)
		if declined > 0 {
			t.Errorf("%s: the native analysis declined %d answers", name, declined)
		}
	}
}

func TestNativeAgreesOnSyntheticSnapshots(t *testing.T) {
	snap := synthetic.Snapshot(60, 12)
	compared, declined := agree(t, "synthetic 60 roles, 12 keys", snap, func(i int) bool { return i%4 == 0 })
	t.Logf("synthetic: %d answers byte-identical, %d declined", compared, declined)
	if declined > 0 {
		t.Errorf("synthetic: the native analysis declined %d answers", declined)
	}
}

// TestNativeAgreesOnMutatedSnapshots mutates the repository's and a small
// synthetic snapshot at random (seeded; the seed is printed) and compares.
func TestNativeAgreesOnMutatedSnapshots(t *testing.T) {
	seed := accessSeed(t)
	t.Logf("seed %d (KMSGUARD_ACCESS_SEED=%d reproduces this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 17))
	bases := []map[string]any{
		loadSnapshot(t, "../testdata/access/snapshot.json"),
		synthetic.Snapshot(25, 6),
	}
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	total, totalDeclined := 0, 0
	for round := range rounds {
		base := bases[round%len(bases)]
		snap := mutate(t, rng, base, 12)
		compared, declined := agree(t, fmt.Sprintf("seed %d round %d", seed, round), snap, func(i int) bool { return i%3 == round%3 })
		total += compared
		totalDeclined += declined
	}
	t.Logf("mutated snapshots: %d answers byte-identical, %d declined (answered by the Rego)", total, totalDeclined)
	if t.Failed() {
		t.Logf("seed %d: rerun with KMSGUARD_ACCESS_SEED=%d", seed, seed)
	}
}

// accessSeed is KMSGUARD_ACCESS_SEED, or a new seed.
func accessSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KMSGUARD_ACCESS_SEED"); s != "" {
		if _, err := fmt.Sscan(s, &seed); err != nil {
			t.Fatalf("KMSGUARD_ACCESS_SEED: %v", err)
		}
	}
	return seed
}

// mutate returns a deep copy of base with n random edits of its key
// policies, grants and identity policies, drawn from pieces that exercise
// the analysis: conditions of every kind, denies, NotPrincipal, wildcards,
// boundaries, grants with constraints, retiring principals.
func mutate(t *testing.T, rng *rand.Rand, base map[string]any, n int) map[string]any {
	t.Helper()
	data, err := snapshot.Encode(base)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	keys := sortedKeysOf(asObject(s["keys"]))
	prins := sortedKeysOf(asObject(s["principals"]))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	account := "111122223333"
	if len(keys) > 0 {
		account = strings.Split(keys[0], ":")[4]
	}
	names := []any{"arn:aws:iam::" + account + ":root", account, "arn:aws:iam::444455556666:root", "*",
		"arn:aws:iam::999988887777:role/Stranger", "arn:aws:sts::" + account + ":assumed-role/App/session-1"}
	for _, p := range prins {
		names = append(names, p)
	}
	conditions := []map[string]any{
		{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
		{"StringLike": map[string]any{"kms:EncryptionContext:app": "app-*"}},
		{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		{"Bool": map[string]any{"kms:GrantIsForAWSResource": true}},
		{"StringNotEquals": map[string]any{"aws:PrincipalAccount": account}},
		{"StringEquals": map[string]any{"kms:CallerAccount": "444455556666"}},
		{"IpAddress": map[string]any{"aws:SourceIp": "203.0.113.0/24"}},
		{"StringEquals": map[string]any{"aws:SourceVpce": "vpce-1a2b3c4d"}},
		{"Null": map[string]any{"kms:EncryptionContextKeys": "false"}},
		{"ForAnyValue:StringEquals": map[string]any{"kms:EncryptionContextKeys": []any{"app", "team"}}},
		{"ForAllValues:StringEquals": map[string]any{"kms:GrantOperations": []any{"Decrypt", "Encrypt"}}},
		{"StringEqualsIfExists": map[string]any{"kms:ViaService": "ec2.us-east-1.amazonaws.com"}},
		{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::" + account + ":role/*"}},
		{"StringEquals": map[string]any{"aws:ResourceTag/team": "team-01"}},
		{"NumericLessThanEquals": map[string]any{"kms:ScheduleKeyDeletionPendingWindowInDays": "7"}},
		{"StringEquals": map[string]any{"kms:EncryptionContext:user": "${aws:username}"}},
		{"DateLessThan": map[string]any{"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
		{"StringNotLike": map[string]any{"kms:ViaService": "*.amazonaws.com"}},
		{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-abcdefghij"}},
	}
	actions := []any{"kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:RetireGrant",
		"kms:ReplicateKey", "kms:CreateAlias", "kms:Describe*", "kms:ScheduleKeyDeletion", "kms:Re*", "*"}
	statement := func(principal bool) map[string]any {
		st := map[string]any{"Effect": []string{"Allow", "Allow", "Deny"}[rng.IntN(3)], "Resource": "*"}
		if rng.IntN(6) == 0 {
			st["NotAction"] = actions[rng.IntN(len(actions))]
		} else {
			st["Action"] = []any{actions[rng.IntN(len(actions))], actions[rng.IntN(len(actions))]}
		}
		if principal {
			p := map[string]any{"AWS": names[rng.IntN(len(names))]}
			switch {
			case p["AWS"] == "*" && rng.IntN(2) == 0:
				st["Principal"] = "*"
			case rng.IntN(8) == 0:
				st["NotPrincipal"] = p
			default:
				st["Principal"] = p
			}
			if rng.IntN(6) == 0 {
				st["Principal"] = map[string]any{"Service": "logs.us-east-1.amazonaws.com"}
				delete(st, "NotPrincipal")
			}
		} else if rng.IntN(5) == 0 {
			st["Resource"] = "arn:aws:kms:*:" + account + ":alias/*"
		}
		if rng.IntN(3) > 0 {
			st["Condition"] = conditions[rng.IntN(len(conditions))]
		}
		return st
	}
	addStatement := func(doc any, principal bool) any {
		d, ok := doc.(map[string]any)
		if !ok {
			d = map[string]any{"Version": "2012-10-17", "Statement": []any{}}
		}
		list, _ := d["Statement"].([]any)
		d["Statement"] = append(list, statement(principal))
		return d
	}
	for range n {
		switch rng.IntN(5) {
		case 0, 1:
			if len(keys) == 0 {
				continue
			}
			k := asObject(asObject(s["keys"])[pick(keys)])
			k["key_policy"] = addStatement(k["key_policy"], true)
		case 2:
			if len(keys) == 0 {
				continue
			}
			k := asObject(asObject(s["keys"])[pick(keys)])
			g := map[string]any{"grant_id": fmt.Sprintf("g-mut-%d", rng.IntN(1000)),
				"grantee_principal": names[rng.IntN(len(names))],
				"operations":        []any{"Decrypt", []string{"Encrypt", "CreateGrant", "RetireGrant", "GenerateDataKey"}[rng.IntN(4)]}}
			if g["grantee_principal"] == "*" {
				g["grantee_principal"] = "logs.us-east-1.amazonaws.com"
			}
			if rng.IntN(2) == 0 {
				g["constraints"] = map[string]any{"encryption_context_subset": map[string]any{"app": "app-1"}}
			}
			if rng.IntN(3) == 0 {
				g["retiring_principal"] = names[rng.IntN(len(names))]
			}
			list, _ := k["grants"].([]any)
			k["grants"] = append(list, g)
		case 3:
			if len(prins) == 0 {
				continue
			}
			p := asObject(asObject(s["principals"])[pick(prins)])
			pols, _ := p["identity_policies"].([]any)
			if len(pols) == 0 {
				pols = []any{nil}
			}
			i := rng.IntN(len(pols))
			pols[i] = addStatement(pols[i], false)
			p["identity_policies"] = pols
		case 4:
			if len(prins) == 0 {
				continue
			}
			p := asObject(asObject(s["principals"])[pick(prins)])
			p["permissions_boundary"] = addStatement(p["permissions_boundary"], false)
		}
	}
	return roundTrip(t, s)
}

func sortedKeysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestNativeDiffAgrees compares engine.Diff with the Rego's diff on the
// snapshot pairs of the repository (the CLI scripts' before and after,
// the report's base and snapshot), each snapshot against a seeded random
// mutation of itself, and a snapshot whose IAM side changed.
func TestNativeDiffAgrees(t *testing.T) {
	seed := accessSeed(t)
	t.Logf("seed %d (KMSGUARD_ACCESS_SEED=%d reproduces this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 29))
	snaps := repoSnapshots(t)
	type pair struct {
		name     string
		old, new map[string]any
	}
	pairs := []pair{
		{"diff_snapshots.txtar", snaps["../cli/testdata/script/diff_snapshots.txtar:before.json"], snaps["../cli/testdata/script/diff_snapshots.txtar:after.json"]},
		{"report.txtar", snaps["../cli/testdata/script/report.txtar:base.json"], snaps["../cli/testdata/script/report.txtar:snapshot.json"]},
	}
	for _, name := range []string{"../testdata/access/snapshot.json", "../testdata/access/scan-golden.json"} {
		pairs = append(pairs, pair{name + " mutated", snaps[name], mutate(t, rng, snaps[name], 6)})
	}
	small := synthetic.Snapshot(25, 6)
	pairs = append(pairs, pair{"synthetic mutated", small, mutate(t, rng, small, 6)}, pair{"synthetic, IAM changed", synthetic.Snapshot(24, 6), small})
	r, err := runner.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if p.old == nil || p.new == nil {
			t.Fatalf("%s: snapshot missing", p.name)
		}
		for _, dir := range [][2]map[string]any{{p.old, p.new}, {p.new, p.old}} {
			rego := regoValue(t, r, runner.DiffQuery, map[string]any{"old": dir[0], "new": dir[1], "principals": toAny(probes)})
			older, err := engine.New(engine.WithSnapshot(dir[0]))
			if err != nil {
				t.Fatal(err)
			}
			newer, err := engine.New(engine.WithSnapshot(dir[1]))
			if err != nil {
				t.Fatal(err)
			}
			native, _, ok := engine.Diff(older, newer, probes)
			if !ok {
				t.Errorf("%s: the native diff declined", p.name)
				continue
			}
			d := native
			t.Logf("%s: %d added, %d removed, %d changed", p.name, len(d["added"].([]any)), len(d["removed"].([]any)), len(d["changed"].([]any)))
			if got := jsonOf(t, native); !bytes.Equal(got, rego) {
				t.Errorf("%s (seed %d): the native diff differs from the Rego\nnative: %s\nrego:   %s", p.name, seed, got, rego)
			}
		}
	}
}

// TestNativeClasses: principals with the same policies are analysed once
// (engine/access.go, classes), unless a statement reads who the caller is;
// here identical policies that test aws:PrincipalArn, aws:username or a
// policy variable, and a key policy with a NotPrincipal, must still give
// each principal its own answer.
func TestNativeClasses(t *testing.T) {
	snap := synthetic.Snapshot(20, 3)
	acct := synthetic.Account
	personal := []map[string]any{
		{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::" + acct + ":role/team-01/*"}},
		{"StringEquals": map[string]any{"kms:EncryptionContext:who": "${aws:PrincipalArn}"}},
	}
	prins := asObject(snap["principals"])
	for i, p := range sortedKeysOf(prins) {
		doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*", "Condition": personal[i%2]}}}
		entry := asObject(prins[p])
		entry["identity_policies"] = []any{doc}
		delete(entry, "permissions_boundary")
	}
	keys := sortedKeysOf(asObject(snap["keys"]))
	k := asObject(asObject(snap["keys"])[keys[0]])
	policy := asObject(k["key_policy"])
	policy["Statement"] = append(policy["Statement"].([]any), map[string]any{"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*",
		"NotPrincipal": map[string]any{"AWS": []any{"arn:aws:iam::" + acct + ":root", "arn:aws:iam::" + acct + ":role/team-02/role-00002"}}})
	snap = roundTrip(t, snap)
	compared, declined := agree(t, "classes", snap, func(i int) bool { return i%5 == 0 })
	if declined > 0 || compared == 0 {
		t.Errorf("compared %d, declined %d", compared, declined)
	}
}

// TestNativeCaseVariantConditionKeys: a statement whose conditions test one
// key in two cases (condition key names are case-insensitive:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
// gives, in both engines and with no fallback, the same entries, and
// example requests that give each key once (the first spelling met), with
// equal values and with different ones.
func TestNativeCaseVariantConditionKeys(t *testing.T) {
	snap := synthetic.Snapshot(20, 3)
	prins := asObject(snap["principals"])
	for i, p := range sortedKeysOf(prins) {
		second := []string{"billing", "payroll"}[i%2]
		doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"kms:EncryptionContext:app": "billing", "kms:encryptioncontext:APP": second}}}}}
		entry := asObject(prins[p])
		entry["identity_policies"] = []any{doc}
		delete(entry, "permissions_boundary")
	}
	snap = roundTrip(t, snap)
	compared, declined := agree(t, "case variants", snap, nil)
	if declined > 0 || compared == 0 {
		t.Errorf("compared %d, declined %d", compared, declined)
	}
	eng, err := engine.New(engine.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for _, p := range sortedKeysOf(prins) {
		native, ok := eng.CanUse(p, "")
		if !ok {
			t.Fatalf("who-can --principal %s declined", p)
		}
		var v any
		if err := json.Unmarshal(jsonOf(t, native), &v); err != nil {
			t.Fatal(err)
		}
		walkExamples(v, func(ctx map[string]any) {
			examples++
			seen := map[string]bool{}
			for k := range ctx {
				if seen[strings.ToLower(k)] {
					t.Errorf("who-can --principal %s: example request %v gives %s twice", p, ctx, strings.ToLower(k))
				}
				seen[strings.ToLower(k)] = true
			}
		})
	}
	if examples == 0 {
		t.Error("no example request to check")
	}
}

// walkExamples calls f with every "example_context" object in v.
func walkExamples(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if ctx, isObj := e.(map[string]any); isObj && k == "example_context" {
				f(ctx)
				continue
			}
			walkExamples(e, f)
		}
	case []any:
		for _, e := range x {
			walkExamples(e, f)
		}
	}
}
