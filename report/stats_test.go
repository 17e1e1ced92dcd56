package report

import (
	"bytes"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

func TestStatsLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer)
		want  string
	}{
		{"eval, Rego compiled", func(b *bytes.Buffer) { WriteEvalStats(b, 3, 1, true) },
			"kmsguard eval: 3 answered by the native engine, 1 by the Rego (fallbacks); the Rego compiled\n"},
		{"eval, Rego never needed", func(b *bytes.Buffer) { WriteEvalStats(b, 2, 0, false) },
			"kmsguard eval: 2 answered by the native engine, 0 by the Rego (fallbacks); the Rego not compiled\n"},
		{"who-can", func(b *bytes.Buffer) { WriteWhoCanStats(b, 1, 0) },
			"kmsguard who-can: 1 answered by the native analysis, 0 by the Rego (fallbacks)\n"},
		{"diff, native, one key", func(b *bytes.Buffer) {
			WriteDiffStats(b, result.DiffStats{Native: true, Keys: result.DiffKeys{Analysed: 1, Total: 1}})
		}, "kmsguard diff: answered by the native analysis: 1 of 1 key analysed (the others are the same in both snapshots); 0 fallbacks to the Rego\n"},
		{"diff, native, keys", func(b *bytes.Buffer) {
			WriteDiffStats(b, result.DiffStats{Native: true, Keys: result.DiffKeys{Analysed: 1, Total: 2000}})
		}, "kmsguard diff: answered by the native analysis: 1 of 2000 keys analysed (the others are the same in both snapshots); 0 fallbacks to the Rego\n"},
		{"diff, Rego", func(b *bytes.Buffer) { WriteDiffStats(b, result.DiffStats{}) },
			"kmsguard diff: answered by the Rego (1 fallback): every key analysed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.write(&b)
			if b.String() != tc.want {
				t.Errorf("got %q\nwant %q", b.String(), tc.want)
			}
		})
	}
}
