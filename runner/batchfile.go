package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kmsguard/kmsguard/batch"
)

// BatchFile answers the questions of the file path ("-": stdin, named
// "standard input") with a new lazy runner (batch.Run) and writes the answers to
// out. The runner's Stats come back once it exists (nil when the file could
// not be opened or the runner not built), with or without an error.
func BatchFile(ctx context.Context, path string, stdin io.Reader, out io.Writer, workers int) (batch.Summary, *Stats, error) {
	in, name := stdin, "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return batch.Summary{}, nil, fmt.Errorf("%s: %w", path, err)
		}
		defer func() { _ = f.Close() }() // read-only: nothing to flush
		in, name = f, path
	}
	r, err := NewLazy(ctx)
	if err != nil {
		return batch.Summary{}, nil, err
	}
	sum, err := batch.Run(ctx, r, in, out, batch.Options{Name: name, Workers: workers})
	st := r.Stats()
	return sum, &st, err
}
