package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/result"
)

// groupColors are the colours of the action groups in every picture.
var groupColors = map[string]string{
	GroupAdminister: "#8250df",
	GroupUse:        "#0969da",
	GroupGrant:      "#bc4c00",
	GroupOther:      "#57606a",
}

// GroupColor is the colour of an action group in the pictures.
func GroupColor(group string) string {
	if c, ok := groupColors[group]; ok {
		return c
	}
	return groupColors[GroupOther]
}

const (
	externalColor = "#cf222e"
	keyFill       = "#fff8c5"
	anyoneFill    = "#ffebe9"
)

// WriteDOT writes a graph in Graphviz's DOT language (render it with
// `dot -Tsvg`): accounts as clusters, external accounts and "*" in red,
// conditional access dashed.
func WriteDOT(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "digraph whocan {")
	fmt.Fprintf(bw, "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=%s];\n", dotString(g.Title))
	fmt.Fprintln(bw, `  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded"];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=9];`)
	center := g.Nodes[0]
	writeDOTNode(bw, "  ", center)
	writeClusters(g, clusterWriter{
		open: func(i int, label string, external bool) {
			attrs := ""
			if external {
				attrs = fmt.Sprintf(" color=%q; fontcolor=%q; style=dashed;", externalColor, externalColor)
			}
			fmt.Fprintf(bw, "  subgraph cluster_%d {\n    label=%s;%s\n", i, dotString(label), attrs)
		},
		node:  func(indent string, n GraphNode) { writeDOTNode(bw, indent, n) },
		close: func() { fmt.Fprintln(bw, "  }") },
	})
	for _, e := range g.Edges {
		style := "solid"
		if e.Access == result.Conditional {
			style = "dashed"
		}
		fmt.Fprintf(bw, "  %s -> %s [label=%s, color=%q, fontcolor=%q, style=%s];\n",
			e.From, e.To, dotLines(edgeLines(e)), groupColors[e.Group], groupColors[e.Group], style)
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

func writeDOTNode(w io.Writer, indent string, n GraphNode) {
	lines := []string{n.Label}
	if note := nodeNote(n); note != "" {
		lines = append(lines, note)
	}
	attrs := []string{"label=" + dotString(strings.Join(lines, "\n")), "tooltip=" + dotString(n.Name)}
	switch n.Type {
	case "key":
		attrs = append(attrs, "shape=doubleoctagon", `style="filled"`, fmt.Sprintf("fillcolor=%q", keyFill))
	case "service":
		attrs = append(attrs, "shape=hexagon", `style=""`)
	case "account":
		attrs = append(attrs, "shape=folder", `style=""`)
	}
	switch {
	case n.Anyone:
		attrs = append(attrs, "shape=octagon", `style="filled,bold"`, fmt.Sprintf("fillcolor=%q", anyoneFill), fmt.Sprintf("color=%q", externalColor), "penwidth=2")
	case n.External:
		attrs = append(attrs, fmt.Sprintf("color=%q", externalColor), fmt.Sprintf("fontcolor=%q", externalColor), "penwidth=2")
	}
	fmt.Fprintf(w, "%s%s [%s];\n", indent, n.ID, strings.Join(attrs, ", "))
}

// dotString quotes s as a DOT string: backslashes (which would start an
// escape such as \N in a label) and double quotes escaped, line breaks as
// \n.
func dotString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// dotLines is a label of left-justified lines (each ends with \l).
func dotLines(lines []string) string {
	var b strings.Builder
	b.WriteByte('"')
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\l`)
	for _, l := range lines {
		b.WriteString(r.Replace(l))
		b.WriteString(`\l`)
	}
	b.WriteByte('"')
	return b.String()
}
