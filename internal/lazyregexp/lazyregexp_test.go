package lazyregexp

import (
	"bytes"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// counting makes compile count its calls for the test's duration.
func counting(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	compile = func(expr string) *regexp.Regexp {
		n.Add(1)
		return regexp.MustCompile(expr)
	}
	t.Cleanup(func() { compile = regexp.MustCompile })
	return &n
}

// TestCompiledOnceOnFirstUse: New compiles nothing; the first use compiles
// once, and every use, from any goroutine, gets the same compiled
// expression and the answers of regexp (run under -race by make test).
func TestCompiledOnceOnFirstUse(t *testing.T) {
	n := counting(t)
	r := New(`^arn:[a-z-]+:(iam|sts)::([0-9]{12}):`)
	if r.String() != `^arn:[a-z-]+:(iam|sts)::([0-9]{12}):` || n.Load() != 0 {
		t.Fatalf("after New and String: %d compilations, want 0", n.Load())
	}
	const goroutines = 16
	got := make([]*regexp.Regexp, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			m := r.FindStringSubmatch("arn:aws:sts::111122223333:assumed-role/r/s")
			if !slices.Equal(m, []string{"arn:aws:sts::111122223333:", "sts", "111122223333"}) {
				t.Errorf("goroutine %d: FindStringSubmatch = %q", i, m)
			}
			if r.MatchString("arn:aws:kms::111122223333:") {
				t.Errorf("goroutine %d: MatchString matched a kms ARN", i)
			}
			got[i] = r.Regexp()
		})
	}
	wg.Wait()
	if n.Load() != 1 {
		t.Errorf("%d compilations, want 1", n.Load())
	}
	for i := range got {
		if got[i] == nil || got[i] != got[0] {
			t.Fatalf("goroutine %d got compiled expression %p, goroutine 0 got %p", i, got[i], got[0])
		}
	}
}

// TestBytesMethods: FindSubmatch and ReplaceAllFunc answer as regexp's.
func TestBytesMethods(t *testing.T) {
	r := New(`\$\{([^}]+)\}`)
	if m := r.FindSubmatch([]byte("a ${HOME} b")); len(m) != 2 || string(m[1]) != "HOME" {
		t.Errorf("FindSubmatch = %q", m)
	}
	out := r.ReplaceAllFunc([]byte("${A}-${B}"), bytes.ToLower)
	if string(out) != "${a}-${b}" {
		t.Errorf("ReplaceAllFunc = %q", out)
	}
}

// TestInvalidPanicsOnFirstUse: a bad expression is not compiled by New
// and panics, as regexp.MustCompile does, when first used.
func TestInvalidPanicsOnFirstUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("MatchString on an invalid expression did not panic")
		}
	}()
	r.MatchString("x")
}
