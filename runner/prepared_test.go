package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/internal/loadgen"
)

// unpreparedRunner serves the snapshot with an empty data.kmsguard.prepared,
// so every question reads the stored documents afresh.
func unpreparedRunner(t testing.TB, snap map[string]any) *Runner {
	t.Helper()
	b, err := kbundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	b.Data = kbundle.WithSnapshot(b.Data, snap)
	b.Data["kmsguard"].(map[string]any)["prepared"] = map[string]any{}
	r, err := New(context.Background(), WithBundle(b))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Prepared entries only save work: a snapshot built from the decision cases
// and 2,000 generated questions gives every question the same answer with
// and without them, whether it leaves the policies to the snapshot or
// brings its own.
func TestPreparedSnapshotSameAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("answers thousands of questions twice")
	}
	questions, err := loadgen.Questions(decisionsDir, 1000, loadgen.Seed)
	if err != nil {
		t.Fatal(err)
	}
	snap, stripped := loadgen.Snapshot(questions)
	prepared, err := New(context.Background(), WithSnapshot(snap), WithPreparedSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	plain := unpreparedRunner(t, snap)
	ctx := context.Background()
	kinds := map[string]int{}
	for i, q := range append(stripped, questions[:500]...) {
		input, err := ast.InterfaceToValue(q)
		if err != nil {
			t.Fatal(err)
		}
		got, want := prepared.Decide(ctx, input), plain.Decide(ctx, input)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("question %d: with prepared entries %s, without %s", i, g, w)
		}
		if i < len(stripped) {
			if got.Error != "" {
				kinds["error"]++
			} else {
				kinds[got.Decision]++
			}
		}
	}
	t.Logf("%d snapshot questions: %v", len(stripped), kinds)
	if kinds["Allowed"] < 50 || kinds["ImplicitlyDenied"] < 50 || kinds["ExplicitlyDenied"] < 10 {
		t.Errorf("the snapshot questions test too little: %v", kinds)
	}
}

// prepareSnapshot stores an entry for every stored key policy and
// principal, and leaves data that has entries already as it is.
func TestPrepareSnapshotStoresEntries(t *testing.T) {
	ctx := context.Background()
	b, err := kbundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := snapshotQuestion()
	st, err := compileRego(ctx, options{bundle: b, snapshot: snap, prepare: true})
	if err != nil {
		t.Fatal(err)
	}
	store := st.store
	got, err := storage.ReadOne(ctx, store, preparedPath)
	if err != nil {
		t.Fatal(err)
	}
	prepared := got.(ast.Object)
	for _, path := range [][]string{{"keys", benchKey, "key_policy", "statements"}, {"principals", "arn:aws:iam::111122223333:role/App", "identity_policies"}} {
		terms := make([]*ast.Term, len(path))
		for i, p := range path {
			terms[i] = ast.StringTerm(p)
		}
		if v, err := prepared.Find(terms); err != nil || v == nil {
			t.Errorf("no prepared entry at %v (%v)", path, err)
		}
	}

	root := maps.Clone(b.Data[kbundle.Root].(map[string]any))
	root["snapshot"], root["prepared"] = snap, map[string]any{"marker": true}
	marked := *b
	marked.Data = map[string]any{kbundle.Root: root}
	if st, err = compileRego(ctx, options{bundle: &marked, prepare: true}); err != nil {
		t.Fatal(err)
	}
	store = st.store
	if got, err := storage.ReadOne(ctx, store, preparedPath); err != nil || got.(ast.Object).Get(ast.StringTerm("marker")) == nil {
		t.Errorf("existing prepared entries replaced: %v (%v)", got, err)
	}
}

// BuildBundle puts the prepared entries of the snapshot's documents in the
// bundle: the same entries a runner prepares for that snapshot.
func TestBuildBundlePrepares(t *testing.T) {
	ctx := context.Background()
	snap, _ := snapshotQuestion()
	var buf bytes.Buffer
	if err := BuildBundle(ctx, &buf, kbundle.BuildOptions{Snapshot: snap}); err != nil {
		t.Fatal(err)
	}
	b, err := kbundle.ReadArchive(bytes.NewReader(buf.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := b.Data[kbundle.Root].(map[string]any)["prepared"].(map[string]any)
	st, err := compileRego(ctx, options{snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.preparedEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if got["keys"] == nil || string(gotJSON) != string(wantJSON) {
		t.Errorf("the bundle's prepared entries (%d bytes) are not the runner's (%d bytes)", len(gotJSON), len(wantJSON))
	}
}
