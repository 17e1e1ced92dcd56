// Package lazyregexp is a regular expression compiled on its first use
// instead of at package initialisation: every kmsguard command initialises
// every package of the binary, and most commands use few of its
// expressions.
package lazyregexp

import (
	"regexp"
	"sync"
)

// Regexp is a regexp.Regexp compiled, once, by the first method called on
// it. It is safe for concurrent use. An expression that does not compile
// panics on that first use, as regexp.MustCompile does.
type Regexp struct {
	expr string
	get  func() *regexp.Regexp
}

// compile is regexp.MustCompile; tests count its calls.
var compile = regexp.MustCompile

// New is the expression expr, compiled when first used.
func New(expr string) *Regexp {
	return &Regexp{expr: expr, get: sync.OnceValue(func() *regexp.Regexp {
		return compile(expr)
	})}
}

// Regexp is the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp { return r.get() }

// String is the source text of the expression; it compiles nothing.
func (r *Regexp) String() string { return r.expr }

// MatchString is regexp.Regexp.MatchString.
func (r *Regexp) MatchString(s string) bool { return r.get().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.get().FindStringSubmatch(s) }

// FindSubmatch is regexp.Regexp.FindSubmatch.
func (r *Regexp) FindSubmatch(b []byte) [][]byte { return r.get().FindSubmatch(b) }

// ReplaceAllFunc is regexp.Regexp.ReplaceAllFunc.
func (r *Regexp) ReplaceAllFunc(src []byte, repl func([]byte) []byte) []byte {
	return r.get().ReplaceAllFunc(src, repl)
}
