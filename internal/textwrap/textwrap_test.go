package textwrap

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"exactly nine", 12, []string{"exactly nine"}},
		{"a arn:aws:iam::111122223333:role/Long b", 10, []string{"a", "arn:aws:iam::111122223333:role/Long", "b"}},
		{"keeps\nnewlines here", 8, []string{"keeps", "newlines", "here"}},
		{"no width", 0, []string{"no width"}},
	}
	for _, tt := range tests {
		if got := Wrap(tt.s, tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
	}
}

func TestIndent(t *testing.T) {
	got := Indent("only via s3.us-east-1.amazonaws.com and kms:CallerAccount 111122223333", "- ", "  ", 40)
	want := "- only via s3.us-east-1.amazonaws.com\n  and kms:CallerAccount 111122223333"
	if got != want {
		t.Errorf("Indent = %q, want %q", got, want)
	}
}

func TestWidth(t *testing.T) {
	var b bytes.Buffer
	t.Setenv("COLUMNS", "")
	if got := Width(&b); got != DefaultWidth {
		t.Errorf("Width(buffer) = %d, want %d", got, DefaultWidth)
	}
	t.Setenv("COLUMNS", "100")
	if got := Width(&b); got != 100 {
		t.Errorf("Width with COLUMNS=100 = %d", got)
	}
	t.Setenv("COLUMNS", "20")
	if got := Width(&b); got != minWidth {
		t.Errorf("Width with COLUMNS=20 = %d, want the minimum %d", got, minWidth)
	}
}

func TestTable(t *testing.T) {
	rows := [][]string{
		{"STATEMENT", "SID", "APPLIES"},
		{"key policy Statement[0]", "Enable IAM User Permissions", "yes"},
		{"grant #0 id 0c237476b39f", "-", "no"},
	}
	wrap := []bool{true, true, false}
	tests := []struct {
		width int
		want  []string
	}{
		{0, []string{
			"  STATEMENT                 SID                          APPLIES",
			"  key policy Statement[0]   Enable IAM User Permissions  yes",
			"  grant #0 id 0c237476b39f  -                            no",
		}},
		{40, []string{
			"  STATEMENT      SID             APPLIES",
			"  key policy     Enable IAM      yes",
			"  Statement[0]   User",
			"                 Permissions",
			"  grant #0 id    -               no",
			"  0c237476b39f",
		}},
		// Too narrow for the columns: they stop at their minimum (the
		// header's width, at least 8) and cut words.
		{20, []string{
			"  STATEMENT  SID       APPLIES",
			"  key        Enable    yes",
			"  policy     IAM User",
			"  Statement  Permissi",
			"  [0]        ons",
			"  grant #0   -         no",
			"  id",
			"  0c237476b",
			"  39f",
		}},
	}
	for _, tt := range tests {
		if got := Table(rows, wrap, "  ", tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Table(width %d) =\n%s\nwant\n%s", tt.width, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}
