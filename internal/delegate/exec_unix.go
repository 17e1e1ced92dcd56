//go:build unix

package delegate

import "syscall"

// execFull replaces this process with kmsguard-full; it returns only on
// failure.
func execFull(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}
