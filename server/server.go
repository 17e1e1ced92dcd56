// Package server is kmsguard's decision endpoint: an OPA-compatible data API
// (POST /v1/data/<path> with {"input": ...} answers {"result": ...}) over the
// embedded runner, with /health and /metrics, bearer-token auth, TLS, limits,
// access and decision logs, and reload of policy and data without downtime.
//
// Each loaded version of policy and data is an engine held by an atomic
// pointer: a request takes the pointer once and finishes on that engine, and
// a reload builds a whole new engine before swapping it in, so a bad version
// never replaces a good one.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/storage"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

// Defaults of Config.
const (
	DefaultMaxBody         = 1 << 20
	DefaultReadTimeout     = 10 * time.Second
	DefaultWriteTimeout    = 30 * time.Second
	DefaultIdleTimeout     = 120 * time.Second
	DefaultShutdownGrace   = 10 * time.Second
	DefaultBodyReadTimeout = 5 * time.Second
	DefaultPollInterval    = time.Minute
	// DefaultAnalysisTimeout is under DefaultWriteTimeout: an answer
	// given later could not be written.
	DefaultAnalysisTimeout = 25 * time.Second
	watchInterval          = time.Second
)

// Config configures a Server. Zero values take the defaults above.
type Config struct {
	Source Source

	// Token, when not empty, is the bearer token every /v1/ and /metrics
	// request must carry. /health is open (load balancers probe it).
	Token []byte
	// TLSCert and TLSKey are PEM files; both or neither. TLS 1.2 at least.
	TLSCert, TLSKey string

	MaxBody        int64 // bytes of a request body (decoded); larger gets 413
	MaxConcurrency int   // requests evaluated at once; more get 503 (default 4×GOMAXPROCS)
	// MaxReaders bounds the request bodies being received at once, before
	// evaluation (default 8×MaxConcurrency); more get 503.
	MaxReaders int
	// BodyReadTimeout bounds the receipt of one request body; a slower
	// sender gets 408 (default DefaultBodyReadTimeout).
	BodyReadTimeout time.Duration
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	// AnalysisTimeout bounds one evaluation: the Rego of a decision or
	// explanation the native engine declined, any other entry point, and
	// the native who_can, can_use and diff analyses; a longer one gets an
	// error answer (default DefaultAnalysisTimeout).
	AnalysisTimeout time.Duration
	// ShutdownWait is how long the server keeps answering after shutdown
	// begins, with /health 503 and "Connection: close" on every response,
	// so load balancers take it out of rotation first (default 0).
	ShutdownWait time.Duration
	// ShutdownGrace bounds the wait for requests in flight once the server
	// stops accepting connections (default DefaultShutdownGrace).
	ShutdownGrace time.Duration
	// AccessAnalysis also serves the entry points over the whole snapshot
	// (who_can, can_use, diff, prepare: snapshotWide), which return its
	// access graph or its prepared entries.
	AccessAnalysis bool
	// Watch reloads when the bundle file or snapshot files change, or when
	// the bundle at a URL changes (checked every PollInterval).
	Watch bool
	// PollInterval is how often Watch asks a bundle URL for a new version
	// (default DefaultPollInterval).
	PollInterval time.Duration

	// Log receives the JSON access log and server events (nil: discarded).
	Log *slog.Logger
	// DecisionLog, when not nil, receives one JSON line per data API answer.
	DecisionLog io.Writer
	// MaskContext are patterns of context keys ('*' matches any text)
	// whose values the decision log replaces by "***".
	MaskContext []string

	// OPAConfig, when not empty, is an OPA configuration file (YAML or
	// JSON, environment references expanded: ExpandEnv) run by OPA's
	// plugin manager (opa.go). When it names bundles, the policy and data
	// come from them and Source.Bundle must be empty.
	OPAConfig []byte
}

