package check

import (
	"context"

	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// Run lints the request's files with the built-in rule pack (Lint) and
// returns the result and the rules that ran. When the files hold no policy
// document the result comes with NoDocuments's error, so that its problems
// can be shown before it; verbose is -v (NoDocuments).
func (req Request) Run(ctx context.Context, verbose bool) (*result.Result, []result.Rule, error) {
	r, err := runner.NewLazy(ctx)
	if err != nil {
		return nil, nil, err
	}
	rules := r.Rules()
	res, err := Lint(ctx, r, rules, req)
	if err != nil {
		return nil, nil, err
	}
	return res, rules, NoDocuments(res, req.Paths, verbose)
}

// RunReadiness asks, with the built-in policy, whether the key policies of
// the request's one file let req.Service use the key (Readiness).
func (req Request) RunReadiness(ctx context.Context, each func(name string, rep *result.Readiness) error) (ready bool, err error) {
	r, err := runner.NewLazy(ctx)
	if err != nil {
		return false, err
	}
	return Readiness(ctx, r, req, each)
}
