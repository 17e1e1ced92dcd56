package report

import "fmt"

// SnapshotSummary counts what a snapshot holds: "3 keys, 5 principals, 1
// errors (listed in its "errors")".
func SnapshotSummary(s map[string]any) string {
	count := func(name string) int {
		switch v := s[name].(type) {
		case map[string]any:
			return len(v)
		case []any:
			return len(v)
		}
		return 0
	}
	text := fmt.Sprintf("%d keys, %d principals", count("keys"), count("principals"))
	if n := count("errors"); n > 0 {
		text += fmt.Sprintf(", %d errors (listed in its \"errors\")", n)
	}
	return text
}
