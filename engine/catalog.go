package engine

import (
	"encoding/json"
	"fmt"
	"io/fs"

	kmsrego "github.com/kmsguard/kmsguard/rego"
)

// catalogAction is one entry of data.kmsguard.catalog.actions.
type catalogAction struct {
	Name              string `json:"name"`
	Scope             string `json:"scope"`
	CrossAccount      bool   `json:"cross_account"`
	EncryptionContext bool   `json:"encryption_context"`
	GrantOperation    bool   `json:"grant_operation"`
}

// catalogData is the part of rego/kmsguard/catalog/data.json the engine
// reads: the AWS facts live there, never in Go.
type catalogData struct {
	Actions         map[string]*catalogAction      `json:"actions"`
	RequestDefaults map[string]map[string][]string `json:"request_defaults"`

	grantOperations map[string]bool // lower-cased names of grant operations
}

const catalogPath = "kmsguard/catalog/data.json"

func loadCatalog(fsys fs.FS) (*catalogData, error) {
	data, err := fs.ReadFile(fsys, catalogPath)
	if err != nil {
		return nil, fmt.Errorf("engine: reading the catalog: %w", err)
	}
	var c catalogData
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("engine: reading the catalog: %w", err)
	}
	if len(c.Actions) == 0 {
		return nil, fmt.Errorf("engine: the catalog has no actions")
	}
	c.grantOperations = map[string]bool{}
	for _, a := range c.Actions {
		if a.GrantOperation {
			c.grantOperations[lower(a.Name)] = true
		}
	}
	return &c, nil
}

func embeddedCatalog() (*catalogData, error) { return loadCatalog(kmsrego.FS) }
