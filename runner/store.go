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
	return inmem.NewFromObject(data)
}
