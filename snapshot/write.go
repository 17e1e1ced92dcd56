package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/kmsguard/kmsguard/internal/atomicfile"
)

// New returns an empty snapshot taken at t: every map present and empty, no
// errors.
func New(t time.Time) map[string]any {
	return map[string]any{
		"format":       Format,
		"version":      json.Number(fmt.Sprint(Version)),
		"generated_at": t.UTC().Format(time.RFC3339),
		"keys":         map[string]any{},
		"principals":   map[string]any{},
		"roles":        map[string]any{},
		"accounts":     map[string]any{},
		"errors":       []any{},
	}
}

// Encode renders a snapshot as indented JSON (object keys sorted, so the same
// snapshot always gives the same bytes) and checks that Parse accepts it.
func Encode(s map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if _, err := Parse(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("snapshot: refusing to write an invalid snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Write writes a snapshot to path atomically: the JSON goes to a temporary
// file in the same directory, is synced to disk, and is renamed over path, so
// a reader sees the old file or the whole new one, never half of one. A
// failure leaves path untouched and removes the temporary file.
func Write(path string, s map[string]any) error {
	data, err := Encode(s)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data, 0o644)
}

// WriteFileAtomic writes data to path through a synced temporary file in the
// same directory and a rename (atomicfile.Write); its errors start
// "snapshot: ".
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.Write(path, data, perm); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// AddError appends an entry to the snapshot's errors: {"arn": ..., "error":
// ...} when arn is not empty, else {"call": ..., "error": ...}.
func AddError(s map[string]any, arn, call, msg string) {
	e := map[string]any{"error": msg}
	if arn != "" {
		e["arn"] = arn
	}
	if call != "" {
		e["call"] = call
	}
	errs, _ := s["errors"].([]any)
	s["errors"] = append(errs, e)
}

// Section returns the snapshot's map field name ("keys", "principals",
// "roles", "accounts"), creating it when absent.
func Section(s map[string]any, name string) map[string]any {
	m, ok := s[name].(map[string]any)
	if !ok {
		m = map[string]any{}
		s[name] = m
	}
	return m
}
