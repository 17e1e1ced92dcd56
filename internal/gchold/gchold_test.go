package gchold

import (
	"runtime/debug"
	"sync"
	"testing"
)

// gcPercent is the collector's current setting (SetGCPercent sets and
// returns the previous one, so it is set back at once).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestHoldRelease(t *testing.T) {
	before := debug.SetGCPercent(150) // a setting of our own to restore
	t.Cleanup(func() { debug.SetGCPercent(before) })

	Release() // not held: nothing to do
	if got := gcPercent(); got != 150 {
		t.Fatalf("Release without Hold: GC percent %d, want 150", got)
	}
	Hold()
	if got := gcPercent(); got != -1 {
		t.Fatalf("after Hold: GC percent %d, want -1 (off)", got)
	}
	Hold() // a second Hold keeps the first one's saved setting
	Release()
	if got := gcPercent(); got != 150 {
		t.Fatalf("after Release: GC percent %d, want the 150 of before Hold", got)
	}
	debug.SetGCPercent(70)
	Release() // released already: the setting made since stays
	if got := gcPercent(); got != 70 {
		t.Fatalf("second Release: GC percent %d, want 70", got)
	}
}

// TestConcurrentRelease: one Hold, many concurrent Releases (run under
// -race): the setting of before Hold comes back.
func TestConcurrentRelease(t *testing.T) {
	before := debug.SetGCPercent(120)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	Hold()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(Release)
	}
	wg.Wait()
	if got := gcPercent(); got != 120 {
		t.Fatalf("GC percent %d, want 120", got)
	}
}
