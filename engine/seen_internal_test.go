package engine

import "testing"

// TestFirstSight: a hash is first seen once, then found seen (and
// forgotten, its entry being made); two hashes of one pair of slots that
// come in turn both find themselves seen the second time, and a third
// hash of the pair pushes out the oldest.
func TestFirstSight(t *testing.T) {
	const (
		a = 7
		b = a + seenSlots   // in a's pair of slots
		c = a + 2*seenSlots // a's pair too
	)
	var s cacheShard
	steps := []struct {
		h     uint64
		first bool
	}{
		{a, true}, {b, true}, {a, false}, {b, false}, // in turn: both kept
		{a, true}, {a, false}, {a, true}, // seen again: forgotten, then new
		{b, true}, {c, true}, {a, true}, // a pushed out by b and c
		{b, true}, {a, false}, {c, true}, // c pushed out by b; a still there
	}
	for i, st := range steps {
		before := s.seenBefore(st.h)
		if got := s.firstSight(st.h); got != st.first || before == st.first {
			t.Fatalf("step %d: hash %d: firstSight %v, seenBefore %v; want firstSight %v", i, st.h, got, before, st.first)
		}
	}
}
