package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/question/opainput"
	"github.com/kmsguard/kmsguard/result"
)

// AnswerLine answers the question data on line line of a batch that the
// native engine did not answer (batch.Answerer), with the Rego. Errors name
// the line.
func (r *Runner) AnswerLine(ctx context.Context, line int, data []byte) *result.Answer {
	input, id, err := opainput.Decode(data)
	if err != nil {
		if id == "" {
			id = salvageID(data)
		}
		msg := question.Message(err, line)
		if !strings.HasPrefix(msg, "line ") {
			msg = fmt.Sprintf("line %d: %s", line, msg)
		}
		return &result.Answer{ID: id, Error: msg}
	}
	a := r.Decide(ctx, input)
	if a.ID == "" {
		a.ID = id
	}
	if a.Error != "" {
		// Each message names its line and, when it is about a part of the
		// question, the column that part starts at.
		parts := policyfile.MapMessages(a.Error, func(path []policyfile.Segment, msg string) (string, bool) {
			at, col, rest := policyfile.Locate("question.json", data, path)
			if at == 0 || len(rest) > 0 {
				return "", false // not in the question (a missing field)
			}
			return fmt.Sprintf("line %d, column %d: %s: %s", line+at-1, col, policyfile.JoinPath(path), msg), true
		})
		for i, p := range parts {
			if !strings.HasPrefix(p, "line ") {
				parts[i] = fmt.Sprintf("line %d: %s", line, p)
			}
		}
		a.Error = strings.Join(parts, "; ")
	}
	return a
}

// salvageID finds the "id" of a question that is not valid JSON, so that its
// error answer can still be joined to it: the string value of a top-level
// "id" key read before the syntax error, or "".
func salvageID(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	depth := 1
	wantKey := true
	for {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
			if depth == 0 {
				return ""
			}
			wantKey = depth == 1
			continue
		}
		if depth != 1 {
			continue
		}
		if wantKey {
			if t == "id" {
				v, err := dec.Token()
				if err != nil {
					return ""
				}
				s, _ := v.(string)
				return s
			}
			wantKey = false
		} else {
			wantKey = true
		}
	}
}
