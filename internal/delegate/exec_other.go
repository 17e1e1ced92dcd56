//go:build !unix

package delegate

// execFull cannot replace the process here: delegate runs kmsguard-full as
// a child.
func execFull(string, []string, []string) error { return nil }
