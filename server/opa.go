package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/logging"
	"github.com/open-policy-agent/opa/v1/plugins"
	"github.com/open-policy-agent/opa/v1/plugins/discovery"
	"github.com/open-policy-agent/opa/v1/plugins/logs"
	opaserver "github.com/open-policy-agent/opa/v1/server"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/internal/lazyregexp"
)

// controlPlane runs OPA's own plugin manager under an OPA configuration
// file, as "opa run --server -c FILE" does: services (and their
// credentials), bundles (polling, long polling, signature verification,
// persistence), discovery, decision_logs and status are OPA's plugins, not
// re-implementations. The bundles the plugins activate go into the
// manager's store; each activation builds a new engine from it (the
// answers still come from kmsguard's decision path), and decisions are
// handed to OPA's decision-log plugin.
type controlPlane struct {
	manager *plugins.Manager
	// policy is true when the configuration names bundles (or discovery):
	// the policy then comes from them, not from Config.Source.Bundle.
	policy bool
}

// envRef is OPA's environment-variable reference in configuration files.
var envRef = lazyregexp.New(`\$\{([^}]+)\}`)

// ExpandEnv replaces ${NAME} in an OPA configuration file by the
// environment variable NAME, as OPA does when it loads the file.
func ExpandEnv(raw []byte) []byte {
	return envRef.ReplaceAllFunc(raw, func(m []byte) []byte {
		return []byte(os.Getenv(string(envRef.FindSubmatch(m)[1])))
	})
}

// newControlPlane parses the configuration and initialises the plugin
// manager; start starts the plugins.
func newControlPlane(ctx context.Context, raw []byte, s *Server) (*controlPlane, error) {
	var boot map[string]any
	if err := util.Unmarshal(raw, &boot); err != nil {
		return nil, fmt.Errorf("OPA configuration: %w", err)
	}
	m, err := plugins.New(raw, "kmsguard", inmem.New(),
		plugins.Logger(&opaLogger{log: s.log, level: logging.Info}),
		plugins.ConsoleLogger(&opaLogger{log: s.log.With("decision_log", "console"), level: logging.Info}),
		plugins.GracefulShutdownPeriod(int(s.cfg.ShutdownGrace/time.Second)),
		plugins.WithParserOptions(ast.ParserOptions{RegoVersion: ast.RegoV1}),
		plugins.WithEnableVersionCheck(false),
	)
	if err != nil {
		return nil, fmt.Errorf("OPA configuration: %w", err)
	}
	if err := unsupported(boot); err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("OPA configuration: %w", err)
	}
	disco, err := discovery.New(m, discovery.BootConfig(boot))
	if err != nil {
		return nil, fmt.Errorf("OPA configuration: %w", err)
	}
	m.Register(discovery.Name, disco)
	c := m.GetConfig()
	cp := &controlPlane{manager: m, policy: len(c.Bundles) > 0 || c.Bundle != nil || c.Discovery != nil}
	if cp.policy {
		m.RegisterCompilerTrigger(func(txn storage.Transaction) { s.activate(txn) })
	}
	return cp, nil
}

