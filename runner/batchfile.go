package runner

import (
	"context"
	"io"

	"github.com/kmsguard/kmsguard/batch"
)

// BatchFile answers the questions of the file path ("-": stdin, named
// "standard input") with a new lazy runner (batch.Run) and writes the answers to
// out. The runner's Stats come back once it exists (nil when the file could
// not be opened or the runner not built), with or without an error.
func BatchFile(ctx context.Context, path string, stdin io.Reader, out io.Writer, workers int) (batch.Summary, *Stats, error) {
	in, name, done, err := batch.Input(path, stdin)
	if err != nil {
		return batch.Summary{}, nil, err
	}
	defer done()
	r, err := NewLazy(ctx)
	if err != nil {
		return batch.Summary{}, nil, err
	}
	sum, err := batch.Run(ctx, r, in, out, batch.Options{Name: name, Workers: workers})
	st := r.Stats()
	return sum, &st, err
}
