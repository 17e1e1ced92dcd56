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

// TestScale measures who-can for one key and --principal for one role on
// a snapshot of 5,000 roles and 2,000 keys. It runs only with
// KMSGUARD_SCALE=1 (docs/access.md gives the command and the figures).
func TestScale(t *testing.T) {
	if os.Getenv("KMSGUARD_SCALE") != "1" {
		t.Skip("set KMSGUARD_SCALE=1 to run the scale measurement")
	}
	ctx := context.Background()
	start := time.Now()
	snap := synthetic.Snapshot(5000, 2000)
	data, _ := snapshot.Encode(snap)
	t.Logf("synthetic snapshot: 5000 roles, 2000 keys, %.1f MB of JSON, generated in %v", float64(len(data))/1e6, time.Since(start).Round(time.Millisecond))

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
	measure("who-can --key (all actions)", func() (int, error) {
		rep, err := WhoCan(ctx, r, key, "", nil)
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
	})
	measure("who-can --key --action kms:Decrypt", func() (int, error) {
		rep, err := WhoCan(ctx, r, key, "kms:Decrypt", nil)
		if err != nil {
			return 0, err
		}
		return len(rep.Principals), nil
	})
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
