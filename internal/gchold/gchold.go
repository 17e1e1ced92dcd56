// Package gchold holds the garbage collector off while the kmsguard
// command starts: the packages of the binary allocate about 3 MB at
// initialisation, just under the collector's first goal (4 MB), so a
// collection would otherwise start during initialisation or just after it
// and mark that start-up heap; held off, a short command (version, help, an
// empty batch) never collects, and eval collects first at its own,
// larger, goal.
//
// The hold is taken by importing internal/gchold/hold, which only the
// kmsguard command does (package initialisation order puts it before most
// of the dependencies), and released by Release before a command runs.
// Without the hold (tests, other programs) Release does nothing.
package gchold

import (
	"runtime/debug"
	"sync"
)

var (
	mu      sync.Mutex
	held    bool
	percent int // the setting to restore: GOGC's, 100 by default
)

// Hold turns the collector off until Release. A second Hold, while held,
// keeps the setting saved by the first.
func Hold() {
	mu.Lock()
	defer mu.Unlock()
	if !held {
		percent = debug.SetGCPercent(-1)
		held = true
	}
}

// Release restores the collector's setting of before Hold. It does nothing
// when the collector is not held.
func Release() {
	mu.Lock()
	defer mu.Unlock()
	if held {
		debug.SetGCPercent(percent)
		held = false
	}
}
