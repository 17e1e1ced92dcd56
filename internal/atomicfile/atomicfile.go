// Package atomicfile replaces a file whole: a reader of its path sees the
// old file or the whole new one, never half of one.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kmsguard/kmsguard/policyfile"
)

// Write writes data to path through a synced temporary file in the same
// directory and a rename; the directory is synced after the rename. A
// failure leaves path untouched and removes the temporary file. Its errors
// name the file without the operation ("dir/x.json: permission denied").
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return policyfile.OpenError(err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return unwrapLink(err)
	}
	if d, derr := os.Open(dir); derr == nil {
		// Make the rename itself durable. Not every file system supports
		// syncing a directory; the data is already on disk either way.
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// unwrapLink drops the operation from a *LinkError.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Errorf("%s: %w", le.New, le.Err)
	}
	return err
}
