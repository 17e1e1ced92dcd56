package htmlreport

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/kmsguard/kmsguard/access"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
	"github.com/kmsguard/kmsguard/snapshot"
)

// Request asks for the report of the snapshot file (or directory) Snapshot,
// with the access changed since the older snapshot Base when it is not "",
// written to the file Output ("-": the writer given to Run).
type Request struct {
	Snapshot string
	Base     string
	Output   string
}

// Run builds the report and writes it: to a temporary file beside Output
// renamed into place, or to stdout when Output is "-".
func (q Request) Run(ctx context.Context, stdout io.Writer) error {
	snap, err := snapshot.Load(q.Snapshot)
	if err != nil {
		return err
	}
	var base map[string]any
	if q.Base != "" {
		if base, err = snapshot.Load(q.Base); err != nil {
			return err
		}
	}
	r, err := runner.NewLazy(ctx, runner.WithSnapshot(snap))
	if err != nil {
		return err
	}
	// The rule pack and the diff run without the snapshot's data: the
	// findings are those "kmsguard check" gives the key policy, and the diff
	// gets both snapshots as its input.
	plain, err := runner.NewLazy(ctx)
	if err != nil {
		return err
	}
	var diff func(context.Context) (*result.DiffReport, error)
	if base != nil {
		diff = func(ctx context.Context) (*result.DiffReport, error) {
			return access.Diff(ctx, plain, base, snap, nil)
		}
	}
	rep, err := Build(ctx, r, plain, snap, diff)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Write(&buf, rep); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if q.Output == "-" {
		_, err = stdout.Write(buf.Bytes())
	} else {
		err = snapshot.WriteFileAtomic(q.Output, buf.Bytes(), 0o644)
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}
