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

// minColumn is the narrowest a wrapped table column shrinks to (or its
// header, if wider: headers do not wrap).
const minColumn = 8

// Table lays out rows (the header first) as columns two spaces apart, each
// line starting with indent, within width columns: when the natural layout
// is wider, the columns marked in wrap shrink, the widest first, and their
// cells wrap at spaces (a word longer than its column is cut into pieces).
// Columns not marked, and headers, keep their width. A width of zero or less does not
// wrap. Lines carry no trailing spaces.
func Table(rows [][]string, wrap []bool, indent string, width int) []string {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			cols[i] = max(cols[i], utf8.RuneCountInString(c))
		}
	}
	total := utf8.RuneCountInString(indent) + 2*(len(cols)-1)
	for _, c := range cols {
		total += c
	}
	for width > 0 && total > width {
		widest := -1
		for i, c := range cols {
			least := max(minColumn, utf8.RuneCountInString(rows[0][i]))
			if i < len(wrap) && wrap[i] && c > least && (widest < 0 || c > cols[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		cols[widest]--
		total--
	}
	var out []string
	for _, row := range rows {
		cells := make([][]string, len(row))
		height := 1
		for i, c := range row {
			cells[i] = cutWords(Wrap(c, cols[i]), cols[i])
			height = max(height, len(cells[i]))
		}
		for l := range height {
			var b strings.Builder
			b.WriteString(indent)
			for i := range row {
				var part string
				if l < len(cells[i]) {
					part = cells[i][l]
				}
				if i < len(row)-1 {
					part += strings.Repeat(" ", cols[i]-utf8.RuneCountInString(part)+2)
				}
				b.WriteString(part)
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
	}
	return out
}

// cutWords cuts lines longer than width into pieces of width characters.
func cutWords(lines []string, width int) []string {
	var out []string
	for _, line := range lines {
		r := []rune(line)
		for len(r) > width {
			out = append(out, string(r[:width]))
			r = r[width:]
		}
		out = append(out, string(r))
	}
	return out
}
