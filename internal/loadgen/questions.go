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
	"strings"

	"github.com/kmsguard/kmsguard/internal/gen"
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
	return append(out, gen.Generate(n, seed)...), nil
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

// Snapshot builds a snapshot (docs/snapshot-format.md) from the questions'
// own policies (the first question naming a key, a principal or an account
// gives its entry) and returns it with the questions cut down to principal,
// action, resource and context.
func Snapshot(qs []map[string]any) (map[string]any, []map[string]any) {
	keys, principals, roles, accounts := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	var stripped []map[string]any
	for _, q := range qs {
		res, _ := q["resource"].(string)
		p, _ := q["principal"].(string)
		if res == "" || p == "" {
			continue
		}
		if _, seen := keys[res]; !seen && q["key_policy"] != nil {
			keys[res] = pick(q, "key_policy", "grants", "key")
		}
		holder := p
		if ra, ok := q["role_arn"].(string); ok {
			holder = ra
			if parts := strings.Split(p, ":"); len(parts) == 6 {
				if seg := strings.Split(parts[5], "/"); len(seg) == 3 && seg[0] == "assumed-role" {
					roles[parts[4]+":"+seg[1]] = ra
				}
			}
		}
		if strings.Contains(holder, ":user/") || strings.Contains(holder, ":role/") {
			if _, seen := principals[holder]; !seen {
				principals[holder] = pick(q, "identity_policies", "permissions_boundary")
			}
		}
		if acct := account(p); acct != "" && q["scps"] != nil {
			if _, seen := accounts[acct]; !seen {
				accounts[acct] = map[string]any{"scps": q["scps"]}
			}
		}
		s := pick(q, "id", "principal", "action", "resource", "context", "request_time")
		if _, has := s["request_time"]; !has && !givesTime(s) {
			// The stored policies may test the request time: give one, so
			// that no answer depends on the clock.
			s["request_time"] = StrippedRequestTime
		}
		stripped = append(stripped, s)
	}
	return map[string]any{
		"format": "kmsguard-snapshot", "version": 1,
		"keys": keys, "principals": principals, "roles": roles, "accounts": accounts, "errors": []any{},
	}, stripped
}

// StrippedRequestTime is the request_time of a stripped question that has
// none and whose context gives no time.
const StrippedRequestTime = "2026-01-10T08:30:00Z"

// givesTime reports whether the question's context gives aws:CurrentTime
// or aws:EpochTime.
func givesTime(q map[string]any) bool {
	ctx, _ := q["context"].(map[string]any)
	for k := range ctx {
		if l := strings.ToLower(k); l == "aws:currenttime" || l == "aws:epochtime" {
			return true
		}
	}
	return false
}

func pick(q map[string]any, fields ...string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := q[f]; ok {
			out[f] = v
		}
	}
	return out
}

func account(principal string) string {
	if len(principal) == 12 && strings.Trim(principal, "0123456789") == "" {
		return principal
	}
	if parts := strings.Split(principal, ":"); len(parts) == 6 && (parts[2] == "iam" || parts[2] == "sts") {
		return parts[4]
	}
	return ""
}
