// Package textwrap fits text output to a width: the width of the terminal
// the output goes to, and lines wrapped at spaces to it.
package textwrap

import (
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// DefaultWidth is the width of output that does not go to a terminal (files,
// pipes, CI logs): wide enough for an ARN and its access on one line.
const DefaultWidth = 120

// minWidth is the narrowest width Width returns: below it every line would
// wrap.
const minWidth = 60

// Width is the number of columns output to w may use: $COLUMNS when set to
// a number, else the width of the terminal w is, else DefaultWidth.
func Width(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return max(n, minWidth)
	}
	if f, ok := w.(*os.File); ok {
		if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
			return max(n, minWidth)
		}
	}
	return DefaultWidth
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Wrap breaks s into lines of at most width characters at spaces; a word
// longer than width (an ARN) gets a line of its own, unbroken. Existing
// newlines are kept. A width of zero or less leaves s as one line per
// existing line.
func Wrap(s string, width int) []string {
	return wrap(s, width, width, width > 0)
}

// wrap is Wrap with a first line of its own width.
func wrap(s string, first, width int, on bool) []string {
	var out []string
	limit := func() int {
		if len(out) == 0 {
			return first
		}
		return width
	}
	for _, para := range strings.Split(s, "\n") {
		if !on || utf8.RuneCountInString(para) <= limit() {
			out = append(out, para)
			continue
		}
		line, n := "", 0
		for _, word := range strings.Fields(para) {
			wn := utf8.RuneCountInString(word)
			switch {
			case n == 0:
				line, n = word, wn
			case n+1+wn <= limit():
				line, n = line+" "+word, n+1+wn
			default:
				out = append(out, line)
				line, n = word, wn
			}
		}
		out = append(out, line)
	}
	return out
}

// Indent wraps s to width with the first line prefixed by first and the
// others by rest (both counted in the width), joined by newlines. A width of
// zero or less only indents.
func Indent(s, first, rest string, width int) string {
	fw, rw := utf8.RuneCountInString(first), utf8.RuneCountInString(rest)
	lines := wrap(s, width-fw, width-rw, width > 0)
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
