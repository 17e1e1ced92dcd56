package engine

import (
	"reflect"
	"sort"

	"github.com/kmsguard/kmsguard/result"
)

// Diff is data.kmsguard.access.diff for {"old", "new", "principals"?}: the
// access (key x principal x action) the snapshot of engine newer adds,
// removes or changes against the one of older (rego/kmsguard/access/
// diff.rego). Only what can differ is analysed: when everything but the
// keys (principals, roles, accounts, and any other part) is the same in
// both snapshots, the keys whose entries are the same give the same access
// on both sides and are skipped.
// ok is false when either engine declines; keys counts the keys of both
// snapshots and those analysed.
func Diff(older, newer *Engine, extra []string) (out map[string]any, keys result.DiffKeys, ok bool) {
	defer func() { newer.count(ok) }()
	oa, na := older.analysis(), newer.analysis()
	if oa == nil || na == nil {
		return nil, keys, false
	}
	sameIAM := len(oa.raw) == len(na.raw)
	for f, v := range oa.raw {
		if w, has := na.raw[f]; f != "keys" && (!has || !reflect.DeepEqual(v, w)) {
			sameIAM = false
		}
	}
	oldKeys, newKeys := asMap(oa.raw["keys"]), asMap(na.raw["keys"])
	all := map[string]bool{}
	for k := range oldKeys {
		all[k] = true
	}
	for k := range newKeys {
		all[k] = true
	}
	var analysed []string
	for _, k := range sortedKeys(all) {
		o, inOld := oldKeys[k]
		n, inNew := newKeys[k]
		if sameIAM && inOld && inNew && reflect.DeepEqual(o, n) {
			continue
		}
		analysed = append(analysed, k)
	}
	keys = result.DiffKeys{Total: len(all), Analysed: len(analysed)}
	// The principals to analyse on each key: those either side names, and
	// the extra ones.
	names := map[string][]string{}
	for _, a := range []*analysis{oa, na} {
		for _, k := range analysed {
			if _, has := a.snap.keys[k]; !has {
				continue
			}
			kv, ok := a.keyView(k)
			if !ok {
				return nil, keys, false
			}
			names[k] = append(names[k], kv.named...)
		}
	}
	for _, k := range analysed {
		names[k] = append(names[k], extra...)
	}
	oldAccess, ok := oa.flatAccess(analysed, names)
	if !ok {
		return nil, keys, false
	}
	newAccess, ok := na.flatAccess(analysed, names)
	if !ok {
		return nil, keys, false
	}
	denied := map[string]any{"access": "denied", "terms": map[string]any{"paths": []any{}, "unless": []any{}}}
	rank := map[string]int{"denied": 0, "conditional": 1, "allowed": 2}
	change := func(id flatID, o, n map[string]any) any {
		return map[string]any{"key": id.key, "principal": id.principal, "action": id.action, "old": o, "new": n}
	}
	added, removed, changed := []any{}, []any{}, []any{}
	for _, id := range sortedIDs(newAccess) {
		n := newAccess[id]
		o, has := oldAccess[id]
		if !has {
			o = denied
		}
		if rank[n["access"].(string)] > rank[o["access"].(string)] {
			added = append(added, change(id, o, n))
		}
		if has && n["access"] == o["access"] && compareValues(n["terms"], o["terms"]) != 0 {
			changed = append(changed, change(id, o, n))
		}
	}
	for _, id := range sortedIDs(oldAccess) {
		o := oldAccess[id]
		n, has := newAccess[id]
		if !has {
			n = denied
		}
		if rank[n["access"].(string)] < rank[o["access"].(string)] {
			removed = append(removed, change(id, o, n))
		}
	}
	return map[string]any{"added": added, "removed": removed, "changed": changed}, keys, true
}

type flatID struct{ key, principal, action string }

func sortedIDs(m map[flatID]map[string]any) []flatID {
	ids := make([]flatID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		if a.key != b.key {
			return a.key < b.key
		}
		if a.principal != b.principal {
			return a.principal < b.principal
		}
		return a.action < b.action
	})
	return ids
}

// flatAccess is flat_access(names) for the given keys of the snapshot.
func (a *analysis) flatAccess(keys []string, names map[string][]string) (map[flatID]map[string]any, bool) {
	out := map[flatID]map[string]any{}
	for _, k := range keys {
		if _, has := a.snap.keys[k]; !has {
			continue
		}
		kv, ok := a.keyView(k)
		if !ok {
			return nil, false
		}
		rows, _, ok := a.keyRows(kv, names[k], a.keyActs)
		if !ok {
			return nil, false
		}
		for _, r := range rows {
			row := r.(map[string]any)
			p := row["principal"].(string)
			for _, g := range row["access"].([]any) {
				group := g.(map[string]any)
				side := map[string]any{"access": group["access"], "terms": terms(group)}
				for _, action := range group["actions"].([]any) {
					out[flatID{k, p, action.(string)}] = side
				}
			}
		}
	}
	return out, true
}

// terms is terms(g): per path the sorted condition and requirement texts,
// and the texts of the conditional denies, each as a sorted set.
func terms(g map[string]any) map[string]any {
	var paths [][]string
	for _, p := range g["paths"].([]any) {
		var texts []string
		for _, e := range p.([]any) {
			texts = append(texts, elementTexts(e.(map[string]any))...)
		}
		paths = append(paths, texts)
	}
	var unless [][]string
	for _, d := range g["unless"].([]any) {
		unless = append(unless, elementTexts(d.(map[string]any)))
	}
	return map[string]any{"paths": sortedSet(paths), "unless": sortedSet(unless)}
}

func elementTexts(e map[string]any) []string {
	if _, has := e["requires"]; has {
		return []string{e["text"].(string)}
	}
	var out []string
	for _, c := range e["conditions"].([]any) {
		out = append(out, c.(map[string]any)["text"].(string))
	}
	return out
}

// sortedSet sorts each list, and the lists without repeats, as a Rego
// sort of a set of sorted arrays.
func sortedSet(lists [][]string) []any {
	for _, l := range lists {
		sort.Strings(l)
	}
	sort.Slice(lists, func(i, j int) bool { return compareValues(lists[i], lists[j]) < 0 })
	out := []any{}
	for i, l := range lists {
		if i > 0 && compareValues(l, lists[i-1]) == 0 {
			continue
		}
		texts := make([]any, len(l))
		for j, t := range l {
			texts[j] = t
		}
		out = append(out, texts)
	}
	return out
}