// Server serves decisions. Create it with New.
type Server struct {
	cfg      Config
	log      *slog.Logger
	engine   atomic.Pointer[engine]
	cert     atomic.Pointer[tls.Certificate]
	reloadMu sync.Mutex
	slots    chan struct{}
	readers  chan struct{}
	metrics  *metrics
	dlog     *decisionLog
	cp       *controlPlane // nil without Config.OPAConfig
	draining atomic.Bool

	// beforeEval, when set (tests only), runs after a request took its
	// concurrency slot and before it is evaluated.
	beforeEval func()
	// beforeAnalysis, when set (tests only), runs when a native access
	// analysis (who_can, can_use, diff) begins.
	beforeAnalysis func()
	// onReading, when set (tests only), runs when a request has taken a
	// body-reader slot.
	onReading func()
	// waitOver, when set (tests only), ends the shutdown wait period
	// early when closed.
	waitOver <-chan struct{}
}

// orDefault sets a setting that is zero or negative to its default.
func orDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// New loads the policy and data (failing if they cannot be loaded) and
// returns a server ready to Serve.
func New(ctx context.Context, cfg Config) (*Server, error) {
	orDefault(&cfg.MaxBody, DefaultMaxBody)
	orDefault(&cfg.MaxConcurrency, 4*runtime.GOMAXPROCS(0))
	orDefault(&cfg.MaxReaders, 8*cfg.MaxConcurrency)
	orDefault(&cfg.ReadTimeout, DefaultReadTimeout)
	orDefault(&cfg.WriteTimeout, DefaultWriteTimeout)
	orDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	orDefault(&cfg.AnalysisTimeout, DefaultAnalysisTimeout)
	orDefault(&cfg.BodyReadTimeout, DefaultBodyReadTimeout)
	orDefault(&cfg.ShutdownGrace, DefaultShutdownGrace)
	if cfg.ShutdownWait < 0 {
		return nil, errors.New("the shutdown wait period must not be negative")
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("TLS needs both a certificate and a key file")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:     cfg,
		log:     log,
		slots:   make(chan struct{}, cfg.MaxConcurrency),
		readers: make(chan struct{}, cfg.MaxReaders),
		metrics: newMetrics(),
	}
	var plugin pluginLogger
	if len(cfg.OPAConfig) > 0 {
		cp, err := newControlPlane(ctx, cfg.OPAConfig, s)
		if err != nil {
			return nil, err
		}
		if cp.policy && cfg.Source.Bundle != "" {
			return nil, errors.New("the OPA configuration names bundles: give no --bundle besides")
		}
		s.cp, plugin = cp, cp.pluginLog()
	}
	s.dlog = newDecisionLog(cfg.DecisionLog, cfg.MaskContext, plugin)
	if err := s.loadCert(); err != nil {
		return nil, err
	}
	if s.cp == nil || !s.cp.policy {
		e, err := cfg.Source.load(ctx)
		if err != nil {
			return nil, err
		}
		s.swap(e)
		log.Info("loaded", "revision", e.revision)
	}
	if s.cp != nil {
		// With bundles configured, /health is 503 and decisions 503 until
		// the first activation, as OPA's /health?bundles.
		if err := s.cp.start(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) loadCert() error {
	if s.cfg.TLSCert == "" {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
	if err != nil {
		return fmt.Errorf("TLS: %w", err)
	}
	s.cert.Store(&cert)
	return nil
}

func (s *Server) swap(e *engine) {
	s.engine.Store(e)
	s.metrics.setEngine(e)
}

// Revision is the revision of the policy and data being served ("" before
// the first one is loaded).
func (s *Server) Revision() string {
	if e := s.engine.Load(); e != nil {
		return e.revision
	}
	return ""
}

// load builds a new engine: from the OPA plugin manager's store when the
// configuration names bundles, else from the source.
func (s *Server) load(ctx context.Context) (*engine, error) {
	if s.cp == nil || !s.cp.policy {
		return s.cfg.Source.load(ctx)
	}
	var e *engine
	err := storage.Txn(ctx, s.cp.manager.Store, storage.TransactionParams{}, func(txn storage.Transaction) error {
		var err error
		e, err = s.engineFromStore(ctx, txn)
		return err
	})
	return e, err
}

// Reload loads the policy and data again (and the TLS certificate) and
// swaps them in. On error the version being served stays, and the error is
// logged and returned. Requests in flight finish on the version they began
// with.
func (s *Server) Reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	start := time.Now()
	e, err := s.load(ctx)
	if err == nil {
		err = s.loadCert()
	}
	if err != nil {
		s.metrics.reloads.WithLabelValues("failure").Inc()
		s.log.Error("reload failed; still serving the previous version",
			"error", err.Error(), "revision", s.Revision())
		return err
	}
	old := s.Revision()
	s.swap(e)
	s.metrics.reloads.WithLabelValues("success").Inc()
	s.log.Info("reloaded", "revision", e.revision, "previous_revision", old,
		"duration", time.Since(start).Seconds())
	return nil
}

// Serve answers requests on ln until ctx is done (the shutdown trigger:
// the command cancels it on SIGTERM), then shuts down as a lame duck: for
// Config.ShutdownWait it answers on with /health 503 and
// "Connection: close", then it stops accepting connections and waits up to
// Config.ShutdownGrace for requests in flight. With Config.Watch it also reloads when
// the source files change.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadTimeout:       s.cfg.ReadTimeout,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 5*time.Second),
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if s.cfg.TLSCert != "" {
		hs.TLSConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
				return s.cert.Load(), nil
			},
		}
		ln = tls.NewListener(ln, hs.TLSConfig)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if s.cfg.Watch {
		go s.watch(watchCtx)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "", "revision", s.Revision())

	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	// Lame duck: /health turns 503 and every response says
	// "Connection: close" while requests are still answered for the wait
	// period; then the listener closes and requests in flight drain.
	// (Not hs.SetKeepAlivesEnabled(false): it closes idle connections at
	// once, racing with requests clients are sending on them.)
	s.draining.Store(true)
	stopWatch()
	if s.cfg.ShutdownWait > 0 {
		s.log.Info("shutting down: still answering for the wait period", "wait", s.cfg.ShutdownWait.String())
		t := time.NewTimer(s.cfg.ShutdownWait)
		select {
		case <-t.C:
		case <-s.waitOver:
			t.Stop()
		case err := <-errc:
			t.Stop()
			return fmt.Errorf("serving: %w", err)
		}
	}
	s.log.Info("shutting down: no new connections", "grace", s.cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownGrace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if s.cp != nil {
		s.cp.stop(context.WithoutCancel(ctx)) // uploads the decision logs it holds
	}
	if err != nil {
		_ = hs.Close() // the deadline passed: drop what is left
		return fmt.Errorf("shutdown: requests still running after %s were cut off", s.cfg.ShutdownGrace)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// watch polls the source files every second, and a bundle URL every
// PollInterval, and reloads on a change.
func (s *Server) watch(ctx context.Context) {
	files := time.NewTicker(watchInterval)
	defer files.Stop()
	last := s.cfg.Source.watchState()
	var (
		remote *kbundle.Remote
		poll   <-chan time.Time
	)
	if kbundle.IsURL(s.cfg.Source.Bundle) {
		remote = &kbundle.Remote{URL: s.cfg.Source.Bundle}
		if _, err := remote.Changed(ctx); err != nil {
			s.log.Error("watching the bundle URL", "error", err.Error())
		}
		interval := s.cfg.PollInterval
		if interval <= 0 {
			interval = DefaultPollInterval
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		poll = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-files.C:
			cur := s.cfg.Source.watchState()
			if cur == last {
				continue
			}
			last = cur
			s.log.Info("source files changed; reloading")
		case <-poll:
			changed, err := remote.Changed(ctx)
			if err != nil {
				s.log.Error("watching the bundle URL", "error", err.Error())
				continue
			}
			if !changed {
				continue
			}
			s.log.Info("the bundle at the URL changed; reloading")
		}
		_ = s.Reload(ctx) // logged by Reload; the old version keeps serving
	}
}
