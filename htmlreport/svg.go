package htmlreport

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
)

// Layout of the access graph: the centre in the middle, the nodes of its
// account on the left, everything else (other accounts, services, "*") on
// the right, one row each, in the graph's order. At most maxNodes per side
// are drawn; the table lists them all.
const (
	svgWidth  = 960
	nodeW     = 330
	nodeH     = 32
	rowH      = 40
	centreW   = 220
	topMargin = 12
	maxNodes  = 40
)

// nodeEdges is what the picture shows of a node's edges: the strongest
// group's colour, whether every edge is conditional, and a summary
// ("administer · use (conditional)").
type nodeEdges struct {
	color       string
	conditional bool
	summary     string
}

func summariseEdges(g *report.Graph) map[string]nodeEdges {
	type acc struct {
		groups map[string]string // group -> "allowed" if any allowed edge
		order  []string
	}
	per := map[string]*acc{}
	for _, e := range g.Edges {
		id := e.From
		if id == g.Nodes[0].ID {
			id = e.To
		}
		a := per[id]
		if a == nil {
			a = &acc{groups: map[string]string{}}
			per[id] = a
		}
		if _, ok := a.groups[e.Group]; !ok {
			a.order = append(a.order, e.Group)
			a.groups[e.Group] = e.Access
		} else if e.Access == result.Allowed {
			a.groups[e.Group] = result.Allowed
		}
	}
	out := map[string]nodeEdges{}
	for id, a := range per {
		ne := nodeEdges{conditional: true}
		var parts []string
		for _, grp := range a.order {
			if ne.color == "" {
				ne.color = report.GroupColor(grp) // groups come administer, use, grant
			}
			part := grp
			if a.groups[grp] == result.Conditional {
				part += " (conditional)"
			} else {
				ne.conditional = false
			}
			parts = append(parts, part)
		}
		ne.summary = strings.Join(parts, " · ")
		out[id] = ne
	}
	return out
}

// keySVG draws a key's graph, its centre labelled with the key's first
// alias, or its id.
func keySVG(k section) template.HTML {
	label := k.Graph.Nodes[0].Label
	if len(k.Aliases) > 0 {
		label = k.Aliases[0]
	} else if r := []rune(label); len(r) > 30 {
		label = "key/…" + string(r[len(r)-12:])
	}
	return SVG(k.Graph, label)
}

// SVG draws a graph as an inline SVG element with a deterministic layout;
// centre labels the node in the middle.
func SVG(g *report.Graph, centre string) template.HTML {
	edges := summariseEdges(g)
	c := g.Nodes[0]
	var left, right []report.GraphNode
	for _, n := range g.Nodes[1:] {
		if n.Account != "" && n.Account == c.Account && !n.External {
			left = append(left, n)
		} else {
			right = append(right, n)
		}
	}
	leftMore, rightMore := 0, 0
	if len(left) > maxNodes {
		left, leftMore = left[:maxNodes], len(left)-maxNodes
	}
	if len(right) > maxNodes {
		right, rightMore = right[:maxNodes], len(right)-maxNodes
	}
	rows := max(len(left)+min(leftMore, 1), len(right)+min(rightMore, 1), 1)
	height := topMargin*2 + rows*rowH
	cx, cy := svgWidth/2, topMargin+rows*rowH/2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="graph" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		svgWidth, height, svgWidth, height, esc(g.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(g.Title))
	side := func(nodes []report.GraphNode, more int, x int, edgeX int, toX int) {
		for i, n := range nodes {
			y := topMargin + i*rowH + (rowH-nodeH)/2
			ne := edges[n.ID]
			dash := ""
			if ne.conditional {
				dash = ` stroke-dasharray="6 4"`
			}
			my := y + nodeH/2
			mid := (edgeX + toX) / 2
			fmt.Fprintf(&b, `<path d="M%d %dC%d %d %d %d %d %d" fill="none" stroke="%s" stroke-width="1.5"%s/>`,
				edgeX, my, mid, my, mid, cy, toX, cy, ne.color, dash)
			class := "node"
			switch {
			case n.Anyone:
				class += " anyone"
			case n.External:
				class += " external"
			}
			fmt.Fprintf(&b, `<g class="%s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6"/>`,
				class, esc(n.Name+"\n"+ne.summary), x, y, nodeW, nodeH)
			label := n.Label
			if note := noteOf(n); note != "" {
				label += " (" + note + ")"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">%s</text>`, x+8, y+13, esc(truncate(label, 52)))
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="groups">%s</text></g>`, x+8, y+26, esc(truncate(ne.summary, 60)))
		}
		if more > 0 {
			y := topMargin + len(nodes)*rowH + (rowH-nodeH)/2
			fmt.Fprintf(&b, `<g class="node more"><rect x="%d" y="%d" width="%d" height="%d" rx="6"/><text x="%d" y="%d" class="label">%d more: see the table</text></g>`,
				x, y, nodeW, nodeH, x+8, y+20, more)
		}
	}
	side(left, leftMore, 10, 10+nodeW, cx-centreW/2)
	side(right, rightMore, svgWidth-10-nodeW, svgWidth-10-nodeW, cx+centreW/2)
	class := "centre"
	if c.Anyone {
		class += " anyone"
	}
	fmt.Fprintf(&b, `<g class="%s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="10"/><text x="%d" y="%d" text-anchor="middle" class="label">%s</text></g>`,
		class, esc(c.Name), cx-centreW/2, cy-nodeH/2-4, centreW, nodeH+8, cx, cy+4, esc(truncate(centre, 30)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped by esc
}

func noteOf(n report.GraphNode) string {
	switch {
	case n.Anyone:
		return "any principal"
	case n.External:
		return "external"
	}
	return ""
}

func esc(s string) string { return html.EscapeString(s) }

// breakable is an ARN as HTML that may wrap after its ":" and "/".
func breakable(s string) template.HTML {
	e := esc(s)
	e = strings.ReplaceAll(e, ":", ":<wbr>")
	e = strings.ReplaceAll(e, "/", "/<wbr>")
	return template.HTML(e) //nolint:gosec // escaped above
}

// truncate shortens s to at most n runes, ending with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
