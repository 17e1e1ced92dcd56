package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kmsguard/kmsguard/internal/gen"
)

var (
	fuzzOnce   sync.Once
	fuzzDiffer *differ
)

// FuzzDifferential mutates questions and requires the native engine and
// the Rego to give the same bytes (decision and explanation) on every
// question the engine answers; the engine must decline a question the
// decoder rejects.
func FuzzDifferential(f *testing.F) {
	for _, q := range gen.Generate(40, 7) {
		b, err := json.Marshal(q)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	files, _ := filepath.Glob("../testdata/decisions/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var doc struct {
			Cases []struct {
				Question json.RawMessage `json:"question"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			f.Fatal(err)
		}
		for i, c := range doc.Cases {
			if i%5 == 0 {
				f.Add([]byte(c.Question))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOnce.Do(func() { fuzzDiffer = newDiffer(t) })
		if diff := fuzzDiffer.check(data, true); diff != "" {
			t.Fatalf("%s\n question: %s", diff, data)
		}
	})
}
