package result

import (
	"errors"
	"testing"
)

func TestInputError(t *testing.T) {
	tests := []struct {
		e                 InputError
		err, detail       string
		fileLine, fileCol int
	}{
		{InputError{File: "p.json", Line: 3, Column: 14, Msg: "invalid character"}, "p.json:3:14: invalid character", "invalid character", 3, 14},
		{InputError{File: "p.yaml", Line: 2, Msg: "invalid YAML"}, "p.yaml:2: invalid YAML", "invalid YAML", 2, 0},
		{InputError{File: "k.json", Where: "Policy", Line: 2, Column: 17, Msg: "bad"}, "k.json: Policy:2:17: bad", "Policy:2:17: bad", 0, 0},
		{InputError{File: "<stdin>", Msg: "empty input"}, "<stdin>: empty input", "empty input", 0, 0},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.err {
			t.Errorf("Error() = %q, want %q", got, tt.err)
		}
		if got := tt.e.Detail(); got != tt.detail {
			t.Errorf("Detail() = %q, want %q", got, tt.detail)
		}
		if l, c := tt.e.FileLine(); l != tt.fileLine || c != tt.fileCol {
			t.Errorf("%s: FileLine() = %d, %d; want %d, %d", tt.err, l, c, tt.fileLine, tt.fileCol)
		}
	}
}

func TestAtLeast(t *testing.T) {
	tests := []struct {
		sev, threshold string
		want           bool
	}{
		{"critical", "high", true},
		{"high", "high", true},
		{"medium", "high", false},
		{"info", "info", true},
		{"unknown", "critical", true}, // an unknown severity counts as the most severe
		{"critical", FailOnNone, false},
	}
	for _, tt := range tests {
		if got := AtLeast(tt.sev, tt.threshold); got != tt.want {
			t.Errorf("AtLeast(%q, %q) = %v, want %v", tt.sev, tt.threshold, got, tt.want)
		}
	}
	if _, err := ParseSeverity("none"); err == nil {
		t.Error(`ParseSeverity("none") succeeded; none is only a --fail-on level`)
	}
}

// TestIsAllowed: only a decision "Allowed" with allowed=true and no error is
// an allow; anything else, including a disagreeing pair, is not.
func TestIsAllowed(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		a    Answer
		want bool
	}{
		{Answer{Decision: "Allowed", Allowed: &yes}, true},
		{Answer{Decision: "Allowed", Allowed: &no}, false},
		{Answer{Decision: "Allowed"}, false},
		{Answer{Decision: "ImplicitlyDenied", Allowed: &yes}, false},
		{Answer{Decision: "Allowed", Allowed: &yes, Error: "x"}, false},
		{*ErrorAnswer("q1", errors.New("bad")), false},
	}
	for _, tt := range tests {
		if got := tt.a.IsAllowed(); got != tt.want {
			t.Errorf("%+v.IsAllowed() = %v, want %v", tt.a, got, tt.want)
		}
	}
}
