package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// genPolicies writes n policy documents, a deterministic mix of key
// policies (account delegation, administrators, users, service principals,
// other accounts, "*" with and without conditions, denies) and identity
// policies, into dir/NNN/policy-N.json (100 files per directory).
func genPolicies(t testing.TB, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	const acct = "111122223333"
	key := "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	admin := []any{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
		"kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
		"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}
	use := []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
	stmt := func(sid, effect string, principal any, action any, cond map[string]any) map[string]any {
		s := map[string]any{"Sid": sid, "Effect": effect, "Action": action, "Resource": "*"}
		if principal != nil {
			s["Principal"] = principal
		}
		if cond != nil {
			s["Condition"] = cond
		}
		return s
	}
	for i := range n {
		var st []any
		if rng.IntN(10) < 7 { // a key policy
			st = append(st, stmt("Root", "Allow", map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"}, "kms:*", nil))
			if rng.IntN(2) == 0 {
				st = append(st, stmt("Admins", "Allow", map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:role/Admin%d", acct, rng.IntN(50))}, admin, nil))
			}
			if rng.IntN(2) == 0 {
				st = append(st, stmt("Users", "Allow", map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:role/App%d", acct, rng.IntN(50))}, use, nil))
			}
			switch rng.IntN(6) {
			case 0:
				st = append(st, stmt("Logs", "Allow", map[string]any{"Service": "logs.us-east-1.amazonaws.com"}, use,
					map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:" + acct + ":log-group:*"}}))
			case 1:
				st = append(st, stmt("ViaS3", "Allow", map[string]any{"AWS": "*"}, use,
					map[string]any{"StringEquals": map[string]any{"kms:CallerAccount": acct, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}))
			case 2:
				st = append(st, stmt("Public", "Allow", "*", []any{"kms:Decrypt"}, nil))
			case 3:
				st = append(st, stmt("Partner", "Allow", map[string]any{"AWS": "arn:aws:iam::444455556666:root"}, use, nil))
			case 4:
				st = append(st, stmt("DenyDelete", "Deny", "*", []any{"kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"},
					map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::" + acct + ":role/Admin0"}}))
			}
		} else { // an identity policy
			switch rng.IntN(3) {
			case 0:
				st = append(st, stmt("Use", "Allow", nil, use, nil))
				st[0].(map[string]any)["Resource"] = key
			case 1:
				st = append(st, stmt("All", "Allow", nil, "kms:*", nil))
			default:
				st = append(st, stmt("ViaS3", "Allow", nil, []any{"kms:Decrypt", "kms:GenerateDataKey"},
					map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}))
			}
		}
		doc := map[string]any{"Version": "2012-10-17", "Statement": st}
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		sub := filepath.Join(dir, fmt.Sprintf("%03d", i/100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("policy-%d.json", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkCheck measures check.Run (in process, all CPUs) over 1,000
// generated policies per iteration.
func BenchmarkCheck(b *testing.B) {
	r, err := newRunnerForBench()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	const n = 1000
	genPolicies(b, dir, n)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), r, []string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files != n {
			b.Fatalf("%d files checked, want %d", res.Files, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "files/s")
}

// TestThroughput (KMSGUARD_BENCH=1) generates 10,000 policies
// (KMSGUARD_BENCH_FILES overrides the number) and runs, in one go, the
// kmsguard binary and stock conftest with the same rules over them,
// reporting files per second of wall time and per CPU-second (which does
// not depend on what else the machine runs) for each (docs/check.md,
// "Speed").
func TestThroughput(t *testing.T) {
	if os.Getenv("KMSGUARD_BENCH") != "1" {
		t.Skip("KMSGUARD_BENCH=1 runs the throughput measurement")
	}
	n := 10000
	if s := os.Getenv("KMSGUARD_BENCH_FILES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	conftest := conftestBinary(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "policies")
	genPolicies(t, dir, n)
	bin := filepath.Join(tmp, "kmsguard")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kmsguard")
	build.Dir = filepath.Join(packageDir, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	run := func(name string, cmd *exec.Cmd) (time.Duration, []byte) {
		cmd.Dir = filepath.Join(packageDir, "..")
		start := time.Now()
		out, err := cmd.Output()
		d := time.Since(start)
		var ee *exec.ExitError
		if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) { // 1: findings
			t.Fatalf("%s: %v\n%s", name, err, stderrOf(err))
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		t.Logf("%s: %d files in %v: %.0f files/s (CPU time %v: %.0f files per CPU-second)",
			name, n, d.Round(time.Millisecond), float64(n)/d.Seconds(), cpu.Round(time.Millisecond), float64(n)/cpu.Seconds())
		return d, out
	}
	_, kout := run("kmsguard check", exec.Command(bin, "check", "--format", "json", dir))
	args := append(append([]string{}, conftestArgs...), "--no-color", "--no-fail", "--output", "json", dir)
	_, cout := run("conftest test", exec.Command(conftest, args...))

	var kres struct {
		Summary result.Summary `json:"summary"`
	}
	if err := json.Unmarshal(kout, &kres); err != nil {
		t.Fatal(err)
	}
	var cres []struct {
		Failures []any `json:"failures"`
		Warnings []any `json:"warnings"`
	}
	if err := json.Unmarshal(cout, &cres); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range cres {
		total += len(r.Failures) + len(r.Warnings)
	}
	if kres.Summary.Findings != total || kres.Summary.Files != n {
		t.Errorf("kmsguard: %d findings in %d files; conftest: %d findings", kres.Summary.Findings, kres.Summary.Files, total)
	}
	t.Logf("%d findings each; GOMAXPROCS %d, %d CPUs", total, runtime.GOMAXPROCS(0), runtime.NumCPU())
}

func newRunnerForBench() (*runner.Runner, error) {
	return runner.New(context.Background())
}

func stderrOf(err error) []byte {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Stderr
	}
	return nil
}
