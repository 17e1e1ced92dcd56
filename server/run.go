package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/policyfile"
)

// Flags are the settings of `kmsguard serve` as its flags give them: the
// values of Config, with files named rather than read, the address to
// listen on and the garbage collector's target.
type Flags struct {
	Addr            string
	Bundle          string
	VerificationKey string
	SigningAlg      string
	KeyID           string
	Data            string
	TokenFile       string
	TLSCert         string
	TLSKey          string
	MaxBody         int64
	MaxConcurrency  int
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	BodyReadTimeout time.Duration
	MaxBodyReaders  int
	AnalysisTimeout time.Duration
	ShutdownWait    time.Duration
	ShutdownGrace   time.Duration
	AccessAnalysis  bool
	ConfigFile      string
	Watch           bool
	PollInterval    time.Duration
	DecisionLog     string
	MaskContext     []string
	GCPercent       int
}

// DefaultGCPercent trades memory for CPU: evaluation allocates a lot, and
// with the Go default (100) the collector takes about a quarter of the CPU
// at saturation (docs/serving.md, "Load").
const DefaultGCPercent = 400

// ServeError is a failure of serving once the server has started (exit
// status 1); every other error of Run is in the flags or in the files they
// name (exit status 2).
type ServeError struct{ Err error }

func (e *ServeError) Error() string { return e.Err.Error() }
func (e *ServeError) Unwrap() error { return e.Err }

// Run is `kmsguard serve`: it checks the flags, loads the policy and data,
// listens on f.Addr and serves until ctx is done or SIGTERM or SIGINT
// arrives; SIGHUP reloads. Everything it says is a JSON log line on log.
func Run(ctx context.Context, f Flags, log io.Writer) error {
	cfg, closeLog, err := f.config(log)
	if err != nil {
		return err
	}
	defer closeLog()

	if f.GCPercent <= 0 {
		return errors.New("--gc-percent must be positive")
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(f.GCPercent)
	}
	srv, err := New(ctx, cfg)
	if err != nil {
		return fmt.Errorf("loading: %w", err)
	}
	ln, err := net.Listen("tcp", f.Addr)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigc)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigc:
				if sig == syscall.SIGHUP {
					_ = srv.Reload(ctx) // logged; the running version stays
					continue
				}
				cfg.Log.Info("signal received", "signal", sig.String())
				cancel()
				return
			}
		}
	}()
	if err := srv.Serve(ctx, ln); err != nil {
		return &ServeError{Err: err}
	}
	return nil
}

// config turns the flags into a server configuration; closeLog closes the
// decision log file.
func (f Flags) config(log io.Writer) (cfg Config, closeLog func(), err error) {
	closeLog = func() {}
	switch {
	case f.VerificationKey != "" && f.Bundle == "":
		return cfg, closeLog, errors.New("--verification-key needs --bundle (the built-in policy is not signed)")
	case (f.TLSCert == "") != (f.TLSKey == ""):
		return cfg, closeLog, errors.New("--tls-cert and --tls-key go together")
	case f.MaxBody <= 0:
		return cfg, closeLog, errors.New("--max-body must be positive")
	case f.MaxConcurrency < 0 || f.MaxBodyReaders < 0:
		return cfg, closeLog, errors.New("--max-concurrency and --max-body-readers must not be negative")
	case f.ShutdownWait < 0:
		return cfg, closeLog, errors.New("--shutdown-wait-period must not be negative")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--read-timeout", f.ReadTimeout}, {"--write-timeout", f.WriteTimeout}, {"--idle-timeout", f.IdleTimeout},
		{"--shutdown-grace-period", f.ShutdownGrace}, {"--body-read-timeout", f.BodyReadTimeout}, {"--analysis-timeout", f.AnalysisTimeout}} {
		if d.v <= 0 {
			return cfg, closeLog, fmt.Errorf("%s must be positive", d.name)
		}
	}
	if f.Watch && f.PollInterval <= 0 {
		return cfg, closeLog, errors.New("--poll-interval must be positive")
	}
	cfg = Config{
		Source:          Source{Bundle: f.Bundle, Data: f.Data},
		TLSCert:         f.TLSCert,
		TLSKey:          f.TLSKey,
		MaxBody:         f.MaxBody,
		MaxConcurrency:  f.MaxConcurrency,
		ReadTimeout:     f.ReadTimeout,
		WriteTimeout:    f.WriteTimeout,
		IdleTimeout:     f.IdleTimeout,
		MaxReaders:      f.MaxBodyReaders,
		BodyReadTimeout: f.BodyReadTimeout,
		AnalysisTimeout: f.AnalysisTimeout,
		ShutdownWait:    f.ShutdownWait,
		ShutdownGrace:   f.ShutdownGrace,
		AccessAnalysis:  f.AccessAnalysis,
		Watch:           f.Watch,
		PollInterval:    f.PollInterval,
		MaskContext:     f.MaskContext,
		Log:             slog.New(slog.NewJSONHandler(log, nil)),
	}
	if f.VerificationKey != "" {
		cfg.Source.Verification = &kbundle.Verification{KeyFile: f.VerificationKey, Algorithm: f.SigningAlg, KeyID: f.KeyID}
	}
	if f.TokenFile != "" {
		tok, err := os.ReadFile(f.TokenFile)
		if err != nil {
			return cfg, closeLog, fmt.Errorf("--token-file: %w", policyfile.OpenError(err))
		}
		cfg.Token = bytes.TrimSpace(tok)
		if len(cfg.Token) == 0 {
			return cfg, closeLog, fmt.Errorf("--token-file %s is empty", f.TokenFile)
		}
	}
	if f.ConfigFile != "" {
		raw, err := os.ReadFile(f.ConfigFile)
		if err != nil {
			return cfg, closeLog, fmt.Errorf("--config-file: %w", policyfile.OpenError(err))
		}
		cfg.OPAConfig = ExpandEnv(raw)
	}
	if f.DecisionLog != "" {
		file, err := os.OpenFile(f.DecisionLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return cfg, closeLog, fmt.Errorf("--decision-log: %w", policyfile.OpenError(err))
		}
		cfg.DecisionLog = file
		closeLog = func() {
			if err := file.Close(); err != nil {
				fmt.Fprintf(log, "kmsguard: closing the decision log: %v\n", err)
			}
		}
	}
	return cfg, closeLog, nil
}
