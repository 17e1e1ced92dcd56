package htmlreport_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/htmlreport"
	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/runner"
)

// TestReportScale measures the report of the synthetic account of
// docs/access.md (5,000 roles, 2,000 keys): the real who-can analysis of
// every key (the native engine), the rule pack on every key policy, and the
// HTML page. KMSGUARD_SCALE_KEYS limits the keys (default all 2,000). It
// runs only with KMSGUARD_SCALE=1 and checks the goals: under 30 s of wall
// time and under 20 MB of HTML for 2,000 keys.
func TestReportScale(t *testing.T) {
	if os.Getenv("KMSGUARD_SCALE") != "1" {
		t.Skip("set KMSGUARD_SCALE=1 to run the report's scale measurement")
	}
	keys := 2000
	if n := os.Getenv("KMSGUARD_SCALE_KEYS"); n != "" {
		if _, err := fmt.Sscan(n, &keys); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	snap := synthetic.Snapshot(5000, 2000)
	all := snap["keys"].(map[string]any)
	arns := make([]string, 0, len(all))
	for arn := range all {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	if keys < len(arns) {
		sub := maps.Clone(snap)
		subKeys := map[string]any{}
		for _, arn := range arns[:keys] {
			subKeys[arn] = all[arn]
		}
		sub["keys"] = subKeys
		snap = sub
	}

	// The collector's settings of `kmsguard report`.
	defer debug.SetGCPercent(debug.SetGCPercent(htmlreport.GCPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(htmlreport.MemoryLimit))
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	cpu0 := cpuTime()
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := runner.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	load := time.Since(start)
	rep, err := htmlreport.Build(ctx, r, plain, snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start) - load
	var w countingWriter
	mid := time.Now()
	if err := htmlreport.Write(&w, rep); err != nil {
		t.Fatal(err)
	}
	write := time.Since(mid)
	total, cpu := time.Since(start), cpuTime()-cpu0
	entries, rows := 0, 0
	for _, k := range rep.Keys {
		entries += k.Entries
		rows += k.TableRows
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("%d keys: loading the engines %v, build (who-can of every key, rule pack, graphs) %v, HTML %v; total %v wall, %v CPU",
		keys, load.Round(time.Millisecond), build.Round(time.Millisecond), write.Round(time.Millisecond), total.Round(time.Millisecond), cpu.Round(time.Millisecond))
	t.Logf("%d who-can entries (key, principal, action) in %d table rows; %.1f MB of HTML; peak RSS %d MB; native analysis %+v",
		entries, rows, float64(w.n)/1e6, ru.Maxrss/1024, r.Native().AccessStats())
	t.Logf("allocated %.1f GB in %d objects; %d collections (%.0f%% of the CPU time since the process started)",
		float64(ms.TotalAlloc-ms0.TotalAlloc)/1e9, ms.Mallocs-ms0.Mallocs, ms.NumGC-ms0.NumGC, 100*ms.GCCPUFraction)
	if s := r.Native().AccessStats(); s.Declined > 0 {
		t.Errorf("the native analysis declined %d answers", s.Declined)
	}
	if keys == 2000 {
		if total > 30*time.Second {
			t.Errorf("the report took %v: more than 30 s", total.Round(time.Second))
		}
		if w.n > 20e6 {
			t.Errorf("the report is %.1f MB: more than 20 MB", float64(w.n)/1e6)
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
