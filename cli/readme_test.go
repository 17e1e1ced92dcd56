package cli

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// consoleCommand is a command of a README console block and the output
// printed under it.
type consoleCommand struct {
	line   int // of the "$ kmsguard" line
	args   []string
	output string
}

// readmeCommands reads the README's ```console blocks: each "$ kmsguard ..."
// line (continued by a trailing backslash) and the lines up to the next "$"
// or the end of the block. Commands whose arguments are elided ("...") are
// left out.
func readmeCommands(t *testing.T, data string) []consoleCommand {
	t.Helper()
	var out []consoleCommand
	var cur *consoleCommand
	in, cont := false, false
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for i, line := range strings.Split(data, "\n") {
		switch {
		case line == "```console":
			in = true
			continue
		case in && line == "```":
			flush()
			in = false
			continue
		case !in:
			continue
		}
		if cont {
			cur.args = append(cur.args, shellWords(strings.TrimSuffix(line, "\\"))...)
			cont = strings.HasSuffix(line, "\\")
			continue
		}
		if rest, ok := strings.CutPrefix(line, "$ "); ok {
			flush()
			words := shellWords(strings.TrimSuffix(rest, "\\"))
			if len(words) == 0 || words[0] != "kmsguard" {
				t.Fatalf("README.md:%d: a console block runs %q, not kmsguard", i+1, rest)
			}
			cur = &consoleCommand{line: i + 1, args: words[1:]}
			cont = strings.HasSuffix(line, "\\")
			continue
		}
		if cur != nil {
			cur.output += line + "\n"
		}
	}
	var kept []consoleCommand
	for _, c := range out {
		if !strings.Contains(strings.Join(c.args, " "), "...") {
			c.output = strings.TrimRight(c.output, "\n") + "\n"
			kept = append(kept, c)
		}
	}
	return kept
}

var word = regexp.MustCompile(`'[^']*'|"[^"]*"|\S+`)

// shellWords splits a command line at spaces, keeping quoted words whole
// (the README's commands use no other shell syntax).
func shellWords(s string) []string {
	var out []string
	for _, w := range word.FindAllString(s, -1) {
		if len(w) >= 2 && (w[0] == '\'' || w[0] == '"') && w[len(w)-1] == w[0] {
			w = w[1 : len(w)-1]
		}
		out = append(out, w)
	}
	return out
}

// TestREADME runs every complete kmsguard command of the README's console
// blocks from the repository root and compares its standard output with
// the README, so that the examples work as written.
func TestREADME(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(t, string(data))
	if len(cmds) < 5 {
		t.Fatalf("%d runnable commands in the README's console blocks", len(cmds))
	}
	t.Chdir("..")
	t.Setenv("COLUMNS", "") // text at the width of output that is not a terminal
	for _, c := range cmds {
		var stdout, stderr bytes.Buffer
		_ = Execute(t.Context(), c.args, strings.NewReader(""), &stdout, &stderr)
		if stdout.String() != c.output {
			t.Errorf("README.md:%d: kmsguard %s\n--- prints\n%s--- README\n%s", c.line, strings.Join(c.args, " "), stdout.String(), c.output)
		}
	}
}
