package server

import (
	"slices"
	"strings"

	"github.com/kmsguard/kmsguard/runner"
)

// servedQueries are the entry points served by default, in the order
// /health lists them: the decision, its explanation, and the lint findings
// (served when the policy defines them).
var servedQueries = []string{runner.DecisionQuery, runner.ExplainQuery, "data.kmsguard.lint.findings"}

// accessQueries are the access-analysis entry points, served only with
// Config.AccessAnalysis: they return a snapshot's whole access graph.
var accessQueries = []string{runner.WhoCanQuery, runner.CanUseQuery, runner.DiffQuery}

// serves reports whether the server answers query with engine e: it is on
// the allowlist and the loaded policy defines it.
func (s *Server) serves(e *engine, query string) bool {
	if query == runner.DecisionQuery {
		return true
	}
	allowed := slices.Contains(servedQueries, query) ||
		(s.cfg.AccessAnalysis && slices.Contains(accessQueries, query))
	return allowed && e.runner.HasEntrypoint(query)
}

// servedPaths lists the data API paths served with engine e.
func (s *Server) servedPaths(e *engine) []string {
	var paths []string
	for _, q := range append(slices.Clone(servedQueries), accessQueries...) {
		if s.serves(e, q) {
			paths = append(paths, dataPrefix+"/"+strings.ReplaceAll(strings.TrimPrefix(q, "data."), ".", "/"))
		}
	}
	return paths
}
