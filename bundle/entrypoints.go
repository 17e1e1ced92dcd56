package bundle

import (
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// DecisionQuery is the entry point every kmsguard bundle must define.
const DecisionQuery = "data.kmsguard.authz.decision"

// Entrypoints lists the queries of the rules a compiled policy marks
// `# entrypoint: true` in their METADATA: the decision first, then the
// others sorted ("data.kmsguard.access.can_use", ...). They are the
// policy's public entry points: nothing else lists them.
func Entrypoints(compiler *ast.Compiler) []string {
	var out []string
	for _, ar := range compiler.GetAnnotationSet().Flatten() {
		if ar.Annotations == nil || !ar.Annotations.Entrypoint || ar.GetRule() == nil {
			continue
		}
		q := ar.Path.String()
		if !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == DecisionQuery:
			return -1
		case b == DecisionQuery:
			return 1
		}
		return strings.Compare(a, b)
	})
	return out
}
