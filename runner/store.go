package runner

import (
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// inmemStore keeps the bundle's data (the KMS action catalogue and other
// reference tables) in OPA's store, so it is loaded once, not per request.
func inmemStore(data map[string]any) storage.Store {
	if data == nil {
		data = map[string]any{}
	}
	return inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
}

// withSnapshot returns bundle data with the snapshot at kmsguard/snapshot,
// leaving the bundle's own data untouched.
func withSnapshot(data, snapshot map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	root, _ := out["kmsguard"].(map[string]any)
	merged := make(map[string]any, len(root)+1)
	for k, v := range root {
		merged[k] = v
	}
	merged["snapshot"] = snapshot
	out["kmsguard"] = merged
	return out
}
