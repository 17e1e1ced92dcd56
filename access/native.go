package access

import (
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// Reading the native analysis's answers (JSON values as the Rego gives
// them, engine/access.go) into the report types without a round trip
// through JSON text: at account scale the round trip cost more than the
// analysis. Principals of one class share their access list; it is read
// once.

type reader struct {
	groups map[*any][]result.Access // by the first element of a shared access list
}

func newReader() *reader { return &reader{groups: map[*any][]result.Access{}} }

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = str(x)
	}
	return out
}

func intPtr(v any) *int {
	n, ok := v.(int)
	if !ok {
		return nil
	}
	return &n
}

func (rd *reader) keyReport(v map[string]any) *result.KeyReport {
	rep := &result.KeyReport{Key: str(v["key"]), Actions: strs(v["actions"]), Unparsed: strs(v["unparsed_principals"])}
	rows, _ := v["principals"].([]any)
	rep.Principals = make([]result.PrincipalAccess, len(rows))
	for i, x := range rows {
		r, _ := x.(map[string]any)
		external, _ := r["external"].(bool)
		inSnapshot, _ := r["in_snapshot"].(bool)
		rep.Principals[i] = result.PrincipalAccess{Principal: str(r["principal"]), Type: str(r["type"]), External: external,
			InSnapshot: inSnapshot, EvaluatedAs: str(r["evaluated_as"]), Access: rd.accesses(r["access"])}
	}
	return rep
}

func (rd *reader) principalReport(v map[string]any) *result.PrincipalReport {
	inSnapshot, _ := v["in_snapshot"].(bool)
	rep := &result.PrincipalReport{Principal: str(v["principal"]), Actions: strs(v["actions"]), Type: str(v["type"]), InSnapshot: inSnapshot}
	keys, _ := v["keys"].([]any)
	rep.Keys = make([]result.KeyAccess, len(keys))
	for i, x := range keys {
		k, _ := x.(map[string]any)
		external, _ := k["external"].(bool)
		rep.Keys[i] = result.KeyAccess{Key: str(k["key"]), External: external, Access: rd.accesses(k["access"])}
	}
	return rep
}

func (rd *reader) accesses(v any) []result.Access {
	list, _ := v.([]any)
	if len(list) == 0 {
		return []result.Access{}
	}
	if out, ok := rd.groups[&list[0]]; ok {
		return out
	}
	out := make([]result.Access, len(list))
	for i, x := range list {
		g, _ := x.(map[string]any)
		a := result.Access{Actions: strs(g["actions"]), Access: str(g["access"])}
		paths, _ := g["paths"].([]any)
		a.Paths = make([][]result.Element, len(paths))
		for j, p := range paths {
			a.Paths[j] = rd.elements(p)
		}
		a.Unless = rd.elements(g["unless"])
		if ec, ok := g["example_context"].(map[string]any); ok {
			a.ExampleContext = ec
		}
		out[i] = a
	}
	rd.groups[&list[0]] = out
	return out
}

func (rd *reader) elements(v any) []result.Element {
	list, _ := v.([]any)
	out := make([]result.Element, len(list))
	for i, x := range list {
		e, _ := x.(map[string]any)
		el := result.Element{Requires: str(e["requires"]), Text: str(e["text"])}
		if r, ok := e["reason"].(map[string]any); ok {
			el.Reason = &runner.Reason{Policy: str(r["policy"]), Level: intPtr(r["level"]), Index: intPtr(r["index"]),
				Statement: intPtr(r["statement"]), Sid: str(r["sid"]), Effect: str(r["effect"]), GrantID: str(r["grant_id"])}
		}
		if cs, ok := e["conditions"].([]any); ok && len(cs) > 0 {
			el.Conditions = make([]result.Condition, len(cs))
			for j, c := range cs {
				m, _ := c.(map[string]any)
				el.Conditions[j] = result.Condition{Operator: str(m["operator"]), Key: str(m["key"]), Values: m["values"],
					Source: str(m["source"]), Text: str(m["text"])}
			}
		}
		out[i] = el
	}
	return out
}
