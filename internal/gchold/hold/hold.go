// Package hold holds the garbage collector off (gchold.Hold) from its
// initialisation until gchold.Release. Only the kmsguard command imports
// it.
package hold

import "github.com/kmsguard/kmsguard/internal/gchold"

func init() { gchold.Hold() }
