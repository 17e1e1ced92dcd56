package server

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// masked replaces a context value matched by a --mask-context pattern.
const masked = "***"

// decisionLog records one entry per data API answer: to a file, as a JSON
// line (time, decision id, revision, path, input with masked values, result
// and duration in seconds), and to OPA's decision-log plugin when a
// configuration file enables it.
type decisionLog struct {
	mu     sync.Mutex
	w      io.Writer // nil: no file
	masks  []string  // lower-case glob patterns: '*' matches any text
	plugin pluginLogger
}

// pluginLogger hands an entry to OPA's decision-log plugin (opa.go).
type pluginLogger func(ctx context.Context, e *decisionEntry, input any) error

type decisionEntry struct {
	Time       time.Time `json:"time"`
	DecisionID string    `json:"decision_id"`
	Revision   string    `json:"revision"`
	Path       string    `json:"path"`
	Input      any       `json:"input"`
	Result     any       `json:"result"`
	Duration   float64   `json:"duration"`

	bundles map[string]string // revisions of the activated bundles (OPA's event)
	remote  string            // the client's address (OPA's requested_by)
}

func newDecisionLog(w io.Writer, masks []string, plugin pluginLogger) *decisionLog {
	if w == nil && plugin == nil {
		return nil
	}
	lower := make([]string, len(masks))
	for i, m := range masks {
		lower[i] = strings.ToLower(m)
	}
	return &decisionLog{w: w, masks: lower, plugin: plugin}
}

// write logs one answer. A write error is returned for the access log; the
// answer itself has been given already.
func (l *decisionLog) write(ctx context.Context, id, remote string, start time.Time, e *engine, dataPath string, input ast.Value, result any) error {
	in, err := ast.JSON(input)
	if err != nil {
		return err
	}
	entry := decisionEntry{
		Time:       start.UTC(),
		DecisionID: id,
		Revision:   e.revision,
		Path:       dataPath,
		Input:      l.mask(in),
		Result:     result,
		Duration:   time.Since(start).Seconds(),
		bundles:    e.bundles,
		remote:     remote,
	}
	if l.plugin != nil {
		if err := l.plugin(ctx, &entry, entry.Input); err != nil {
			return err
		}
	}
	if l.w == nil {
		return nil
	}
	line, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.w.Write(line)
	return err
}

// mask replaces the values of the input's context keys that match a mask
// pattern (key names compare case-insensitively, as in IAM), and the
// encryption-context values of its grants' constraints whose
// "kms:EncryptionContext:KEY" matches one. The input itself is not changed.
func (l *decisionLog) mask(in any) any {
	obj, ok := in.(map[string]any)
	if !ok || len(l.masks) == 0 {
		return in
	}
	copied := make(map[string]any, len(obj))
	for k, v := range obj {
		copied[k] = v
	}
	if ctx, ok := obj["context"].(map[string]any); ok {
		copied["context"] = l.maskKeys(ctx, "")
	}
	if grants, ok := obj["grants"].([]any); ok {
		out := make([]any, len(grants))
		for i, g := range grants {
			out[i] = l.maskGrant(g)
		}
		copied["grants"] = out
	}
	return copied
}

// maskGrant masks the encryption-context values of a grant's constraints.
func (l *decisionLog) maskGrant(g any) any {
	grant, ok := g.(map[string]any)
	if !ok {
		return g
	}
	cons, ok := grant["constraints"].(map[string]any)
	if !ok {
		return g
	}
	masked := make(map[string]any, len(cons))
	for k, v := range cons {
		if ec, ok := v.(map[string]any); ok && (k == "encryption_context_equals" || k == "encryption_context_subset") {
			v = l.maskKeys(ec, "kms:encryptioncontext:")
		}
		masked[k] = v
	}
	out := make(map[string]any, len(grant))
	for k, v := range grant {
		out[k] = v
	}
	out["constraints"] = masked
	return out
}

// maskKeys copies m with the values of keys (after prefix) matching a
// pattern replaced.
func (l *decisionLog) maskKeys(m map[string]any, prefix string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if l.masked(prefix + k) {
			v = masked
		}
		out[k] = v
	}
	return out
}

func (l *decisionLog) masked(key string) bool {
	key = strings.ToLower(key)
	for _, m := range l.masks {
		if globMatch(m, key) {
			return true
		}
	}
	return false
}

// globMatch matches name against a pattern in which '*' stands for any text
// (and every other character for itself).
func globMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}
