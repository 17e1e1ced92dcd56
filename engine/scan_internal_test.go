package engine

import "testing"

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
