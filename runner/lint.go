package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
)

// Lint entry points (docs/lint-format.md).
const (
	LintQuery      = "data.kmsguard.lint.findings"
	ReadinessQuery = "data.kmsguard.readiness.report"
	// RulesPackage is the root of the rule packages whose METADATA make
	// the rule catalog.
	RulesPackage = "data.kmsguard.rules"
)

// ErrNoLintRules is returned when the loaded policy has no lint entry point.
var ErrNoLintRules = errors.New("the loaded policy has no lint rules (" + LintQuery + ")")

// lintState is what the lint queries need from New: the compiled policy (for
// the rules' METADATA), the store and the prepared entry points. The
// readiness questions query is prepared on first use, once.
type lintState struct {
	compiler    *ast.Compiler
	store       storage.Store
	entrypoints map[string]rego.PreparedEvalQuery

	readinessOnce sync.Once
	readiness     rego.PreparedEvalQuery
	readinessErr  error
	questions     rego.PreparedEvalQuery // readinessQuestionsQuery
	questionsOK   bool
}

func newLintState(compiler *ast.Compiler, store storage.Store, entrypoints map[string]rego.PreparedEvalQuery) *lintState {
	return &lintState{compiler: compiler, store: store, entrypoints: entrypoints}
}

// Lint evaluates data.kmsguard.lint.findings for one policy document (a bare
// document or the wrapper of docs/lint-format.md).
func (r *Runner) Lint(ctx context.Context, input ast.Value) ([]Finding, error) {
	if !r.HasEntrypoint(LintQuery) {
		return nil, ErrNoLintRules
	}
	v, defined, err := r.Eval(ctx, LintQuery, input)
	if err != nil {
		return nil, err
	}
	if !defined {
		return nil, errors.New("evaluation failed: the policy returned no findings")
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("evaluation failed: the findings are not a list")
	}
	out := make([]Finding, 0, len(list))
	for _, e := range list {
		// related_resources are URLs, or METADATA's {"ref": URL, ...}.
		var f struct {
			Finding
			RelatedResources []any `json:"related_resources"`
		}
		if err := fromRego(e, &f); err != nil {
			return nil, fmt.Errorf("evaluation failed: a finding is not one: %w", err)
		}
		for _, x := range f.RelatedResources {
			f.Finding.RelatedResources = append(f.Finding.RelatedResources, resourceRef(x))
		}
		if f.ID == "" || f.Msg == "" {
			return nil, fmt.Errorf("evaluation failed: a finding has no id or msg: %v", e)
		}
		out = append(out, f.Finding)
	}
	return out, nil
}

// resourceRef is the URL of a related resource: a string, or METADATA's
// {"ref": URL, "description": ...}.
func resourceRef(v any) string {
	if m, ok := v.(map[string]any); ok {
		return str(m["ref"])
	}
	return str(v)
}

// Readiness evaluates data.kmsguard.readiness.report for input {"service",
// "policy", "key_arn"} (and the optional "resource", "account" and
// "principal"). An input the policy cannot answer (an unknown service, no
// key ARN) gives the policy's error.
//
// The Rego builds the service's questions (readinessQuestionsQuery) and
// the native engine decides them, as it decides every question; what it
// declines the Rego decides (a counted fallback). The report is the one
// data.kmsguard.readiness.report gives (TestReadinessNativeSameReport). A
// policy without the questions' rules gets its report from the Rego whole.
func (r *Runner) Readiness(ctx context.Context, input ast.Value) (*Readiness, error) {
	st, err := r.rego()
	if err != nil {
		return nil, err
	}
	ls := st.lint
	ls.readinessOnce.Do(func() { ls.prepareReadiness(ctx) })
	if ls.readinessErr != nil {
		return nil, ls.readinessErr
	}
	if ls.questionsOK {
		return r.readinessNative(ctx, ls, input)
	}
	return ls.readinessRego(ctx, input)
}

// readinessQuestionsQuery is the readiness report without its decisions:
// the input's errors, the service, and each check's question.
const readinessQuestionsQuery = `x := {
	"errors": data.kmsguard.readiness.errors,
	"service": data.kmsguard.readiness.given.service,
	"checks": [{"requirement": c.requirement, "required": c.required, "question": data.kmsguard.readiness.question(c)} |
		some c in data.kmsguard.readiness.checks[input.service]
	],
}`

func (ls *lintState) prepareReadiness(ctx context.Context) {
	var ok bool
	if ls.readiness, ok = ls.entrypoints[ReadinessQuery]; !ok {
		ls.readinessErr = errors.New("the loaded policy has no service readiness checks (" + ReadinessQuery + ")")
		return
	}
	for _, rule := range []string{"errors", "given", "question", "checks"} {
		if len(ls.compiler.GetRules(ast.MustParseRef("data.kmsguard.readiness."+rule))) == 0 {
			return
		}
	}
	pq, err := rego.New(
		rego.Query(readinessQuestionsQuery),
		rego.Compiler(ls.compiler),
		rego.Store(ls.store),
	).PrepareForEval(ctx)
	if err == nil {
		ls.questions, ls.questionsOK = pq, true
	}
}

