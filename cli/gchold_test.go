package cli

import (
	"io"
	"runtime/debug"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/gchold"
)

// TestEveryCommandReleasesTheCollector: the kmsguard command holds the
// collector off while it starts (internal/gchold) and the root command's
// PersistentPreRun releases it. cobra runs the nearest PersistentPreRun
// only, so no command below the root may define one: a long-running
// command (serve, scan, eval) would run without a collector.
func TestEveryCommandReleasesTheCollector(t *testing.T) {
	root := NewRootCommand(nil, io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	if root.PersistentPreRun == nil {
		t.Fatal("the root command has no PersistentPreRun to release the collector")
	}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			n++
			if sub.PersistentPreRun != nil || sub.PersistentPreRunE != nil {
				t.Errorf("%q defines a PersistentPreRun: the root's, which releases the collector, would not run", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(root)
	if n < 12 {
		t.Errorf("walked %d commands, want the 12 of kmsguard and cobra's help and completion", n)
	}
}

// TestExecuteReleasesTheCollector: held, the collector runs again once a
// command runs, with the setting of before the hold.
func TestExecuteReleasesTheCollector(t *testing.T) {
	before := debug.SetGCPercent(130)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	gchold.Hold()
	t.Cleanup(gchold.Release)
	if err := Execute(t.Context(), []string{"version"}, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	p := debug.SetGCPercent(130)
	if p != 130 {
		t.Errorf("after kmsguard version: GC percent %d, want 130 (the hold released)", p)
	}
}
