package loadgen

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/snapshot"
)

// DecisionPath is the decision entry point both servers answer.
const DecisionPath = "/v1/data/kmsguard/authz/decision"

// Params are the flags of the load command.
type Params struct {
	Kmsguard    string        // kmsguard binary (with kmsguard-full beside it); empty builds both
	OPA         string        // stock opa binary; empty builds the pinned tool
	Duration    time.Duration // of each measured run
	Concurrency int           // workers (connections) per run
	Generated   int           // generated questions besides the case files
	Cases       string        // directory of decision case files
	Data        string        // optional snapshot for both servers
	Rounds      int           // each run is split into this many turns per server
	ServeFlags  string        // more flags for kmsguard serve, space-separated
}

// Main runs the load command: args are its flags (see -h).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kmsguard-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p Params
	fs.StringVar(&p.Kmsguard, "kmsguard", "", "kmsguard binary, with kmsguard-full beside it (default: build both)")
	fs.StringVar(&p.OPA, "opa", "", "stock opa binary (default: build the version go.mod pins)")
	fs.DurationVar(&p.Duration, "duration", 10*time.Second, "length of each measured run")
	fs.IntVar(&p.Concurrency, "concurrency", 4*runtime.GOMAXPROCS(0), "concurrent connections (the default is kmsguard serve's default --max-concurrency)")
	fs.IntVar(&p.Generated, "questions", 2000, "generated questions, besides the decision test cases")
	fs.StringVar(&p.Cases, "cases", "testdata/decisions", "directory of decision case files")
	fs.StringVar(&p.Data, "data", "", "snapshot file or directory, given to both servers (in the bundle)")
	fs.StringVar(&p.ServeFlags, "serve-flags", "", "more flags for kmsguard serve, space-separated (e.g. \"--gc-percent 100\")")
	fs.IntVar(&p.Rounds, "rounds", 5, "split each run into this many turns, alternating the servers, so that other load on the machine hits both alike")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kmsguard-load [flags]\n\n"+
			"Measures kmsguard serve and stock opa run --server, both serving the same kmsguard\n"+
			"bundle on loopback, with the same decision questions: at saturation (closed loop)\n"+
			"and at 50%% of the lower of the two saturation rates (paced). Run from the\n"+
			"repository root.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.Duration <= 0 || p.Concurrency <= 0 || p.Rounds <= 0 || p.Generated < 0 {
		return errors.New("-duration, -concurrency and -rounds must be positive, -questions not negative")
	}
	results, err := Compare(ctx, p, stderr)
	if err != nil {
		return err
	}
	WriteTable(stdout, results)
	return nil
}

