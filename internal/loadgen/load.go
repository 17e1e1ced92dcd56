package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one load run measured.
type Result struct {
	Server      string
	Mode        string // "saturation" or "50%"
	Concurrency int
	Rate        float64 // offered requests per second (paced runs)
	Duration    time.Duration
	Requests    int64
	Errors      int64 // transport errors, non-200 answers, bodies without "result"
	FirstError  string
	RPS         float64
	P50         time.Duration
	P99         time.Duration
	P999        time.Duration
	RSSStart    int64 // bytes, before the run
	RSSPeak     int64
	RSSEnd      int64
	CPU         time.Duration // server CPU time (user+system) during the run

	lat []time.Duration // sorted, for merging
}

// CPUPerRequest is the server's CPU time per answered request.
func (r Result) CPUPerRequest() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// Merge folds the results of slices of one measurement (same server and
// mode, taken in turns with another server) into one.
func Merge(parts []Result) Result {
	if len(parts) == 0 {
		return Result{}
	}
	out := parts[0]
	out.lat = nil
	out.Requests, out.Errors, out.Duration, out.CPU = 0, 0, 0, 0
	var lat []time.Duration
	for _, p := range parts {
		lat = append(lat, p.lat...)
		out.Requests += p.Requests
		out.Errors += p.Errors
		out.Duration += p.Duration
		out.CPU += p.CPU
		out.RSSPeak = max(out.RSSPeak, p.RSSPeak)
		if out.FirstError == "" {
			out.FirstError = p.FirstError
		}
	}
	out.RSSEnd = parts[len(parts)-1].RSSEnd
	slices.Sort(lat)
	out.lat = lat
	out.RPS = float64(out.Requests) / out.Duration.Seconds()
	out.P50, out.P99, out.P999 = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999)
	return out
}

// Target is a server under load.
type Target struct {
	Name string
	URL  string // base URL
	Path string // data API path, e.g. /v1/data/kmsguard/authz/decision
	PID  int    // for RSS; 0 skips memory
}

func newClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			MaxConnsPerHost:     concurrency,
			DisableCompression:  true,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// worker state: latencies and errors of one goroutine.
type worker struct {
	lat      []time.Duration
	requests int64
	errors   int64
	firstErr string
}

func (w *worker) send(ctx context.Context, c *http.Client, url string, body []byte, since time.Time) {
	w.requests++
	err := post(ctx, c, url, body)
	w.lat = append(w.lat, time.Since(since))
	if err != nil {
		w.errors++
		if w.firstErr == "" {
			w.firstErr = err.Error()
		}
	}
}

func post(ctx context.Context, c *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, data)
	}
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &r); err != nil || len(r.Result) == 0 {
		return fmt.Errorf("answer without a result: %.200s", data)
	}
	return nil
}

// Saturate sends bodies round-robin from concurrency closed-loop workers
// (each sends its next request as soon as the previous is answered) for d.
func Saturate(ctx context.Context, t Target, bodies [][]byte, concurrency int, d time.Duration) Result {
	c := newClient(concurrency)
	defer c.CloseIdleConnections()
	var next atomic.Int64
	res := run(ctx, t, concurrency, d, func(ctx context.Context, w *worker, deadline time.Time) {
		for time.Now().Before(deadline) && ctx.Err() == nil {
			i := next.Add(1) - 1
			w.send(ctx, c, t.URL+t.Path, bodies[i%int64(len(bodies))], time.Now())
		}
	})
	res.Mode = "saturation"
	return res
}

// Paced offers rate requests per second, evenly spaced, for d, served by at
// most concurrency requests at a time. A request's latency counts from the
// moment it was due, so waiting for a free worker counts (no coordinated
// omission).
func Paced(ctx context.Context, t Target, bodies [][]byte, rate float64, concurrency int, d time.Duration) Result {
	c := newClient(concurrency)
	defer c.CloseIdleConnections()
	type job struct {
		due  time.Time
		body []byte
	}
	total := int(rate * d.Seconds())
	jobs := make(chan job, total+1)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	go func() {
		defer close(jobs)
		for i := 0; i < total; i++ {
			due := start.Add(time.Duration(i) * interval)
			if wait := time.Until(due); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return
				}
			}
			jobs <- job{due: due, body: bodies[i%len(bodies)]}
		}
	}()
	res := run(ctx, t, concurrency, 0, func(ctx context.Context, w *worker, _ time.Time) {
		for j := range jobs {
			if ctx.Err() != nil {
				continue
			}
			w.send(ctx, c, t.URL+t.Path, j.body, j.due)
		}
	})
	res.Mode = "50%"
	res.Rate = rate
	return res
}

// run starts the workers, samples the server's memory every 100ms, and
// folds the workers' figures into a Result. d == 0: the workers decide when
// to stop.
func run(ctx context.Context, t Target, concurrency int, d time.Duration, loop func(context.Context, *worker, time.Time)) Result {
	res := Result{Server: t.Name, Concurrency: concurrency}
	var cpu0 time.Duration
	if t.PID != 0 {
		res.RSSStart, _ = RSS(t.PID) // zero if unreadable: shown as such
		cpu0, _ = CPUTime(t.PID)
	}
	stopMem := make(chan struct{})
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopMem:
				return
			case <-tick.C:
				if t.PID != 0 {
					if rss, err := RSS(t.PID); err == nil && rss > res.RSSPeak {
						res.RSSPeak = rss
					}
				}
			}
		}
	}()
	start := time.Now()
	deadline := start.Add(d)
	workers := make([]*worker, concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{}
		workers[i] = w
		wg.Go(func() { loop(ctx, w, deadline) })
	}
	wg.Wait()
	res.Duration = time.Since(start)
	close(stopMem)
	<-memDone
	if t.PID != 0 {
		res.RSSEnd, _ = RSS(t.PID)
		res.RSSPeak = max(res.RSSPeak, res.RSSEnd, res.RSSStart)
		if cpu1, err := CPUTime(t.PID); err == nil {
			res.CPU = cpu1 - cpu0
		}
	}
	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.lat...)
		res.Requests += w.requests
		res.Errors += w.errors
		if res.FirstError == "" {
			res.FirstError = w.firstErr
		}
	}
	slices.Sort(lat)
	res.lat = lat
	res.RPS = float64(res.Requests) / res.Duration.Seconds()
	res.P50, res.P99, res.P999 = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999)
	return res
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
