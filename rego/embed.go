// Package rego embeds kmsguard's Rego modules and data. The directory is at
// the same time a stock OPA bundle root: `opa test rego/`, `opa run --bundle
// rego/` and conftest read it unchanged. This file holds no policy logic.
package rego

import "embed"

// FS holds the bundle: the .manifest, every Rego module (tests included;
// loaders skip them where appropriate) and data files under kmsguard/.
//
//go:embed .manifest kmsguard
var FS embed.FS