// Compare runs the four measurements and returns them in the order
// kmsguard saturation, opa saturation, kmsguard 50%, opa 50%. Progress goes
// to logw.
func Compare(ctx context.Context, p Params, logw io.Writer) ([]Result, error) {
	dir, err := os.MkdirTemp("", "kmsguard-load-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }() // temporary files only

	if p.Kmsguard == "" {
		fmt.Fprintln(logw, "building kmsguard")
		if p.Kmsguard, err = Build(ctx, "./cmd/kmsguard", dir, "kmsguard"); err != nil {
			return nil, err
		}
		// kmsguard serve runs the kmsguard-full beside it.
		if _, err = Build(ctx, "./cmd/kmsguard-full", dir, "kmsguard-full"); err != nil {
			return nil, err
		}
	}
	if p.OPA == "" {
		fmt.Fprintln(logw, "building stock opa")
		if p.OPA, err = Build(ctx, OPAPackage, dir, "opa"); err != nil {
			return nil, err
		}
	}
	opts := kbundle.BuildOptions{Revision: "load"}
	if p.Data != "" {
		if opts.Snapshot, err = snapshot.Load(p.Data); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := kbundle.Build(&buf, opts); err != nil {
		return nil, err
	}
	bundlePath := filepath.Join(dir, "kmsguard.tar.gz")
	if err := os.WriteFile(bundlePath, buf.Bytes(), 0o600); err != nil {
		return nil, err
	}
	qs, err := Questions(p.Cases, p.Generated, Seed)
	if err != nil {
		return nil, err
	}
	bodies, err := Bodies(qs)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "%d questions\n", len(bodies))

	kAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	oAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	serveArgs := append([]string{"serve", "--addr", kAddr, "--bundle", bundlePath}, strings.Fields(p.ServeFlags)...)
	kg, err := Start(ctx, "kmsguard", p.Kmsguard, serveArgs, kAddr, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = kg.Stop() }() // stopped below; this covers early returns
	opa, err := Start(ctx, "opa", p.OPA, OPAArgs(oAddr, bundlePath), oAddr, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = opa.Stop() }()

	targets := []Target{
		{Name: "kmsguard serve", URL: kg.URL, Path: DecisionPath, PID: kg.PID()},
		{Name: "opa run --server", URL: opa.URL, Path: DecisionPath, PID: opa.PID()},
	}
	for _, t := range targets {
		fmt.Fprintf(logw, "warming up %s\n", t.Name)
		if r := Saturate(ctx, t, bodies, p.Concurrency, warmup(p.Duration)); r.Errors > 0 {
			return nil, fmt.Errorf("%s: %d errors while warming up; first: %s", t.Name, r.Errors, r.FirstError)
		}
	}
	slice := p.Duration / time.Duration(p.Rounds)
	inTurns := func(run func(Target) Result) []Result {
		parts := make([][]Result, len(targets))
		for r := range p.Rounds {
			// A B, B A, A B, ...: neither server always goes first.
			for k := range targets {
				i := k
				if r%2 == 1 {
					i = len(targets) - 1 - k
				}
				parts[i] = append(parts[i], run(targets[i]))
			}
		}
		out := make([]Result, len(targets))
		for i := range targets {
			out[i] = Merge(parts[i])
		}
		return out
	}
	fmt.Fprintf(logw, "saturation: %d turns of %s per server\n", p.Rounds, slice)
	results := inTurns(func(t Target) Result { return Saturate(ctx, t, bodies, p.Concurrency, slice) })
	rate := 0.5 * min(results[0].RPS, results[1].RPS)
	fmt.Fprintf(logw, "paced at %.0f requests/s: %d turns of %s per server\n", rate, p.Rounds, slice)
	results = append(results, inTurns(func(t Target) Result { return Paced(ctx, t, bodies, rate, p.Concurrency, slice) })...)
	for _, pr := range []*Proc{kg, opa} {
		if err := pr.Stop(); err != nil {
			return nil, fmt.Errorf("stopping %s: %w", pr.Name, err)
		}
	}
	return results, ctx.Err()
}

// OPAArgs are the arguments of stock OPA serving bundle on addr: no version
// check (no traffic off the machine), default logging.
func OPAArgs(addr, bundle string) []string {
	return []string{"run", "--server", "--addr", addr, "--bundle", bundle, "--skip-version-check"}
}

func warmup(d time.Duration) time.Duration { return min(max(d/5, time.Second), 3*time.Second) }

// WriteTable writes the results as a Markdown table.
func WriteTable(w io.Writer, rs []Result) {
	fmt.Fprintf(w, "| server | load | requests/s | p50 | p99 | p99.9 | errors | requests | CPU/request | RSS start → end (peak) |\n")
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		load := fmt.Sprintf("saturation (%d conns)", r.Concurrency)
		if r.Mode != "saturation" {
			load = fmt.Sprintf("%.0f req/s offered", r.Rate)
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %s | %s | %s | %d | %d | %s | %s → %s (%s) |\n",
			r.Server, load, r.RPS, ms(r.P50), ms(r.P99), ms(r.P999), r.Errors, r.Requests,
			ms(r.CPUPerRequest()), mib(r.RSSStart), mib(r.RSSEnd), mib(r.RSSPeak))
	}
	for _, r := range rs {
		if r.FirstError != "" {
			fmt.Fprintf(w, "\nfirst error of %s (%s): %s\n", r.Server, r.Mode, strings.TrimSpace(r.FirstError))
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
