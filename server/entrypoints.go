package server

import (
	"slices"
	"strings"

	"github.com/kmsguard/kmsguard/runner"
)

// snapshotWide are the entry points whose answer covers a whole snapshot
// (its access graph, the prepared entries of every stored document): served
// only with Config.AccessAnalysis.
var snapshotWide = []string{runner.WhoCanQuery, runner.CanUseQuery, runner.DiffQuery, runner.PrepareQuery}

// serves reports whether the server answers query with engine e: the
// decision, and every entry point the loaded policy marks
// (`# entrypoint: true`), those of snapshotWide only with
// Config.AccessAnalysis.
func (s *Server) serves(e *engine, query string) bool {
	if query == runner.DecisionQuery {
		return true
	}
	return e.runner.HasEntrypoint(query) && (s.cfg.AccessAnalysis || !slices.Contains(snapshotWide, query))
}

// servedPaths lists the data API paths served with engine e: the decision
// first, then the other entry points, sorted.
func (s *Server) servedPaths(e *engine) []string {
	paths := []string{dataPath(runner.DecisionQuery)}
	for _, q := range e.runner.Entrypoints() {
		if s.serves(e, q) {
			paths = append(paths, dataPath(q))
		}
	}
	return paths
}

// dataPath is the data API path of query ("data.kmsguard.authz.decision"
// -> "/v1/data/kmsguard/authz/decision").
func dataPath(query string) string {
	return dataPrefix + "/" + strings.ReplaceAll(strings.TrimPrefix(query, "data."), ".", "/")
}
