package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	kbundle "github.com/kmsguard/kmsguard/bundle"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// Source says where the policy and data come from. Every load (at start and
// on reload) reads them anew.
type Source struct {
	// Bundle is a bundle file or http(s) URL; empty serves the embedded
	// Rego tree.
	Bundle string
	// Verification, when set, requires Bundle to carry a valid signature.
	Verification *kbundle.Verification
	// Data is a snapshot file or a directory of snapshot files; its content
	// replaces any snapshot the bundle carries.
	Data string
}

// engine is one loaded version of policy and data: everything a request
// needs, swapped as a whole on reload.
type engine struct {
	runner   *runner.Runner
	revision string
	loadedAt time.Time
	bundles  map[string]string // with an OPA configuration: bundle name -> revision
}

// load builds a new engine from the source. Nothing is shared with the
// engine being served, so a failed load leaves that one untouched.
func (s Source) load(ctx context.Context) (*engine, error) {
	var (
		b   *bundle.Bundle
		err error
	)
	if s.Bundle == "" {
		b, err = kbundle.Load()
	} else {
		b, err = kbundle.Open(ctx, s.Bundle, s.Verification)
		if err == nil {
			err = kbundle.CheckManifest(b)
		}
	}
	if err != nil {
		return nil, err
	}
	return s.build(ctx, b)
}

// build makes an engine of bundle b and the source's --data snapshot.
func (s Source) build(ctx context.Context, b *bundle.Bundle) (*engine, error) {
	var (
		snap map[string]any
		err  error
	)
	opts := []runner.Option{runner.WithBundle(b), runner.WithPreparedSnapshot()}
	if s.Data != "" {
		if snap, err = snapshot.Load(s.Data); err != nil {
			return nil, err
		}
		opts = append(opts, runner.WithSnapshot(snap))
	}
	r, err := runner.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if err := smokeTest(ctx, r); err != nil {
		return nil, err
	}
	rev, err := revision(b, snap)
	if err != nil {
		return nil, err
	}
	return &engine{runner: r, revision: rev, loadedAt: time.Now()}, nil
}

// smokeTest asks the decision entry point an empty question: a policy that
// answers it at all (with its own error for the missing fields) is one that
// defines the decision.
func smokeTest(ctx context.Context, r *runner.Runner) error {
	ans := r.Decide(ctx, ast.NewObject())
	if ans.IsAllowed() {
		return errors.New("policy check failed: an empty question was allowed")
	}
	if ans.Error == "" || strings.HasPrefix(ans.Error, "evaluation failed") {
		return fmt.Errorf("policy check failed: the decision entry point does not answer (%s)", ans.Error)
	}
	return nil
}

// revision names a loaded version: the bundle's manifest revision, else a
// hash of policy and data. A --data snapshot adds its own hash to a
// manifest revision, so reloading changed data changes the revision.
func revision(b *bundle.Bundle, snap map[string]any) (string, error) {
	rev := b.Manifest.Revision
	if rev == "" {
		return kbundle.Fingerprint(b, snap)
	}
	if snap == nil {
		return rev, nil
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return "", fmt.Errorf("hashing the snapshot: %w", err)
	}
	sum := sha256.Sum256(raw)
	return rev + "+data.sha256:" + hex.EncodeToString(sum[:])[:16], nil
}

// watchState is what --watch compares each second: the size and
// modification time of the bundle file and of every snapshot file (and the
// list of snapshot files of a directory).
func (s Source) watchState() string {
	var paths []string
	if s.Bundle != "" && !kbundle.IsURL(s.Bundle) {
		paths = append(paths, s.Bundle)
	}
	if s.Data != "" {
		paths = append(paths, s.Data)
		if files, err := snapshot.Files(s.Data); err == nil {
			paths = append(paths, files...)
		}
	}
	state := ""
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			state += p + " missing\n"
			continue
		}
		state += fmt.Sprintf("%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
	}
	return state
}
