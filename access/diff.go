package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// Diff compares two snapshots. extra names further principals to analyse
// on every key.
func Diff(ctx context.Context, ev Evaluator, old, new map[string]any, extra []string) (*result.DiffReport, error) {
	in := map[string]any{"old": old, "new": new}
	addPrincipals(in, extra)
	var out result.DiffReport
	answered, err := diffNative(ev, old, new, extra, &out)
	if err != nil {
		return nil, err
	}
	out.Stats.Native = answered
	if !answered {
		if err := eval(ctx, ev, runner.DiffQuery, in, &out); err != nil {
			return nil, err
		}
	}
	// Either engine lists the changes by key, principal and action.
	return &out, nil
}

// addPrincipals puts the further principals to analyse, if any, in the
// input of an access entry point (its "principals" list).
func addPrincipals(in map[string]any, extra []string) {
	if len(extra) == 0 {
		return
	}
	list := make([]any, len(extra))
	for i, p := range extra {
		list[i] = p
	}
	in["principals"] = list
}

// diffNative compares the snapshots with the native analysis when ev has
// the native engine; answered is false when it has none or the engine
// declines.
func diffNative(ev Evaluator, old, new map[string]any, extra []string, out *result.DiffReport) (answered bool, err error) {
	if native(ev) == nil {
		return false, nil
	}
	v, keys, ok, err := NativeDiff(old, new, extra)
	if err != nil || !ok {
		return false, err
	}
	out.Stats.Keys = keys
	return true, decode(runner.DiffQuery, v, out)
}

// NativeDiff compares two snapshots with the native analysis alone
// (engine.Diff on an engine for each, byte-identical to the Rego's diff
// entry point); ok is false when the engine declines, and err says why a
// snapshot could not be loaded into an engine. keys counts the keys it
// analysed.
func NativeDiff(old, new map[string]any, extra []string) (v map[string]any, keys result.DiffKeys, ok bool, err error) {
	older, err := engine.New(engine.WithSnapshot(old))
	if err != nil {
		return nil, keys, false, err
	}
	newer, err := engine.New(engine.WithSnapshot(new))
	if err != nil {
		return nil, keys, false, err
	}
	v, keys, ok = engine.Diff(older, newer, extra)
	return v, keys, ok, nil
}

// ---- --allow PRINCIPAL:ACTION -------------------------------------------------

// Allow is an expected addition: a principal pattern and an action pattern,
// where * matches any run of characters and ? one character.
type Allow struct {
	Text      string
	principal *regexp.Regexp
	action    *regexp.Regexp
}

// ParseAllow reads PRINCIPAL:ACTION. The action is the part from the last
// ":kms:" (or a final ":*"), since principal ARNs hold colons themselves:
// arn:aws:iam::111122223333:role/App:kms:Decrypt, *:kms:Describe*, 444455556666:*.
func ParseAllow(s string) (Allow, error) {
	var p, a string
	if i := strings.LastIndex(strings.ToLower(s), ":kms:"); i >= 0 {
		p, a = s[:i], s[i+1:]
	} else if strings.HasSuffix(s, ":*") {
		p, a = strings.TrimSuffix(s, ":*"), "*"
	}
	if p == "" || a == "" {
		return Allow{}, fmt.Errorf("--allow %q: expected PRINCIPAL:ACTION, for example arn:aws:iam::111122223333:role/App:kms:Decrypt or '*:kms:Describe*'", s)
	}
	return Allow{Text: s, principal: wildcard(p, false), action: wildcard(a, true)}, nil
}

func wildcard(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// Matches reports whether the pattern covers principal and action. An
// account id pattern also covers the account's root ARN.
func (a Allow) Matches(principal, action string) bool {
	if !a.action.MatchString(action) {
		return false
	}
	if a.principal.MatchString(principal) {
		return true
	}
	parts := strings.Split(principal, ":")
	return len(parts) == 6 && parts[5] == "root" && a.principal.MatchString(parts[4])
}

// MarkExpected sets Expected on the additions and changes of d an allow
// pattern covers.
func MarkExpected(d *result.DiffReport, allows []Allow) {
	for _, list := range [][]result.Change{d.Added, d.Changed} {
		for i := range list {
			for _, a := range allows {
				if a.Matches(list[i].Principal, list[i].Action) {
					list[i].Expected = a.Text
					break
				}
			}
		}
	}
}

// ---- two key policies -----------------------------------------------------------

// DiffKeyID is the key id of the key two key policies are compared on when
// no key ARN is given.
const DiffKeyID = "kmsguard-diff"

// PolicySnapshots puts two key policies on the same key in two snapshots
// without principals, so that Diff compares them. key may be "": the key is
// then key kmsguard-diff of the account the policies name, in the aws
// partition's default Region (catalog.partitions) (see PolicyAccount).
func PolicySnapshots(old, new any, key string) (oldSnap, newSnap map[string]any, keyARN string, err error) {
	if key == "" {
		account, err := PolicyAccount(old, new)
		if err != nil {
			return nil, nil, "", err
		}
		var ok bool
		if key, ok = engine.DefaultRegionKeyARN("aws", account, DiffKeyID); !ok {
			return nil, nil, "", errors.New("the catalog has no default Region for the aws partition")
		}
	}
	mk := func(doc any) map[string]any {
		s := map[string]any{
			"format": snapshot.Format, "version": json.Number(fmt.Sprint(snapshot.Version)),
			"keys":       map[string]any{key: map[string]any{"key_policy": doc}},
			"principals": map[string]any{}, "roles": map[string]any{}, "accounts": map[string]any{}, "errors": []any{},
		}
		return s
	}
	return mk(old), mk(new), key, nil
}

var accountRoot = lazyregexp.New(`^(arn:[a-z-]+:iam::([0-9]{12}):root|([0-9]{12}))$`)
var iamARN = lazyregexp.New(`^arn:[a-z-]+:(iam|sts)::([0-9]{12}):`)

// PolicyAccount guesses the key's account from key policies: the account
// whose root the first "Allow ... kms:*"-style statement names, else the
// first account principal, else the account of the first IAM ARN.
func PolicyAccount(docs ...any) (string, error) {
	var roots, others []string
	for _, doc := range docs {
		for _, v := range principalValues(doc) {
			if m := accountRoot.FindStringSubmatch(v); m != nil {
				roots = append(roots, m[2]+m[3])
			} else if m := iamARN.FindStringSubmatch(v); m != nil {
				others = append(others, m[2])
			}
		}
	}
	switch {
	case len(roots) > 0:
		return roots[0], nil
	case len(others) > 0:
		return others[0], nil
	}
	return "", errors.New("cannot tell the key's account from the key policies (they name no account or IAM principal): give --key ARN")
}

// principalValues lists the AWS principal values of a policy's statements.
func principalValues(doc any) []string {
	d, _ := doc.(map[string]any)
	var stmts []any
	switch s := d["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	var out []string
	for _, s := range stmts {
		st, _ := s.(map[string]any)
		p, _ := st["Principal"].(map[string]any)
		switch v := p["AWS"].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
