// Package strictyaml parses YAML into a node tree and refuses what would be
// read silently wrong or take unbounded work: a mapping with the same key
// twice (go.yaml.in/yaml keeps both in a node tree, and decoding into a map
// keeps the last, so `Effect: Deny` then `Effect: Allow` reads as an Allow),
// and a document whose aliases expand to more than MaxNodes nodes (a
// "billion laughs" alias bomb, a few hundred bytes that expand to billions
// of nodes). Both checks walk the tree once and stop at the limit, so a bomb
// is refused in time linear in MaxNodes, not in its expansion.
package strictyaml

import (
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/internal/strictjson"
)

// MaxNodes is the most nodes a document may hold once its aliases are
// expanded. A policy document, a CloudFormation template or a configuration
// file within kmsguard's size caps holds far fewer.
const MaxNodes = 1_000_000

// Error is a document that cannot be read. Line and Column are 1-based, zero
// when unknown; Path is the JSON path of a duplicate key
// ("Statement[1].Effect").
type Error struct {
	Path         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// yamlLine matches the position in errors of go.yaml.in/yaml.
var yamlLine = lazyregexp.New(`^yaml: line (\d+): (.*)$`)

// parserProblems are the problems go.yaml.in/yaml/v3's parser (parserc.go)
// reports. For these its error names the 0-based line of the problem or of
// the construct it was parsing (for its scanner's errors it adds the 1 it
// leaves out here), so Parse adds 1 to name the line as an editor numbers it.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
	"found undefined tag handle":             true,
}

// Parse decodes the first document of data into a node tree (the document
// node, whose Content is empty for an empty input) and checks it: see the
// package comment. Error messages start with "invalid YAML: ".
func Parse(data []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := err.Error()
		e := &Error{}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
			if parserProblems[msg] {
				e.Line++
			}
		}
		e.Msg = "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")
		return nil, e
	}
	if err := Check(&root, MaxNodes); err != nil {
		return nil, err
	}
	return &root, nil
}

// Check walks n with its aliases expanded, failing on the first mapping
// with a duplicate key and when more than maxNodes nodes are visited.
func Check(n *yaml.Node, maxNodes int) error {
	w := walker{left: maxNodes, max: maxNodes}
	return w.walk(n)
}

type walker struct {
	left, max int
	// path holds the keys and indexes leading to the node being walked.
	path []string
	// alias is the outermost alias being expanded, nil outside aliases.
	alias *yaml.Node
}

// maxDepth bounds nesting, aliases included.
const maxDepth = 10000

func (w *walker) fail(n *yaml.Node, msg string) error {
	return &Error{Path: strings.TrimPrefix(strings.Join(w.path, ""), "."), Line: n.Line, Column: n.Column, Msg: msg}
}

func (w *walker) walk(n *yaml.Node) error {
	if w.left--; w.left < 0 {
		at := n
		if w.alias != nil {
			at = w.alias
		}
		return &Error{Line: at.Line, Column: at.Column, Msg: fmt.Sprintf("invalid YAML: the document expands to more than %d nodes (aliases expanded)", w.max)}
	}
	if len(w.path) > maxDepth {
		return w.fail(n, "invalid YAML: nested too deeply")
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return w.fail(n, "invalid YAML: unknown alias")
		}
		if w.alias != nil {
			return w.walk(n.Alias)
		}
		w.alias = n
		err := w.walk(n.Alias)
		w.alias = nil
		return err
	case yaml.MappingNode:
		seen := make(map[string]*yaml.Node, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			seg := ""
			// Keys compare by their text, as they become JSON object keys;
			// merge keys (<<) are not members of the mapping and may
			// repeat. The converters reject non-scalar keys themselves.
			if k.Kind == yaml.ScalarNode && (k.Value != "<<" || k.ShortTag() != "!!merge") {
				seg = strictjson.KeySegment(k.Value)
				if first, dup := seen[k.Value]; dup {
					w.path = append(w.path, seg)
					where := fmt.Sprintf("line %d, column %d", first.Line, first.Column)
					if first.Line == k.Line {
						where = fmt.Sprintf("column %d", first.Column)
					}
					return w.fail(k, fmt.Sprintf("duplicate key %q (first at %s)", k.Value, where))
				}
				seen[k.Value] = k
			}
			if err := w.walk(k); err != nil {
				return err
			}
			w.path = append(w.path, seg)
			if err := w.walk(v); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
		return nil
	}
	for i, c := range n.Content {
		if n.Kind == yaml.SequenceNode {
			w.path = append(w.path, "["+strconv.Itoa(i)+"]")
		} else {
			w.path = append(w.path, "")
		}
		if err := w.walk(c); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	return nil
}
