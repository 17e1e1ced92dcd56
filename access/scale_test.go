package access

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

const scaleAccount = synthetic.Account

// TestScale measures who-can for one key, --principal for one role, and
// the diff of two snapshots that differ in one key policy, on a snapshot of
// 5,000 roles and 2,000 keys, with the native analysis (the Rego answers
// nothing here: the count of declined answers must stay 0). It runs only
// with KMSGUARD_SCALE=1 (docs/access.md gives the command and the figures).
func TestScale(t *testing.T) {
	if os.Getenv("KMSGUARD_SCALE") != "1" {
		t.Skip("set KMSGUARD_SCALE=1 to run the scale measurement")
	}
	ctx := context.Background()
	start := time.Now()
	snap := synthetic.Snapshot(5000, 2000)
	data, _ := snapshot.Encode(snap)
	t.Logf("synthetic snapshot: 5000 roles, 2000 keys, %.1f MB of JSON, generated in %v", float64(len(data))/1e6, time.Since(start).Round(time.Millisecond))
	if path := os.Getenv("KMSGUARD_SCALE_SNAPSHOT"); path != "" {
		// For timing the CLI on the same snapshot (docs/access.md).
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	start = time.Now()
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loading the policy engine with the snapshot: %v", time.Since(start).Round(time.Millisecond))

	key := fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-%05d", scaleAccount, 7, 27)
	role := fmt.Sprintf("arn:aws:iam::%s:role/team-%02d/role-%05d", scaleAccount, 0, 100) // an administrator

	measure := func(name string, f func() (int, error)) {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu0 := cpuTime()
		start := time.Now()
		n, err := f()
		elapsed := time.Since(start)
		cpu := cpuTime() - cpu0
		if err != nil {
			t.Fatal(err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		t.Logf("%s: %v (CPU %v), %d entries, %.0f MB allocated, heap in use %.0f MB", name, elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), n,
			float64(after.TotalAlloc-before.TotalAlloc)/1e6, float64(after.HeapInuse)/1e6)
		if cpu > 60*time.Second {
			t.Errorf("%s took %v of CPU time: more than a minute", name, cpu)
		}
	}
	measure("compiling the snapshot's documents for the native engine", func() (int, error) {
		r.Native().Prepare()
		return 0, nil
	})
	whoCan := func(action string) func() (int, error) {
		return func() (int, error) {
			rep, err := WhoCan(ctx, r, key, action, nil)
			if err != nil {
				return 0, err
			}
			n := 0
			for _, p := range rep.Principals {
				for _, g := range p.Access {
					n += len(g.Actions)
				}
			}
			return n, nil
		}
	}
	measure("who-can --key (all actions, first)", whoCan(""))
	measure("who-can --key (all actions, again)", whoCan(""))
	measure("who-can --key --action kms:Decrypt", whoCan("kms:Decrypt"))
	measure("who-can --principal (all actions)", func() (int, error) {
		rep, err := CanUse(ctx, r, role, "")
		if err != nil {
			return 0, err
		}
		n := 0
		for _, k := range rep.Keys {
			for _, g := range k.Access {
				n += len(g.Actions)
			}
		}
		return n, nil
	})
	// The new snapshot: one key policy gains a statement that lets the
	// partner account decrypt.
	changed := synthetic.Snapshot(5000, 2000)
	k := changed["keys"].(map[string]any)[key].(map[string]any)
	policy := k["key_policy"].(map[string]any)
	policy["Statement"] = append(policy["Statement"].([]any), map[string]any{"Sid": "New partner", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::777788889999:root"}, "Action": "kms:Decrypt", "Resource": "*"})
	plain, err := runner.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	measure("diff of two snapshots, one key policy changed", func() (int, error) {
		d, err := Diff(ctx, plain, snap, changed, nil)
		if err != nil {
			return 0, err
		}
		if len(d.Added) == 0 {
			return 0, fmt.Errorf("diff: the new statement adds nothing")
		}
		return len(d.Added) + len(d.Removed) + len(d.Changed), nil
	})
	if s := r.Native().AccessStats(); s.Declined > 0 {
		t.Errorf("the native analysis declined %d of %d answers", s.Declined, s.Native+s.Declined)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		t.Logf("peak RSS of the test process: %d MB", ru.Maxrss/1024)
	}
}

// cpuTime is the process's user and system CPU time so far (the machine
// may be shared: wall time alone says little).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestSyntheticAgreement checks a sample of the synthetic snapshot against
// the decision engine (every key action, two keys, one role in 25).
func TestSyntheticAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	snap := synthetic.Snapshot(500, 40)
	keys := []string{
		fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-%05d", scaleAccount, 0, 0),
		fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-%05d", scaleAccount, 7, 27),
	}
	sample := func(p string) bool {
		i := strings.LastIndex(p, "-")
		n, err := strconv.Atoi(p[i+1:])
		return err == nil && n%25 == 0
	}
	n := checkAgreement(t, snap, keys, sample)
	t.Logf("%d questions agree", n)
}
