// Package snapshot reads kmsguard snapshot files (docs/snapshot-format.md):
// what kmsguard knows about AWS accounts (key policies, grants, identity
// policies, guardrails), put in the OPA store at data.kmsguard.snapshot so a
// question may carry only principal, action, resource and context.
//
// This package checks the file format only; what the documents mean is the
// Rego's business.
package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
)

// Format and Version are the only values of the "format" and "version"
// fields this reader accepts.
const (
	Format  = "kmsguard-snapshot"
	Version = 1
)

// orgID matches an AWS Organizations organization id.
var orgID = lazyregexp.New(`^o-[a-z0-9]{10,32}$`)

// fields are the top-level fields of a snapshot; any other is an error.
var fields = map[string]bool{
	"format": true, "version": true, "generated_at": true,
	"keys": true, "principals": true, "roles": true, "accounts": true, "errors": true,
}

// Files returns the snapshot files path names: path itself for a file, the
// *.json files in it (sorted, not recursive) for a directory.
func Files(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", policyfile.OpenError(err))
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	files, err := filepath.Glob(filepath.Join(path, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("snapshot: no snapshot files (*.json) in %s", path)
	}
	sort.Strings(files)
	return files, nil
}

// MaxFile is the size cap of one snapshot file (docs/snapshot-format.md): far more
// than the keys, grants and IAM of a large account take, and a bound on the
// memory decoding takes (several times the file).
const MaxFile = 256 << 20

// Load reads a snapshot file, or every *.json snapshot file of a directory
// merged into one snapshot.
func Load(path string) (map[string]any, error) {
	files, err := Files(path)
	if err != nil {
		return nil, err
	}
	snaps := make([]File, 0, len(files))
	for _, f := range files {
		data, _, err := policyfile.ReadFile(f, nil, MaxFile, "a snapshot file")
		if err != nil {
			return nil, fmt.Errorf("snapshot %w", err)
		}
		s, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", f, err)
		}
		snaps = append(snaps, File{Name: f, Snapshot: s})
	}
	return Merge(snaps)
}

// Parse decodes and checks one snapshot: its format and version, and the
// shape of its maps. Numbers stay exact (json.Number).
func Parse(data []byte) (map[string]any, error) {
	v, err := question.ParseJSON(data)
	if err != nil {
		return nil, err
	}
	s, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("a snapshot must be a JSON object")
	}
	for _, k := range sortedKeys(s) {
		if !fields[k] {
			return nil, fmt.Errorf("unknown field %q", k)
		}
	}
	if f, _ := s["format"].(string); f != Format {
		return nil, fmt.Errorf("format must be %q, not %s", Format, show(s["format"]))
	}
	if n, ok := s["version"].(json.Number); !ok || n.String() != fmt.Sprint(Version) {
		return nil, fmt.Errorf("version must be %d, not %s", Version, show(s["version"]))
	}
	for _, m := range []string{"keys", "principals", "accounts"} {
		obj, err := objectField(s, m)
		if err != nil {
			return nil, err
		}
		for _, k := range sortedKeys(obj) {
			if _, ok := obj[k].(map[string]any); !ok {
				return nil, fmt.Errorf("%s[%q] must be an object", m, k)
			}
		}
	}
	keys, _ := s["keys"].(map[string]any)
	for _, k := range sortedKeys(keys) {
		if err := tagsOneCase(keys[k].(map[string]any)["tags"]); err != nil {
			return nil, fmt.Errorf("keys[%q].tags: %w", k, err)
		}
	}
	accounts, _ := s["accounts"].(map[string]any)
	for _, k := range sortedKeys(accounts) {
		if org, ok := accounts[k].(map[string]any)["organization_id"]; ok && org != nil {
			if id, _ := org.(string); !orgID.MatchString(id) {
				return nil, fmt.Errorf("accounts[%q].organization_id must be an organization id (o- and 10 to 32 lower-case letters or digits) or null, not %s", k, show(org))
			}
		}
	}
	roles, err := objectField(s, "roles")
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(roles) {
		if _, ok := roles[k].(string); !ok {
			return nil, fmt.Errorf("roles[%q] must be a role ARN string", k)
		}
	}
	if e, ok := s["errors"]; ok {
		if _, ok := e.([]any); !ok {
			return nil, errors.New("errors must be a list")
		}
	}
	return s, nil
}

// tagsOneCase checks that no two of a key's tags (an object, when given)
// have names that differ only in case. KMS tag keys are case-sensitive, but
// a condition on aws:ResourceTag/<key> matches a tag of either case "but
// not both" (IAM): such a key has no defined value for it, and what the key
// allows cannot be decided.
func tagsOneCase(tags any) error {
	m, _ := tags.(map[string]any)
	seen := make(map[string]string, len(m))
	for _, t := range sortedKeys(m) {
		l := strings.ToLower(t)
		if first, twice := seen[l]; twice {
			return fmt.Errorf("%q and %q differ only in case (tag keys are case-insensitive in conditions: aws:ResourceTag/%s would match either)", first, t, t)
		}
		seen[l] = t
	}
	return nil
}

// File is one parsed snapshot and the name it was read from.
type File struct {
	Name     string
	Snapshot map[string]any
}

// Merge merges parsed snapshots into one. A key ARN or principal ARN in two
// files is an error naming both; a role or account given twice must be given
// identically. One file is returned as it is.
func Merge(files []File) (map[string]any, error) {
	if len(files) == 1 {
		return files[0].Snapshot, nil
	}
	out := map[string]any{"format": Format, "version": json.Number(fmt.Sprint(Version))}
	var errs []any
	for _, m := range []string{"keys", "principals", "roles", "accounts"} {
		merged := map[string]any{}
		from := map[string]string{}
		for _, f := range files {
			obj, _ := f.Snapshot[m].(map[string]any)
			for _, k := range sortedKeys(obj) {
				prev, dup := from[k]
				switch {
				case !dup:
					merged[k], from[k] = obj[k], f.Name
				case m == "keys" || m == "principals":
					return nil, fmt.Errorf("snapshot: %s %s is in both %s and %s", singular(m), k, prev, f.Name)
				case !reflect.DeepEqual(merged[k], obj[k]):
					return nil, fmt.Errorf("snapshot: %s %s differs between %s and %s", singular(m), k, prev, f.Name)
				}
			}
		}
		out[m] = merged
	}
	for _, f := range files {
		if e, ok := f.Snapshot["errors"].([]any); ok {
			errs = append(errs, e...)
		}
	}
	if errs == nil {
		errs = []any{}
	}
	out["errors"] = errs
	return out, nil
}

func singular(m string) string {
	switch m {
	case "keys":
		return "key"
	case "principals":
		return "principal"
	case "roles":
		return "role"
	}
	return "account"
}

func objectField(s map[string]any, name string) (map[string]any, error) {
	v, ok := s[name]
	if !ok {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s must be an object", name)
	}
	return obj, nil
}

func show(v any) string {
	if v == nil {
		return "missing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
