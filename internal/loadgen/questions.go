// Package loadgen drives decision servers (kmsguard serve and stock OPA
// serving the kmsguard bundle) with decision questions over loopback HTTP,
// and measures throughput, latency, errors and memory. It also holds what
// the parity test and the load command share: the question set, building
// the binaries and starting servers.
package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/kmsguard/kmsguard/conformance"
)

// Seed is the seed of the generated questions.
const Seed uint64 = 0x6b6d73706172 // "kmspar"

// Questions returns every case question of dir/*.json (the decision tests,
// {"cases": [{"question": ...}]}) followed by n generated questions.
func Questions(dir string, n int, seed uint64) ([]map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no case files in %s", dir)
	}
	sort.Strings(files)
	var out []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Cases []struct {
				Question map[string]any `json:"question"`
			} `json:"cases"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, c := range doc.Cases {
			if c.Question != nil {
				out = append(out, c.Question)
			}
		}
	}
	return append(out, conformance.Generate(n, seed)...), nil
}

// Bodies encodes questions as data API request bodies, {"input": q}.
func Bodies(questions []map[string]any) ([][]byte, error) {
	out := make([][]byte, len(questions))
	for i, q := range questions {
		b, err := json.Marshal(map[string]any{"input": q})
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
