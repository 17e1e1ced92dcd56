package bundle

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
)

// PrepareQuery computes the prepared entries of a snapshot's policy
// documents (rego/kmsguard/authz/prepared.rego), kept at kmsguard/prepared.
const PrepareQuery = "data.kmsguard.authz.prepare"

// Prepared reads every policy document of the snapshot in store once, in
// Rego, and returns the entries to keep at data.kmsguard.prepared: questions
// answered from the snapshot then skip re-validating and re-normalising the
// same documents. The answers are the same with or without them.
func Prepared(ctx context.Context, compiler *ast.Compiler, store storage.Store) (any, error) {
	rs, err := rego.New(rego.Query(PrepareQuery), rego.Compiler(compiler), rego.Store(store)).Eval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing the snapshot's policies: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("preparing the snapshot's policies: %s is undefined", PrepareQuery)
	}
	return rs[0].Expressions[0].Value, nil
}
