package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

// WriteMermaid writes a graph as a Mermaid flowchart (what GitHub renders in
// a ```mermaid block): accounts as subgraphs, external accounts and "*" in
// red, conditional access dashed.
func WriteMermaid(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "---")
	fmt.Fprintf(bw, "title: %s\n", mermaidTitle(g.Title))
	fmt.Fprintln(bw, "---")
	fmt.Fprintln(bw, "flowchart LR")
	writeMermaidNode(bw, "  ", g.Nodes[0])
	var externalClusters []string
	writeClusters(g, clusterWriter{
		open: func(i int, label string, external bool) {
			if external {
				externalClusters = append(externalClusters, fmt.Sprintf("a%d", i))
			}
			fmt.Fprintf(bw, "  subgraph a%d[%s]\n", i, mermaidString([]string{label}))
		},
		node:  func(indent string, n GraphNode) { writeMermaidNode(bw, indent, n) },
		close: func() { fmt.Fprintln(bw, "  end") },
	})
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Access == result.Conditional {
			arrow = "-.->"
		}
		fmt.Fprintf(bw, "  %s %s|%s| %s\n", e.From, arrow, mermaidString(edgeLines(e)), e.To)
	}
	fmt.Fprintf(bw, "  classDef key fill:%s,stroke:#9a6700,stroke-width:2px\n", keyFill)
	fmt.Fprintf(bw, "  classDef external stroke:%s,stroke-width:2px,color:%s\n", externalColor, externalColor)
	fmt.Fprintf(bw, "  classDef anyone fill:%s,stroke:%s,stroke-width:3px,color:%s\n", anyoneFill, externalColor, externalColor)
	for _, class := range []string{"key", "external", "anyone"} {
		var ids []string
		for _, n := range g.Nodes {
			if nodeClass(n) == class {
				ids = append(ids, n.ID)
			}
		}
		if len(ids) > 0 {
			fmt.Fprintf(bw, "  class %s %s\n", strings.Join(ids, ","), class)
		}
	}
	for _, c := range externalClusters {
		fmt.Fprintf(bw, "  style %s stroke:%s,stroke-dasharray:5 3\n", c, externalColor)
	}
	links := map[string][]string{}
	for i, e := range g.Edges {
		links[e.Group] = append(links[e.Group], strconv.Itoa(i))
	}
	for _, grp := range groupOrder {
		if ids := links[grp]; len(ids) > 0 {
			fmt.Fprintf(bw, "  linkStyle %s stroke:%s,color:%s\n", strings.Join(ids, ","), groupColors[grp], groupColors[grp])
		}
	}
	return bw.Flush()
}

func nodeClass(n GraphNode) string {
	switch {
	case n.Anyone:
		return "anyone"
	case n.External:
		return "external"
	case n.Type == "key":
		return "key"
	}
	return ""
}

func writeMermaidNode(w io.Writer, indent string, n GraphNode) {
	lines := []string{n.Label}
	if note := nodeNote(n); note != "" {
		lines = append(lines, note)
	}
	label := mermaidString(lines)
	var shape string
	switch {
	case n.Anyone:
		shape = "{{" + label + "}}"
	case n.Type == "key":
		shape = "[[" + label + "]]"
	case n.Type == "service":
		shape = "([" + label + "])"
	case n.Type == "account":
		shape = "[/" + label + "/]"
	default:
		shape = "(" + label + ")"
	}
	fmt.Fprintf(w, "%s%s%s\n", indent, n.ID, shape)
}

// mermaidEscaper writes the characters Mermaid's flowchart grammar or its
// HTML labels would read as syntax as Mermaid entity codes (#quot; becomes
// &quot;); "#" itself first.
var mermaidEscaper = strings.NewReplacer(
	"#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "`", "#96;",
	"\r", "", "\n", " ",
)

// mermaidString is a quoted Mermaid label of lines (joined by <br>).
func mermaidString(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidEscaper.Replace(l)
	}
	return `"` + strings.Join(esc, "<br>") + `"`
}

// mermaidTitle is the front matter's title, a YAML double-quoted string.
func mermaidTitle(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", "")
	return `"` + r.Replace(s) + `"`
}
