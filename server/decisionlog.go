package server

import (
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// masked replaces a context value matched by a --mask-context pattern.
const masked = "***"

// decisionLog writes one JSON line per data API answer: time, revision,
// path, input (context values masked), result and duration in seconds.
type decisionLog struct {
	mu    sync.Mutex
	w     io.Writer
	masks []string // lower-case glob patterns: '*' matches any text
}

type decisionEntry struct {
	Time     time.Time `json:"time"`
	Revision string    `json:"revision"`
	Path     string    `json:"path"`
	Input    any       `json:"input"`
	Result   any       `json:"result"`
	Duration float64   `json:"duration"`
}

func newDecisionLog(w io.Writer, masks []string) *decisionLog {
	if w == nil {
		return nil
	}
	lower := make([]string, len(masks))
	for i, m := range masks {
		lower[i] = strings.ToLower(m)
	}
	return &decisionLog{w: w, masks: lower}
}

// write logs one answer. A write error is returned for the access log; the
// answer itself has been given already.
func (l *decisionLog) write(start time.Time, revision, dataPath string, input ast.Value, result any) error {
	in, err := ast.JSON(input)
	if err != nil {
		return err
	}
	e := decisionEntry{
		Time:     start.UTC(),
		Revision: revision,
		Path:     dataPath,
		Input:    l.mask(in),
		Result:   result,
		Duration: time.Since(start).Seconds(),
	}
	line, err := json.Marshal(e)
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
// pattern (key names compare case-insensitively, as in IAM).
func (l *decisionLog) mask(in any) any {
	obj, ok := in.(map[string]any)
	if !ok || len(l.masks) == 0 {
		return in
	}
	ctx, ok := obj["context"].(map[string]any)
	if !ok {
		return in
	}
	out := make(map[string]any, len(ctx))
	for k, v := range ctx {
		if l.masked(k) {
			v = masked
		}
		out[k] = v
	}
	copied := make(map[string]any, len(obj))
	for k, v := range obj {
		copied[k] = v
	}
	copied["context"] = out
	return copied
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
