package htmlreport_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/htmlreport"
	"github.com/kmsguard/kmsguard/internal/synthetic"
	"github.com/kmsguard/kmsguard/runner"
)

// sampleEvaluator answers who-can for a synthetic key with the answer of a
// representative key of the same shape (shared with the partner account or
// not, with a grant or not), analysed once: the keys of the synthetic
// account differ only in which three roles they name.
type sampleEvaluator struct {
	r     *runner.Runner
	mu    sync.Mutex
	cache map[string]any
	times map[string]time.Duration
}

func representative(arn string) string {
	var t, j int
	if _, err := fmt.Sscanf(arn[len(arn)-len("k-00-00000"):], "k-%02d-%05d", &t, &j); err != nil {
		return arn
	}
	r := 1
	switch {
	case j%5 == 0 && j%3 == 0:
		r = 0
	case j%5 == 0:
		r = 5
	case j%3 == 0:
		r = 3
	}
	return fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-%05d", synthetic.Account, r%20, r)
}

func (s *sampleEvaluator) Eval(ctx context.Context, query string, input ast.Value) (any, bool, error) {
	obj, ok := input.(ast.Object)
	if query != runner.WhoCanQuery || !ok {
		return s.r.Eval(ctx, query, input)
	}
	key, _ := ast.JSON(obj.Get(ast.StringTerm("key")).Value)
	arn, _ := key.(string)
	rep := representative(arn)
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.cache[rep]
	if !ok {
		start := time.Now()
		in := ast.NewObject([2]*ast.Term{ast.StringTerm("key"), ast.StringTerm(rep)})
		var err error
		if v, _, err = s.r.Eval(ctx, query, in); err != nil {
			return nil, false, err
		}
		s.cache[rep] = v
		s.times[rep] = time.Since(start)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v, true, nil
	}
	m = maps.Clone(m)
	m["key"] = arn
	return m, true, nil
}

// TestReportScale measures the report of the synthetic account of
// docs/access.md (5,000 roles, 2,000 keys): the who-can analysis of one key
// (which the report runs for every key), and the report's build and
// rendering for the first KMSGUARD_SCALE_KEYS keys (default 100) with each
// key's who-can answer taken from an analysed key of the same shape,
// extrapolated to 2,000 keys. It runs only with KMSGUARD_SCALE=1.
func TestReportScale(t *testing.T) {
	if os.Getenv("KMSGUARD_SCALE") != "1" {
		t.Skip("set KMSGUARD_SCALE=1 to run the report's scale measurement")
	}
	keys := 100
	if n := os.Getenv("KMSGUARD_SCALE_KEYS"); n != "" {
		if _, err := fmt.Sscan(n, &keys); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	snap := synthetic.Snapshot(5000, 2000)
	r, err := runner.New(ctx, runner.WithSnapshot(snap))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := runner.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := snap["keys"].(map[string]any)
	arns := make([]string, 0, len(all))
	for arn := range all {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	sub := maps.Clone(snap)
	subKeys := map[string]any{}
	for _, arn := range arns[:keys] {
		subKeys[arn] = all[arn]
	}
	sub["keys"] = subKeys

	ev := &sampleEvaluator{r: r, cache: map[string]any{}, times: map[string]time.Duration{}}
	// Analyse the representatives first, so that the build below measures
	// the report's own work.
	for _, arn := range arns[:keys] {
		if _, err := access.WhoCan(ctx, ev, arn, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	var analysis time.Duration
	for rep, d := range ev.times {
		t.Logf("who-can analysis of %s (all key actions): %v", rep, d.Round(time.Millisecond))
		analysis += d
	}
	perKey := analysis / time.Duration(len(ev.times))

	runtime.GC()
	start := time.Now()
	rep, err := htmlreport.Build(ctx, ev, plain, sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start)
	var w countingWriter
	start = time.Now()
	if err := htmlreport.Write(&w, rep); err != nil {
		t.Fatal(err)
	}
	write := time.Since(start)
	rows := 0
	for _, k := range rep.Keys {
		for _, p := range k.WhoCan.Principals {
			rows += len(p.Access)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d keys: %d who-can rows; build (rule pack, graphs) %v, HTML %v, %.1f MB; heap in use %.0f MB",
		keys, rows, build.Round(time.Millisecond), write.Round(time.Millisecond), float64(w.n)/1e6, float64(ms.HeapInuse)/1e6)
	scale := 2000 / float64(keys)
	t.Logf("extrapolated to 2000 keys: who-can analysis %v (%v per key), build + HTML %v, %.0f MB of HTML",
		(perKey * 2000).Round(time.Second), perKey.Round(time.Millisecond),
		time.Duration(float64(build+write)*scale).Round(time.Second), float64(w.n)*scale/1e6)
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
