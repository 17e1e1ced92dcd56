package strictyaml

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A policy written in YAML is the same document as its JSON form, and IAM
// rejects a JSON policy that repeats a key (the grammar defines each element
// once: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html);
// YAML itself forbids it too (YAML 1.2, 3.2.1.1: "the content of a mapping
// node is an unordered set of key/value node pairs, with the restriction
// that each of the keys is unique").
func TestDuplicate(t *testing.T) {
	tests := []struct {
		name, doc, path string
		line, col       int
	}{
		{"top level", "Version: 2012-10-17\nVersion: 2008-10-17\n", "Version", 2, 1},
		{"statement effect", "Statement:\n  - Effect: Allow\n  - Effect: Deny\n    Action: kms:*\n    Effect: Allow\n", "Statement[1].Effect", 5, 5},
		{"flow mapping", "Statement: [{Effect: Deny, Effect: Allow}]\n", "Statement[0].Effect", 1, 28},
		{"quoted spelling", "a:\n  \"x\": 1\n  x: 2\n", "a.x", 3, 3},
		{"through an alias", "base: &b {k: 1, k: 2}\nuse: *b\n", "base.k", 1, 17},
		{"condition key", "Condition:\n  StringEquals:\n    kms:ViaService: a\n    kms:ViaService: b\n", "Condition.StringEquals.kms:ViaService", 4, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, want a duplicate key error", err)
			}
			if e.Path != tt.path || e.Line != tt.line || e.Column != tt.col || !strings.Contains(e.Msg, "duplicate key") {
				t.Errorf("got %q %d:%d %q, want %q %d:%d duplicate key", e.Path, e.Line, e.Column, e.Msg, tt.path, tt.line, tt.col)
			}
		})
	}
}

func TestNotDuplicate(t *testing.T) {
	for _, doc := range []string{
		"Effect: Deny\neffect: Allow\n", // element names are case-sensitive
		"a: {x: 1}\nb: {x: 1}\n",
		"- {a: 1}\n- {a: 1}\n",
		"base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", // a merge key may be overridden
		"a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n",
		"",
	} {
		if _, err := Parse([]byte(doc)); err != nil {
			t.Errorf("Parse(%q) = %v, want nil", doc, err)
		}
	}
}

// bomb is a "billion laughs" document: n levels of aliases, each repeating
// the previous one ten times (10^n leaves from a few hundred bytes).
func bomb(n int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"lol\"]\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestAliasBomb(t *testing.T) {
	_, err := Parse([]byte(bomb(9)))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("Parse(bomb) = %v, want the expansion limit", err)
	}
	// Below the limit, aliases are fine.
	if _, err := Parse([]byte(bomb(4))); err != nil {
		t.Fatalf("Parse(small aliases) = %v", err)
	}
}

func TestSyntax(t *testing.T) {
	_, err := Parse([]byte("a: [1, 2\nb: 3\n"))
	var e *Error
	if !errors.As(err, &e) || e.Line == 0 || !strings.HasPrefix(e.Msg, "invalid YAML: ") {
		t.Fatalf("Parse = %#v, want a positioned syntax error", err)
	}
}

// TestSyntaxLine: a syntax error names the line an editor shows the fault
// on (the parser of go.yaml.in/yaml/v3 counts its lines from 0, its scanner
// from 1).
func TestSyntaxLine(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{"Version: 2012-10-17\nStatement: [{Effect: Allow, Action: kms:Decrypt\n", 2, "invalid YAML: did not find expected ',' or '}'"},
		{"Statement:\n  - Effect: Allow\n Action: kms:Decrypt\n", 3, "invalid YAML: did not find expected key"},
		{"a: 1\nb: [1, 2\n", 2, "invalid YAML: did not find expected ',' or ']'"},
		{"a: 1\nb: @x\n", 2, "invalid YAML: found character that cannot start any token"}, // a scanner error
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		var e *Error
		if !errors.As(err, &e) || e.Line != tt.line || e.Msg != tt.msg {
			t.Errorf("Parse(%q) = %v, want line %d: %s", tt.in, err, tt.line, tt.msg)
		}
	}
}

// BenchmarkAliasBomb measures how long refusing a billion-laughs document
// takes (the goal is well under a second).
func BenchmarkAliasBomb(b *testing.B) {
	data := []byte(bomb(9))
	for b.Loop() {
		if _, err := Parse(data); err == nil {
			b.Fatal("bomb accepted")
		}
	}
}
