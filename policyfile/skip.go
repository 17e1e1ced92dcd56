package policyfile

import (
	"fmt"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
)

// InlineSkip suppresses a rule for one resource, written in the template
// next to the policy:
//
//	AppKey:
//	  Type: AWS::KMS::Key
//	  Metadata:
//	    kmsguard:
//	      skip:
//	        - id: KMS006
//	          reason: the admin role is break-glass only
type InlineSkip struct {
	ID     string
	Reason string
	// Line is the line of the skip entry, 0 when unknown.
	Line int
}

var ruleID = lazyregexp.New(`^KMS[0-9]{3}$`)

// inlineSkips reads Metadata.kmsguard.skip of a resource. Like a
// suppression in the configuration, every entry names a rule id and gives
// a non-empty reason; anything else under Metadata.kmsguard is an error
// rather than a suppression silently ignored.
func inlineSkips(name string, metadata any, pos positions, ptr, where string) ([]InlineSkip, error) {
	fail := func(format string, args ...any) error {
		return &Error{File: name, Line: pos.line(ptr), Msg: fmt.Sprintf(format, args...)}
	}
	md, _ := metadata.(map[string]any)
	raw, ok := md["kmsguard"]
	if !ok {
		return nil, nil
	}
	kg, ok := raw.(map[string]any)
	if !ok {
		return nil, fail("%s.kmsguard: expected an object with skip, not %s", where, KindOf(raw))
	}
	for k := range kg {
		if k != "skip" {
			return nil, fail("%s.kmsguard: unknown key %q (expected skip)", where, k)
		}
	}
	list, ok := kg["skip"].([]any)
	if !ok {
		return nil, fail("%s.kmsguard.skip: expected a list of {id, reason}, not %s", where, KindOf(kg["skip"]))
	}
	lptr := pointer(pointer(ptr, "kmsguard"), "skip")
	out := make([]InlineSkip, 0, len(list))
	for i, e := range list {
		at := fmt.Sprintf("%s.kmsguard.skip[%d]", where, i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fail("%s: expected {id, reason}, not %s", at, KindOf(e))
		}
		for k := range m {
			if k != "id" && k != "reason" {
				return nil, fail("%s: unknown key %q (expected id and reason)", at, k)
			}
		}
		id, _ := m["id"].(string)
		reason, _ := m["reason"].(string)
		if !ruleID.MatchString(id) {
			return nil, fail("%s: id must be a rule id such as KMS006, not %v", at, m["id"])
		}
		if reason == "" {
			return nil, fail("%s: a skip needs a reason", at)
		}
		out = append(out, InlineSkip{ID: id, Reason: reason, Line: pos.line(index(lptr, i))})
	}
	return out, nil
}
