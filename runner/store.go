package runner

import (
	"context"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	kbundle "github.com/kmsguard/kmsguard/bundle"
)

var (
	snapshotPath = storage.MustParsePath("/kmsguard/snapshot")
	preparedPath = storage.MustParsePath("/kmsguard/prepared")
)

// inmemStore keeps the bundle's data (the KMS action catalogue and other
// reference tables, and any snapshot) in OPA's store, so it is loaded once,
// not per request.
func inmemStore(data map[string]any) storage.Store {
	if data == nil {
		data = map[string]any{}
	}
	return inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
}

// prepareSnapshot stores the prepared entries of a stored snapshot's policy
// documents at data.kmsguard.prepared (kbundle.Prepared). Data that already
// has them (a bundle built by `kmsguard bundle build`), or no snapshot, is
// left as it is.
func prepareSnapshot(ctx context.Context, compiler *ast.Compiler, store storage.Store) error {
	if !exists(ctx, store, snapshotPath) || exists(ctx, store, preparedPath) {
		return nil
	}
	prepared, err := kbundle.Prepared(ctx, compiler, store)
	if err != nil {
		return err
	}
	return storage.WriteOne(ctx, store, storage.AddOp, preparedPath, prepared)
}

func exists(ctx context.Context, store storage.Store, path storage.Path) bool {
	_, err := storage.ReadOne(ctx, store, path)
	return err == nil
}