func (ls *lintState) readinessRego(ctx context.Context, input ast.Value) (*Readiness, error) {
	rs, err := ls.readiness.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluation failed: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, errors.New("evaluation failed: the policy returned no readiness report")
	}
	m, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, errors.New("evaluation failed: the readiness report is not an object")
	}
	if e := str(m["error"]); e != "" {
		return nil, errors.New(e)
	}
	out := &Readiness{Service: str(m["service"])}
	out.Ready, _ = m["ready"].(bool)
	checks, _ := m["checks"].([]any)
	for _, c := range checks {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		ch := ReadinessCheck{Requirement: str(cm["requirement"])}
		ch.Question, _ = cm["question"].(map[string]any)
		ch.OK, _ = cm["ok"].(bool)
		ch.Required, _ = cm["required"].(bool)
		if d, ok := cm["decision"].(map[string]any); ok {
			ch.Decision = answerFrom(d)
		}
		out.Checks = append(out.Checks, ch)
	}
	return out, nil
}

// readinessNative is data.kmsguard.readiness.report with its decisions
// made by the native engine (the Rego for what it declines).
func (r *Runner) readinessNative(ctx context.Context, ls *lintState, input ast.Value) (*Readiness, error) {
	rs, err := ls.questions.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluation failed: %w", err)
	}
	if len(rs) != 1 {
		return nil, errors.New("evaluation failed: the policy returned no readiness questions")
	}
	m, ok := rs[0].Bindings["x"].(map[string]any)
	if !ok {
		return nil, errors.New("evaluation failed: the readiness questions are not an object")
	}
	if errs, _ := m["errors"].([]any); len(errs) > 0 {
		msgs := make([]string, 0, len(errs))
		for _, e := range errs {
			msgs = append(msgs, str(e))
		}
		sort.Strings(msgs)
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	out := &Readiness{Service: str(m["service"])}
	checks, _ := m["checks"].([]any)
	out.Ready = len(checks) > 0
	for _, c := range checks {
		cm, ok := c.(map[string]any)
		if !ok {
			return nil, errors.New("evaluation failed: a readiness check is not an object")
		}
		ch := ReadinessCheck{Requirement: str(cm["requirement"])}
		ch.Question, _ = cm["question"].(map[string]any)
		ch.Required, _ = cm["required"].(bool)
		data, err := json.Marshal(ch.Question)
		if err != nil {
			return nil, fmt.Errorf("evaluation failed: %w", err)
		}
		var native bool
		if ch.Decision, native = r.DecideNative(data); !native {
			// As the Rego asks it: the question value itself.
			q, err := ast.InterfaceToValue(ch.Question)
			if err != nil {
				return nil, fmt.Errorf("evaluation failed: %w", err)
			}
			ch.Decision = r.Decide(ctx, q)
		}
		ch.OK = ch.Decision.IsAllowed()
		if ch.Required && !ch.OK {
			out.Ready = false
		}
		out.Checks = append(out.Checks, ch)
	}
	return out, nil
}

// Rules returns the lint rules of the loaded policy: every package under
// data.kmsguard.rules whose METADATA has custom.id, sorted by id (then
// package, so that a duplicate id shows up next to the original).
func (r *Runner) Rules() []Rule {
	st, err := r.rego()
	if err != nil {
		return nil
	}
	return rulesFrom(st.lint.compiler.GetAnnotationSet())
}

func rulesFrom(as *ast.AnnotationSet) []Rule {
	if as == nil {
		return nil
	}
	root := ast.MustParseRef(RulesPackage)
	seen := map[string]bool{}
	var out []Rule
	for _, ar := range as.Flatten() {
		a := ar.Annotations
		if a == nil || !ar.Path.HasPrefix(root) {
			continue
		}
		id, _ := a.Custom["id"].(string)
		if id == "" {
			continue
		}
		pkg := ar.Path
		if a.Scope != "package" && a.Scope != "subpackages" && len(pkg) > 1 {
			pkg = pkg[:len(pkg)-1] // a rule-scoped annotation: its package
		}
		key := id + " " + pkg.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		rule := Rule{
			ID:          id,
			Name:        customString(a, "name"),
			Title:       a.Title,
			Severity:    customString(a, "severity"),
			Category:    customString(a, "category"),
			Description: strings.TrimSpace(a.Description),
			Remediation: strings.TrimSpace(customString(a, "remediation")),
			Package:     pkg.String(),
		}
		if a.Location != nil {
			rule.File = a.Location.File
		}
		for _, rr := range a.RelatedResources {
			rule.RelatedResources = append(rule.RelatedResources, rr.Ref.String())
		}
		out = append(out, rule)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Package < out[j].Package
	})
	return out
}

func customString(a *ast.Annotations, key string) string {
	s, _ := a.Custom[key].(string)
	return s
}
