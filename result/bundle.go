package result

// BundleSummary describes a checked bundle (bundle.Check; `kmsguard bundle
// build` and `kmsguard bundle verify` print it).
type BundleSummary struct {
	Revision    string                 `json:"revision"`
	Roots       []string               `json:"roots"`
	RegoVersion int                    `json:"rego_version"`
	Modules     int                    `json:"modules"`
	Entrypoints []string               `json:"entrypoints"`
	Signed      bool                   `json:"signed"`
	Verified    bool                   `json:"verified"`
	Snapshot    *BundleSnapshotSummary `json:"snapshot,omitempty"`
}

// BundleSnapshotSummary counts what a bundle's snapshot holds.
type BundleSnapshotSummary struct {
	Keys       int `json:"keys"`
	Principals int `json:"principals"`
	Accounts   int `json:"accounts"`
}
