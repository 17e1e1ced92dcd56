package bundle

import (
	"os"

	"github.com/kmsguard/kmsguard/policyfile"
)

// VerifyFile reads the bundle archive at path (ReadArchive: with v, its
// signature must be valid for v's key) and checks it (Check).
func VerifyFile(path string, v *Verification) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, policyfile.OpenError(err)
	}
	defer func() { _ = f.Close() }() // read-only
	b, err := ReadArchive(f, v)
	if err != nil {
		return nil, err
	}
	return Check(b, v != nil)
}