// unsupported refuses the parts of OPA's configuration that concern OPA's
// own server and evaluation, which kmsguard does not run.
func unsupported(boot map[string]any) error {
	var bad []string
	for _, k := range []string{"server", "distributed_tracing", "plugins", "storage", "nd_builtin_cache"} {
		if _, ok := boot[k]; ok {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("OPA configuration: %s not supported by kmsguard serve (use its flags; docs/serving.md)", strings.Join(bad, ", "))
}

func (cp *controlPlane) start(ctx context.Context) error {
	if err := cp.manager.Start(ctx); err != nil {
		return fmt.Errorf("starting OPA's plugins: %w", err)
	}
	return nil
}

// stop stops the plugins; the decision-log plugin uploads what it holds
// (within the manager's graceful shutdown period).
func (cp *controlPlane) stop(ctx context.Context) { cp.manager.Stop(ctx) }

// activate builds an engine from the policy and data of the bundles just
// activated in the manager's store and swaps it in. A version that fails
// to build is logged and the running one keeps serving.
func (s *Server) activate(txn storage.Transaction) {
	ctx := context.Background()
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	e, err := s.engineFromStore(ctx, txn)
	if err != nil {
		s.metrics.reloads.WithLabelValues("failure").Inc()
		s.log.Error("the activated bundles cannot be served; still serving the previous version", "error", err.Error())
		return
	}
	old := ""
	if cur := s.engine.Load(); cur != nil {
		old = cur.revision
	}
	s.swap(e)
	s.metrics.reloads.WithLabelValues("success").Inc()
	s.log.Info("bundles activated", "revision", e.revision, "previous_revision", old)
}

// engineFromStore reads the kmsguard policy and data of the manager's
// store (as of txn) into a bundle and builds an engine from it.
func (s *Server) engineFromStore(ctx context.Context, txn storage.Transaction) (*engine, error) {
	store := s.cp.manager.Store
	names, err := bundle.ReadBundleNamesFromStore(ctx, store, txn)
	if err != nil && !storage.IsNotFound(err) {
		return nil, err
	}
	revs := map[string]string{}
	for _, n := range names {
		if revs[n], err = bundle.ReadBundleRevisionFromStore(ctx, store, txn, n); err != nil && !storage.IsNotFound(err) {
			return nil, err
		}
	}
	ids, err := store.ListPolicies(ctx, txn)
	if err != nil {
		return nil, err
	}
	root := ast.MustParseRef("data." + kbundle.Root)
	b := &bundle.Bundle{Manifest: bundle.Manifest{Roots: &[]string{kbundle.Root}, Revision: bundleRevision(revs)}}
	b.Manifest.SetRegoVersion(ast.RegoV1)
	for _, id := range ids {
		raw, err := store.GetPolicy(ctx, txn, id)
		if err != nil {
			return nil, err
		}
		mod, err := ast.ParseModuleWithOpts(id, string(raw), s.cp.manager.ParserOptions())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if mod.Package.Path.HasPrefix(root) {
			b.Modules = append(b.Modules, bundle.ModuleFile{URL: id, Path: id, Raw: raw, Parsed: mod})
		}
	}
	if len(b.Modules) == 0 {
		return nil, errors.New("no bundle defines package kmsguard")
	}
	data, err := store.Read(ctx, txn, storage.Path{kbundle.Root})
	if err != nil && !storage.IsNotFound(err) {
		return nil, err
	}
	b.Data = map[string]any{}
	if data != nil {
		b.Data[kbundle.Root] = data
	}
	e, err := s.cfg.Source.build(ctx, b)
	if err != nil {
		return nil, err
	}
	e.bundles = revs
	return e, nil
}

// bundleRevision names the revision of the activated bundles: the one
// bundle's revision, or "name=revision" pairs in name order.
func bundleRevision(revs map[string]string) string {
	if len(revs) == 1 {
		for _, r := range revs {
			return r
		}
	}
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(revs)) {
		parts = append(parts, n+"="+revs[n])
	}
	return strings.Join(parts, ",")
}

// pluginLog hands an answer to OPA's decision-log plugin, when the
// configuration enables it, as an event in OPA's format (masked by
// --mask-context before the plugin's own mask_decision policy).
func (cp *controlPlane) pluginLog() pluginLogger {
	return func(ctx context.Context, e *decisionEntry, input any) error {
		p := logs.Lookup(cp.manager)
		if p == nil {
			return nil
		}
		result := e.Result
		info := &opaserver.Info{
			DecisionID: e.DecisionID,
			Path:       e.Path,
			Timestamp:  e.Time,
			Input:      &input,
			Results:    &result,
			Revision:   e.Revision,
			RemoteAddr: e.remote,
		}
		if e.bundles != nil {
			info.Bundles = map[string]opaserver.BundleInfo{}
			for n, v := range e.bundles {
				info.Bundles[n] = opaserver.BundleInfo{Revision: v}
			}
		}
		return p.Log(ctx, info)
	}
}

// opaLogger passes the plugins' log lines to the server's log.
type opaLogger struct {
	log    *slog.Logger
	fields map[string]any
	level  logging.Level
}

func (l *opaLogger) with() *slog.Logger {
	lg := l.log
	for _, k := range slices.Sorted(maps.Keys(l.fields)) {
		lg = lg.With(k, l.fields[k])
	}
	return lg
}

func (l *opaLogger) Debug(f string, a ...any) {
	if l.level >= logging.Debug {
		l.with().Debug(fmt.Sprintf(f, a...))
	}
}
func (l *opaLogger) Info(f string, a ...any)  { l.with().Info(fmt.Sprintf(f, a...)) }
func (l *opaLogger) Warn(f string, a ...any)  { l.with().Warn(fmt.Sprintf(f, a...)) }
func (l *opaLogger) Error(f string, a ...any) { l.with().Error(fmt.Sprintf(f, a...)) }

func (l *opaLogger) WithFields(f map[string]any) logging.Logger {
	fields := maps.Clone(l.fields)
	if fields == nil {
		fields = map[string]any{}
	}
	maps.Copy(fields, f)
	return &opaLogger{log: l.log, fields: fields, level: l.level}
}

func (l *opaLogger) GetLevel() logging.Level { return l.level }

func (l *opaLogger) SetLevel(v logging.Level) { l.level = v }
