package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"
)

const benchKey = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// consoleQuestion: the console default key policy (account, administrators,
// users, persistent resources) and one identity policy.
func consoleQuestion() map[string]any {
	return map[string]any{
		"id":        "console",
		"principal": "arn:aws:sts::111122223333:assumed-role/App/session-1",
		"action":    "kms:Decrypt",
		"resource":  benchKey,
		"context":   map[string]any{"kms:EncryptionContext:app": "billing"},
		"key_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
			map[string]any{"Sid": "Allow access for Key Administrators", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"}, "Action": []any{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}, "Resource": "*"},
			map[string]any{"Sid": "Allow use of the key", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:role/KeyUser"}, "Action": []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, "Resource": "*"},
			map[string]any{"Sid": "Allow attachment of persistent resources", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:role/KeyUser"}, "Action": []any{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, "Resource": "*", "Condition": map[string]any{"Bool": map[string]any{"kms:GrantIsForAWSResource": "true"}}},
		}},
		"identity_policies": []any{map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []any{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "arn:aws:kms:us-west-2:111122223333:key/*"},
		}}},
	}
}

// largeQuestion: a 30-statement key policy where every statement carries
// conditions, asked by a principal that only the last statements match.
func largeQuestion() map[string]any {
	statements := make([]any, 0, 30)
	for i := 0; i < 28; i++ {
		statements = append(statements, map[string]any{
			"Sid":       fmt.Sprintf("App%02d", i),
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::111122223333:role/app-%02d", i)},
			"Action":    []any{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"},
			"Resource":  "*",
			"Condition": map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": "s3.us-west-2.amazonaws.com", "kms:CallerAccount": "111122223333"},
				"StringLike":   map[string]any{"kms:EncryptionContext:aws:s3:arn": fmt.Sprintf("arn:aws:s3:::bucket-%02d/*", i)},
			},
		})
	}
	statements = append(statements,
		map[string]any{"Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
			"Condition": map[string]any{"StringNotEqualsIfExists": map[string]any{"aws:SourceVpce": []any{"vpce-1a2b3c", "vpce-4d5e6f"}}, "Bool": map[string]any{"aws:ViaAWSService": "false"}}},
		map[string]any{"Sid": "Target", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:role/app-target"}, "Action": "kms:Decrypt", "Resource": "*",
			"Condition": map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::target/*"}, "IpAddress": map[string]any{"aws:SourceIp": []any{"10.0.0.0/8", "192.0.2.0/24"}}}},
	)
	return map[string]any{
		"id":         "large",
		"principal":  "arn:aws:sts::111122223333:assumed-role/app-target/s1",
		"action":     "kms:Decrypt",
		"resource":   benchKey,
		"context":    map[string]any{"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::target/object", "aws:SourceIp": "10.1.2.3", "kms:ViaService": "s3.us-west-2.amazonaws.com", "aws:ViaAWSService": true},
		"key_policy": map[string]any{"Version": "2012-10-17", "Statement": statements},
	}
}

func benchInput(b *testing.B, q map[string]any) ast.Value {
	v, err := ast.InterfaceToValue(q)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func benchRunner(b *testing.B) *Runner {
	r, err := New(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// nativeRunner is a runner as `kmsguard eval --batch` and `can` make it:
// the Rego is not compiled until a question needs it, so the native
// engine's figures do not include tracing the compiled Rego's heap at
// every garbage collection (a server, which compiles it, carries that).
func nativeRunner(tb testing.TB) *Runner {
	r, err := New(context.Background(), WithLazyRego())
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func benchDecide(b *testing.B, q map[string]any, want string) {
	benchDecideWith(b, benchRunner(b), q, want)
}

func benchDecideWith(b *testing.B, r *Runner, q map[string]any, want string) {
	input := benchInput(b, q)
	ctx := context.Background()
	if a := r.Decide(ctx, input); a.Decision != want {
		b.Fatalf("decision %q (error %q), want %q", a.Decision, a.Error, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Decide(ctx, input)
	}
}

// BenchmarkDecideConsole: one decision, console default key policy plus one
// identity policy, asked again and again: its documents come from the
// runner's memo (memo.go).
func BenchmarkDecideConsole(b *testing.B) { benchDecide(b, consoleQuestion(), "Allowed") }

// BenchmarkDecideConsoleDistinct: the same question, but every decision
// brings policy documents never seen before.
func BenchmarkDecideConsoleDistinct(b *testing.B) { benchDecideDistinct(b, consoleQuestion()) }

// BenchmarkDecideLarge: one decision, 30 statements with conditions.
func BenchmarkDecideLarge(b *testing.B) { benchDecide(b, largeQuestion(), "Allowed") }

// BenchmarkDecideLargeDistinct: the same with documents never seen before.
func BenchmarkDecideLargeDistinct(b *testing.B) { benchDecideDistinct(b, largeQuestion()) }

// benchDecideDistinct answers q with a distinct "Id" in each of its policy
// documents at every iteration (the Id changes no answer), so the memo
// never has an entry for them.
func benchDecideDistinct(b *testing.B, q map[string]any) {
	r := benchRunner(b)
	const pool = 1 << 12
	inputs := make([]ast.Value, pool)
	for i := range inputs {
		inputs[i] = benchInput(b, distinctDocuments(q, i))
	}
	ctx := context.Background()
	if a := r.Decide(ctx, inputs[0]); a.Decision != "Allowed" {
		b.Fatalf("decision %q (error %q), want Allowed", a.Decision, a.Error)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 1
	for b.Loop() {
		if i == pool {
			b.Fatal("the pool of distinct questions ran out")
		}
		r.Decide(ctx, inputs[i])
		i++
	}
}

// distinctDocuments copies q with Id "q-N" in its key policy and identity
// policies.
func distinctDocuments(q map[string]any, n int) map[string]any {
	return distinctDocumentsID(q, fmt.Sprintf("q-%d", n))
}

func distinctDocumentsID(q map[string]any, id string) map[string]any {
	withID := func(doc any) any {
		out := maps.Clone(doc.(map[string]any))
		out["Id"] = id
		return out
	}
	out := maps.Clone(q)
	out["key_policy"] = withID(q["key_policy"])
	if ids, ok := q["identity_policies"].([]any); ok {
		docs := make([]any, len(ids))
		for i, d := range ids {
			docs[i] = withID(d)
		}
		out["identity_policies"] = docs
	}
	return out
}

// BenchmarkFloor* measure OPA's own floor: a prepared query of a constant
// rule, given the same parsed input.
func benchFloor(b *testing.B, q map[string]any) {
	ctx := context.Background()
	pq := floorQuery(b)
	input := benchInput(b, q)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
			b.Fatal(err)
		}
	}
}

func floorQuery(tb testing.TB) rego.PreparedEvalQuery {
	pq, err := rego.New(
		rego.Query("data.floor.allow"),
		rego.Module("floor.rego", "package floor\n\nallow := true\n"),
	).PrepareForEval(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return pq
}

// floorFromBytes is what `opa run --server` does for each request before
// evaluating anything: decode the JSON (numbers kept exact), convert it to
// an ast.Value, then evaluate — here the constant rule.
func floorFromBytes(ctx context.Context, pq rego.PreparedEvalQuery, data []byte) error {
	var v any
	if err := util.UnmarshalJSON(data, &v); err != nil {
		return err
	}
	input, err := ast.InterfaceToValue(v)
	if err != nil {
		return err
	}
	_, err = pq.Eval(ctx, rego.EvalParsedInput(input))
	return err
}

func benchFloorBytes(b *testing.B, q map[string]any) {
	ctx := context.Background()
	pq := floorQuery(b)
	data := benchJSON(b, q)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := floorFromBytes(ctx, pq, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloorConsole(b *testing.B) { benchFloor(b, consoleQuestion()) }

func BenchmarkFloorLarge(b *testing.B) { benchFloor(b, largeQuestion()) }

// BenchmarkFloorBytes*: OPA's floor starting from the question's JSON bytes,
// as the native benchmarks do.
func BenchmarkFloorBytesConsole(b *testing.B) { benchFloorBytes(b, consoleQuestion()) }

func BenchmarkFloorBytesLarge(b *testing.B) { benchFloorBytes(b, largeQuestion()) }

// BenchmarkBatch: decisions per second over all cores, one shared runner,
// the two questions alternating.
func BenchmarkBatch(b *testing.B) {
	r := benchRunner(b)
	inputs := []ast.Value{benchInput(b, consoleQuestion()), benchInput(b, largeQuestion())}
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if a := r.Decide(ctx, inputs[i%2]); a.Error != "" {
					b.Error(a.Error)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// snapshotQuestion: the console question with its key policy and identity
// policy left to a snapshot, as `kmsguard serve --data` is asked.
func snapshotQuestion() (snapshot, question map[string]any) {
	q := consoleQuestion()
	role := "arn:aws:iam::111122223333:role/App"
	snapshot = map[string]any{
		"format": "kmsguard-snapshot", "version": 1,
		"keys":       map[string]any{benchKey: map[string]any{"key_policy": q["key_policy"]}},
		"principals": map[string]any{role: map[string]any{"identity_policies": q["identity_policies"]}},
		"roles":      map[string]any{"111122223333:App": role},
	}
	question = map[string]any{"id": q["id"], "principal": q["principal"], "action": q["action"], "resource": q["resource"], "context": q["context"]}
	return snapshot, question
}

// BenchmarkDecideSnapshot: the console question answered from a snapshot,
// whose documents were prepared when it was loaded.
func BenchmarkDecideSnapshot(b *testing.B) {
	snap, q := snapshotQuestion()
	r, err := New(context.Background(), WithSnapshot(snap), WithPreparedSnapshot())
	if err != nil {
		b.Fatal(err)
	}
	benchDecideWith(b, r, q, "Allowed")
}

// BenchmarkDecideSnapshotUnprepared: the same, reading the stored documents
// for every question (as without data.kmsguard.prepared).
func BenchmarkDecideSnapshotUnprepared(b *testing.B) {
	snap, q := snapshotQuestion()
	benchDecideWith(b, unpreparedRunner(b, snap), q, "Allowed")
}

// ---- the native engine (package engine), in the same run as the floor ----

func benchJSON(b *testing.B, q map[string]any) []byte {
	data, err := json.Marshal(q)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchNative answers q from its JSON bytes with the native engine, again
// and again: its documents come from the engine's cache.
func benchNative(b *testing.B, q map[string]any) {
	r := nativeRunner(b)
	data := benchJSON(b, q)
	if a, ok := r.DecideNative(data); !ok || a.Decision != "Allowed" {
		b.Fatalf("native answer %+v (answered natively: %v), want Allowed", a, ok)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.DecideNative(data)
	}
}

// distinctBytes returns the JSON of q with an Id of fixed width in each
// of its policy documents, and a function that stamps n into those Ids in
// place: every call gives documents never seen before, from one buffer (a
// pool of pre-made questions would put 100+ MB on the heap and measure the
// garbage collector).
func distinctBytes(tb testing.TB, q map[string]any) ([]byte, func(n int)) {
	const placeholder = "q-0000000000"
	data, err := json.Marshal(distinctDocumentsID(q, placeholder))
	if err != nil {
		tb.Fatal(err)
	}
	var at []int
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(placeholder))
		if j < 0 {
			break
		}
		at = append(at, i+j+2)
		i += j + len(placeholder)
	}
	if len(at) == 0 {
		tb.Fatal("no document Id to stamp")
	}
	return data, func(n int) {
		for _, off := range at {
			v := n
			for k := 9; k >= 0; k-- {
				data[off+k] = byte('0' + v%10)
				v /= 10
			}
		}
	}
}

// benchNativeDistinct: every decision brings documents never seen before.
func benchNativeDistinct(b *testing.B, q map[string]any) {
	r := nativeRunner(b)
	data, stamp := distinctBytes(b, q)
	if a, ok := r.DecideNative(data); !ok || a.Decision != "Allowed" {
		b.Fatalf("native answer %+v (answered natively: %v), want Allowed", a, ok)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 1
	for b.Loop() {
		stamp(i)
		r.DecideNative(data)
		i++
	}
}

// BenchmarkNativeConsole: the console question, native engine, cached documents.
func BenchmarkNativeConsole(b *testing.B) { benchNative(b, consoleQuestion()) }

// BenchmarkNativeConsoleDistinct: the same, documents never seen before.
func BenchmarkNativeConsoleDistinct(b *testing.B) { benchNativeDistinct(b, consoleQuestion()) }

// BenchmarkNativeLarge: the 30-statement question, native engine, cached documents.
func BenchmarkNativeLarge(b *testing.B) { benchNative(b, largeQuestion()) }

// BenchmarkNativeLargeDistinct: the same, documents never seen before.
func BenchmarkNativeLargeDistinct(b *testing.B) { benchNativeDistinct(b, largeQuestion()) }

// BenchmarkNativeBatch: native decisions per second over all cores, the two
// questions alternating.
func BenchmarkNativeBatch(b *testing.B) {
	r := nativeRunner(b)
	inputs := [][]byte{benchJSON(b, consoleQuestion()), benchJSON(b, largeQuestion())}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if _, ok := r.DecideNative(inputs[i%2]); !ok {
					b.Error("the native engine declined a benchmark question")
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// TestCPUPerDecision (KMSGUARD_BENCH_CPU=1, make bench) measures the CPU
// time of one decision — process user+system time over many, on one
// goroutine — for OPA's floor and the native engine in the same run. CPU
// time, unlike wall time, holds on a machine shared with other work.
func TestCPUPerDecision(t *testing.T) {
	if os.Getenv("KMSGUARD_BENCH_CPU") == "" {
		t.Skip("set KMSGUARD_BENCH_CPU=1 to measure")
	}
	b := &testing.B{}
	r := nativeRunner(t)
	ctx := context.Background()
	floor := floorQuery(t)
	const n = 20000
	measure := func(name string, op func(i int)) time.Duration {
		for range 200 {
			op(0)
		}
		runtime.GC()
		start := cpuTime()
		for i := 1; i <= n; i++ {
			op(i)
		}
		per := (cpuTime() - start) / n
		t.Logf("%-48s %8.1f µs CPU per decision", name, float64(per.Nanoseconds())/1000)
		return per
	}
	for _, c := range []struct {
		name string
		q    map[string]any
	}{{"console", consoleQuestion()}, {"30-statement", largeQuestion()}} {
		input := benchInput(b, c.q)
		data := benchJSON(b, c.q)
		distinct, stamp := distinctBytes(t, c.q)
		fl := measure(c.name+": OPA floor (prepared constant rule)", func(int) {
			if _, err := floor.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
				t.Fatal(err)
			}
		})
		flBytes := measure(c.name+": OPA floor from the JSON bytes", func(int) {
			if err := floorFromBytes(ctx, floor, data); err != nil {
				t.Fatal(err)
			}
		})
		cached := measure(c.name+": native, cached documents", func(int) {
			if _, ok := r.DecideNative(data); !ok {
				t.Fatal("declined")
			}
		})
		fresh := measure(c.name+": native, documents never seen", func(i int) {
			stamp(i)
			if _, ok := r.DecideNative(distinct); !ok {
				t.Fatal("declined")
			}
		})
		t.Logf("%s: cached %.2f× the floor (%.2f× the floor from bytes), never-seen %.2f× the floor (%.2f× from bytes)", c.name,
			float64(cached)/float64(fl), float64(cached)/float64(flBytes),
			float64(fresh)/float64(fl), float64(fresh)/float64(flBytes))
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
