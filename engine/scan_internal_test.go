package engine

import (
	"fmt"
	"testing"
)

func TestSkipString(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{`"abc",`, 5},
		{`"a\"b",`, 6},
		{`"a\\",`, 5},
		{`"a\\\"",`, 7},
		{`"\\\\"x`, 6},
		{`""`, 2},
		{`"abc`, 4},
		{`"ab\"`, 5},
	} {
		if got := skipString([]byte(c.in), 0); got != c.want {
			t.Errorf("skipString(%s) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestDocCacheAdmission: a document is kept the second time it is seen;
// documents that never recur are compiled and dropped, and the cache stays
// within its bound whatever the stream.
func TestDocCacheAdmission(t *testing.T) {
	c := newDocCache(1 << 20)
	doc := func(n int) []byte {
		return []byte(fmt.Sprintf(`{"Id":"d-%d","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`, n))
	}
	if d, ok := c.get(doc(0), kindResource); !ok || d == nil {
		t.Fatal("a valid document was not compiled")
	}
	if c.size != 0 || len(c.exact) != 0 {
		t.Fatalf("kept a document seen once (size %d)", c.size)
	}
	first, _ := c.get(doc(0), kindResource)
	if c.size == 0 || len(c.exact) != 1 {
		t.Fatal("did not keep a document seen twice")
	}
	if again, _ := c.get(doc(0), kindResource); again != first {
		t.Error("a kept document was compiled again")
	}
	if again, _ := c.get([]byte(" "+string(doc(0))+"\n"), kindResource); again != first {
		t.Error("the same document with other whitespace was compiled again")
	}
	// A resource policy is not an identity policy (it has a Principal).
	if _, ok := c.get(doc(0), kindIdentity); ok {
		t.Error("a document kept as one kind was answered for another")
	}
	for i := 1; i <= seenMax+10; i++ {
		c.get(doc(i), kindResource)
		if len(c.seen) > seenMax {
			t.Fatalf("seen holds %d hashes, more than %d", len(c.seen), seenMax)
		}
	}
	for i := range 20000 {
		c.get(doc(i), kindResource)
		c.get(doc(i), kindResource)
		if c.size > c.max {
			t.Fatalf("cache size %d above its bound %d", c.size, c.max)
		}
	}
}
