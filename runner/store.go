package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/internal/atomicfile"
	"github.com/kmsguard/kmsguard/snapshot"
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

// PrepareQuery computes the prepared entries of a snapshot's policy
// documents (rego/kmsguard/authz/prepared.rego), kept at kmsguard/prepared.
const PrepareQuery = "data.kmsguard.authz.prepare"

// prepareSnapshot stores the prepared entries of a stored snapshot's policy
// documents at data.kmsguard.prepared (preparedEntries). Data that already
// has them (a bundle built by `kmsguard bundle build`), or no snapshot, is
// left as it is.
func (st *regoState) prepareSnapshot(ctx context.Context) error {
	if !exists(ctx, st.store, snapshotPath) || exists(ctx, st.store, preparedPath) {
		return nil
	}
	prepared, err := st.preparedEntries(ctx)
	if err != nil {
		return err
	}
	return storage.WriteOne(ctx, st.store, storage.AddOp, preparedPath, prepared)
}

// preparedEntries reads every policy document of the stored snapshot once,
// in Rego (PrepareQuery), and returns the entries to keep at
// data.kmsguard.prepared: questions answered from the snapshot then skip
// re-validating and re-normalising the same documents. The answers are the
// same with or without them.
func (st *regoState) preparedEntries(ctx context.Context) (any, error) {
	pq, ok := st.entrypoints[PrepareQuery]
	if !ok {
		return nil, fmt.Errorf("preparing the snapshot's policies: %s: %w", PrepareQuery, ErrUnknownEntrypoint)
	}
	v, defined, err := st.evalQuery(ctx, pq, nil)
	if err != nil {
		return nil, fmt.Errorf("preparing the snapshot's policies: %w", err)
	}
	if !defined {
		return nil, fmt.Errorf("preparing the snapshot's policies: %s is undefined", PrepareQuery)
	}
	return v, nil
}

// BuildBundle is kbundle.Build with the prepared entries of the snapshot's
// policy documents (preparedEntries) in the bundle, so every OPA serving
// it reads each stored document once, not per question.
func BuildBundle(ctx context.Context, w io.Writer, opts kbundle.BuildOptions) error {
	if opts.Snapshot != nil {
		b, err := kbundle.Load()
		if err != nil {
			return err
		}
		st, err := compileRego(ctx, options{bundle: b, snapshot: opts.Snapshot})
		if err != nil {
			return err
		}
		if opts.Prepared, err = st.preparedEntries(ctx); err != nil {
			return err
		}
	}
	return kbundle.Build(w, opts)
}

func exists(ctx context.Context, store storage.Store, path storage.Path) bool {
	_, err := storage.ReadOne(ctx, store, path)
	return err == nil
}

// BuildBundleFile builds the bundle (BuildBundle) with the snapshot file or
// directory data ("" for none), reads it back and checks it (kbundle.Check),
// and writes it to path, replaced whole (atomicfile.Write). It returns the
// bundle's size in bytes and its summary.
func BuildBundleFile(ctx context.Context, path, data string, opts kbundle.BuildOptions) (int, *kbundle.Summary, error) {
	if data != "" {
		snap, err := snapshot.Load(data)
		if err != nil {
			return 0, nil, err
		}
		opts.Snapshot = snap
	}
	var buf bytes.Buffer
	if err := BuildBundle(ctx, &buf, opts); err != nil {
		return 0, nil, err
	}
	b, err := kbundle.ReadArchive(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		return 0, nil, err
	}
	sum, err := kbundle.Check(b, false)
	if err != nil {
		return 0, nil, err
	}
	if err := atomicfile.Write(path, buf.Bytes(), 0o644); err != nil {
		return 0, nil, err
	}
	return buf.Len(), sum, nil
}
