package report

import "testing"

func TestSnapshotSummary(t *testing.T) {
	tests := []struct {
		snap map[string]any
		want string
	}{
		{map[string]any{}, "0 keys, 0 principals"},
		{map[string]any{"keys": map[string]any{"a": 1, "b": 2}, "principals": map[string]any{"p": 1}, "errors": []any{}}, "2 keys, 1 principals"},
		{map[string]any{"keys": map[string]any{"a": 1}, "errors": []any{"x", "y"}}, `1 keys, 0 principals, 2 errors (listed in its "errors")`},
	}
	for _, tt := range tests {
		if got := SnapshotSummary(tt.snap); got != tt.want {
			t.Errorf("SnapshotSummary(%v) = %q, want %q", tt.snap, got, tt.want)
		}
	}
}
