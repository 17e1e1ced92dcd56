package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// The questions of `kmsguard who-can` and `kmsguard diff` as their flags
// give them: files to read, and what to ask of them. Run reads the files,
// builds the evaluator and answers; every error is in the user's input
// (a file, a flag, a question the analysis rejects) or in loading the
// policy engine.

// WhoCanRequest asks who can use a key (Key) or what a principal can use
// (Principal), for one action or every key action (Action ""), of the keys
// of a snapshot file or directory (Snapshot) or of one key policy file
// (KeyPolicy). With KeyPolicy and no Key, the key is the catalog's example
// key of the account the policy names.
type WhoCanRequest struct {
	Snapshot  string
	KeyPolicy string
	Key       string
	Principal string
	Action    string
}

// WhoCanAnswer is the answer to a WhoCanRequest: Key for a key, Principal
// for a principal.
type WhoCanAnswer struct {
	Key       *result.KeyReport
	Principal *result.PrincipalReport
	// Stats counts the questions the native analysis answered and those it
	// declined (the Rego answered them).
	Stats engine.Stats
}

// Run answers the request.
func (q WhoCanRequest) Run(ctx context.Context) (*WhoCanAnswer, error) {
	if q.Key != "" && q.Principal != "" {
		return nil, errOneOf
	}
	var snap map[string]any
	var keyPolicy *policySide
	if q.KeyPolicy != "" {
		side, err := readPolicy(q.KeyPolicy)
		if err != nil {
			return nil, err
		}
		keyPolicy = side
		key := q.Key
		if key == "" {
			account, err := PolicyAccount(side.doc)
			if err != nil {
				// A policy AWS would reject names no account: say what is wrong with it.
				if r, rerr := runner.NewLazy(ctx); rerr == nil {
					if cerr := side.check(ctx, r); cerr != nil {
						return nil, cerr
					}
				}
				return nil, err
			}
			key, _ = engine.ExampleKeyARN("aws", account)
		}
		if snap, _, key, err = PolicySnapshots(side.doc, side.doc, key); err != nil {
			return nil, err
		}
		if q.Principal == "" {
			q.Key = key
		}
	}
	if (q.Key == "") == (q.Principal == "") {
		return nil, errOneOf
	}
	if snap == nil {
		var err error
		if snap, err = snapshot.Load(q.Snapshot); err != nil {
			return nil, err
		}
	}
	r, err := runner.NewLazy(ctx, runner.WithSnapshot(snap))
	if err != nil {
		return nil, err
	}
	if keyPolicy != nil {
		if err := keyPolicy.check(ctx, r); err != nil {
			return nil, err
		}
	}
	var a WhoCanAnswer
	if q.Key != "" {
		a.Key, err = WhoCan(ctx, r, q.Key, q.Action, nil)
	} else {
		a.Principal, err = CanUse(ctx, r, q.Principal, q.Action)
	}
	if err != nil {
		return nil, err
	}
	a.Stats = engine.Stats{Declined: 1} // without a native engine the Rego answered
	if n := r.Native(); n != nil {
		a.Stats = n.AccessStats()
	}
	return &a, nil
}

var errOneOf = errors.New("give exactly one of --key and --principal")

// DiffRequest asks what access changes from Old to New: two key policy
// files (compared on Key, or on key kmsguard-diff of the account they name)
// or two snapshots (files or directories). Allow lists the expected
// additions (PRINCIPAL:ACTION patterns, ParseAllow).
type DiffRequest struct {
	Old, New string
	Key      string
	Allow    []string
}

// Run answers the request; the changes the Allow patterns cover are marked
// expected.
func (q DiffRequest) Run(ctx context.Context) (*result.DiffReport, error) {
	allows := make([]Allow, 0, len(q.Allow))
	for _, a := range q.Allow {
		al, err := ParseAllow(a)
		if err != nil {
			return nil, err
		}
		allows = append(allows, al)
	}
	oldSnap, oldPolicy, err := readDiffSide(q.Old)
	if err != nil {
		return nil, err
	}
	newSnap, newPolicy, err := readDiffSide(q.New)
	if err != nil {
		return nil, err
	}
	if (oldPolicy == nil) != (newPolicy == nil) {
		return nil, fmt.Errorf("compare two key policies or two snapshots, not one of each (%s, %s)", q.Old, q.New)
	}
	if oldPolicy == nil && q.Key != "" {
		return nil, errors.New("--key applies to two key policies, not to snapshots")
	}
	r, err := runner.NewLazy(ctx)
	if err != nil {
		return nil, err
	}
	if oldPolicy != nil {
		for _, side := range []*policySide{oldPolicy, newPolicy} {
			if err := side.check(ctx, r); err != nil {
				return nil, err
			}
		}
		if oldSnap, newSnap, _, err = PolicySnapshots(oldPolicy.doc, newPolicy.doc, q.Key); err != nil {
			return nil, err
		}
	}
	d, err := Diff(ctx, r, oldSnap, newSnap, nil)
	if err != nil {
		return nil, err
	}
	MarkExpected(d, allows)
	return d, nil
}

// policySide is a key policy read from a file, with where each part of it
// stands in the file.
type policySide struct {
	doc    any
	origin policyfile.Origin
}

func readPolicy(path string) (*policySide, error) {
	doc, o, err := policyfile.LoadOrigin(path, nil)
	if err != nil {
		return nil, err
	}
	return &policySide{doc: doc, origin: o}, nil
}

// readDiffSide reads a snapshot (a directory, or a JSON object whose
// "format" is the snapshot format) or else a key policy (policy not nil).
func readDiffSide(path string) (snap map[string]any, policy *policySide, err error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		s, err := snapshot.Load(path)
		return s, nil, err
	}
	data, _, err := policyfile.ReadFile(path, nil, snapshot.MaxFile, "a snapshot file")
	if err != nil {
		return nil, nil, err
	}
	var probe struct {
		Format *string `json:"format"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.Format != nil {
		s, err := snapshot.Load(path)
		return s, nil, err
	}
	policy, err = readPolicy(path)
	return nil, policy, err
}

// check reports the errors the policy engine finds in the key policy, at
// their place in the file (FILE:LINE:COLUMN), so that no analysis runs on
// a document AWS would reject.
func (s *policySide) check(ctx context.Context, r *runner.Runner) error {
	key, ok := engine.DefaultRegionKeyARN("aws", "111122223333", DiffKeyID)
	if !ok {
		return errors.New("the catalog has no default Region for the aws partition")
	}
	input, err := ast.InterfaceToValue(map[string]any{
		"principal": "111122223333", "action": "kms:DescribeKey",
		"resource":   key,
		"key_policy": s.doc,
	})
	if err != nil {
		return err
	}
	a := r.Decide(ctx, input)
	if a.Error == "" {
		return nil
	}
	var msgs []string
	policyfile.MapMessages(a.Error, func(path []policyfile.Segment, msg string) (string, bool) {
		if len(path) > 0 && !path[0].IsIndex && path[0].Key == "key_policy" {
			msgs = append(msgs, s.origin.Place(path[1:], msg))
		}
		return "", false
	})
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "\n"))
}
