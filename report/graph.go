package report

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	kmsrego "github.com/kmsguard/kmsguard/rego"
	"github.com/kmsguard/kmsguard/result"
)

// Action groups of a graph edge.
const (
	GroupAdminister = "administer"
	GroupUse        = "use"
	GroupGrant      = "grant"
	GroupOther      = "other"
)

// groupOrder is the order of groups on a node's edges.
var groupOrder = []string{GroupAdminister, GroupUse, GroupGrant, GroupOther}

// classGroups maps the action catalogue's classes
// (rego/kmsguard/catalog/data.json) to the groups of a graph.
// permission_escalation holds CreateGrant and PutKeyPolicy: the one a grant
// may carry (grant_operation) is "grant", the other "administer".
var classGroups = map[string]string{
	"key_admin":        GroupAdminister,
	"crypto_use":       GroupUse,
	"shared_read":      GroupUse,
	"grant_management": GroupGrant,
}

var actionGroups = sync.OnceValues(func() (map[string]string, error) {
	data, err := fs.ReadFile(kmsrego.FS, "kmsguard/catalog/data.json")
	if err != nil {
		return nil, err
	}
	var catalog struct {
		Actions map[string]struct {
			Name           string `json:"name"`
			Class          string `json:"class"`
			GrantOperation bool   `json:"grant_operation"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(data, &catalog); err != nil {
		return nil, fmt.Errorf("the action catalogue: %w", err)
	}
	out := make(map[string]string, len(catalog.Actions))
	for key, a := range catalog.Actions {
		g, ok := classGroups[a.Class]
		switch {
		case ok:
		case a.Class == "permission_escalation" && a.GrantOperation:
			g = GroupGrant
		case a.Class == "permission_escalation":
			g = GroupAdminister
		default:
			g = GroupOther
		}
		out[key] = g
	}
	return out, nil
})

// ActionGroup is the group of a KMS action ("kms:Decrypt" is "use"), from the
// action catalogue's class; an action the catalogue does not know is
// "other".
func ActionGroup(action string) string {
	groups, err := actionGroups()
	if err != nil {
		return GroupOther // the embedded catalogue is checked by the tests
	}
	if g, ok := groups[strings.ToLower(strings.TrimPrefix(action, "kms:"))]; ok {
		return g
	}
	return GroupOther
}

// Graph is who-can as a picture: the key (or principal) asked about at the
// centre, the other side's nodes around it, and one edge per node, action
// group and access level, principal to key.
type Graph struct {
	Title string
	Nodes []GraphNode // the centre first, then by account and label
	Edges []GraphEdge
}

// GraphNode is a key or a principal. Account is the 12-digit account of an
// IAM principal, an account or a key ("" for services and "*"). External
// marks a principal of another account than the key's; Anyone marks "*".
type GraphNode struct {
	ID       string
	Name     string // the ARN, account id or service principal
	Label    string
	Type     string // "key", or the principal's type (role, user, account, service, anyone, ...)
	Account  string
	External bool
	Anyone   bool
	Center   bool
}

// GraphEdge is the access of a principal (From) to a key (To) for the
// actions of one group at one level, with the conditions a request must
// still meet on the simplest path of each action, and whether that access
// comes through a grant.
type GraphEdge struct {
	From, To   string
	Group      string
	Access     string
	Actions    []string
	Conditions []string
	ViaGrant   bool
}

var arnAccountRE = lazyregexp.New(`^arn:[^:]+:(?:iam|sts|kms):[^:]*:(\d{12}):`)

// AccountOf is the account of an IAM, STS or KMS ARN or of an account id
// ("" for a service principal or "*").
func AccountOf(name string) string {
	if m := arnAccountRE.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	if len(name) == 12 && strings.Trim(name, "0123456789") == "" {
		return name
	}
	return ""
}

// shortName is a node's label: the resource part of an ARN (role/App,
// key/1234...), "account 111122223333" for an account principal, a service
// principal as it is, and "* (anyone)" for "*".
func shortName(name, typ string) string {
	acct := AccountOf(name)
	switch {
	case typ == "anyone" || name == "*":
		return "* (anyone)"
	case typ == "account":
		return "account " + acct
	case acct == "":
		return name
	}
	if i := strings.Index(name, ":"+acct+":"); i >= 0 {
		return name[i+len(acct)+2:]
	}
	return name
}

// KeyGraph draws a who-can --key answer: every principal points at the key.
func KeyGraph(r *result.KeyReport) *Graph {
	keyAccount := AccountOf(r.Key)
	g := &Graph{Title: "Who can use " + r.Key}
	g.Nodes = append(g.Nodes, GraphNode{ID: "n0", Name: r.Key, Label: shortName(r.Key, "key"), Type: "key", Account: keyAccount, Center: true})
	principals := slices.Clone(r.Principals)
	sort.SliceStable(principals, func(i, j int) bool { return nodeLess(principals[i].Principal, principals[j].Principal) })
	for i, p := range principals {
		id := fmt.Sprintf("n%d", i+1)
		acct := AccountOf(p.Principal)
		g.Nodes = append(g.Nodes, GraphNode{
			ID: id, Name: p.Principal, Label: shortName(p.Principal, p.Type), Type: p.Type, Account: acct,
			External: p.External || (acct != "" && acct != keyAccount), Anyone: p.Type == "anyone" || p.Principal == "*",
		})
		g.Edges = append(g.Edges, groupEdges(id, "n0", p.Access)...)
	}
	return g
}

// PrincipalGraph draws a who-can --principal answer: the principal points at
// every key it can use.
func PrincipalGraph(r *result.PrincipalReport) *Graph {
	acct := AccountOf(r.Principal)
	g := &Graph{Title: "What " + r.Principal + " can use"}
	g.Nodes = append(g.Nodes, GraphNode{ID: "n0", Name: r.Principal, Label: shortName(r.Principal, r.Type), Type: r.Type, Account: acct,
		Anyone: r.Type == "anyone" || r.Principal == "*", Center: true})
	keys := slices.Clone(r.Keys)
	sort.SliceStable(keys, func(i, j int) bool { return nodeLess(keys[i].Key, keys[j].Key) })
	for i, k := range keys {
		id := fmt.Sprintf("n%d", i+1)
		g.Nodes = append(g.Nodes, GraphNode{ID: id, Name: k.Key, Label: shortName(k.Key, "key"), Type: "key", Account: AccountOf(k.Key), External: k.External})
		g.Edges = append(g.Edges, groupEdges("n0", id, k.Access)...)
	}
	return g
}

// nodeLess orders nodes by account, then name ("*" and services last).
func nodeLess(a, b string) bool {
	aa, ba := AccountOf(a), AccountOf(b)
	if (aa == "") != (ba == "") {
		return aa != ""
	}
	if aa != ba {
		return aa < ba
	}
	return a < b
}

// groupEdges merges a node's access groups into one edge per action group
// and level (allowed before conditional).
func groupEdges(from, to string, groups []result.Access) []GraphEdge {
	type bucket struct{ group, level string }
	edges := map[bucket]*GraphEdge{}
	for _, a := range groups {
		best := a.BestPath()
		var conds []string
		viaGrant := false
		for _, e := range best {
			if e.Requires != "" {
				conds = append(conds, e.Text)
			}
			for _, c := range e.Conditions {
				conds = append(conds, c.Text)
			}
			if e.Reason != nil && e.Reason.Policy == "grant" {
				viaGrant = true
			}
		}
		for _, act := range a.Actions {
			b := bucket{ActionGroup(act), a.Access}
			e := edges[b]
			if e == nil {
				e = &GraphEdge{From: from, To: to, Group: b.group, Access: b.level, ViaGrant: true}
				edges[b] = e
			}
			e.Actions = append(e.Actions, act)
			e.Conditions = append(e.Conditions, conds...)
			e.ViaGrant = e.ViaGrant && viaGrant
		}
	}
	var out []GraphEdge
	for _, grp := range groupOrder {
		for _, level := range []string{result.Allowed, result.Conditional} {
			e := edges[bucket{grp, level}]
			if e == nil {
				continue
			}
			sort.Strings(e.Actions)
			e.Actions = slices.Compact(e.Actions)
			sort.Strings(e.Conditions)
			e.Conditions = slices.Compact(e.Conditions)
			out = append(out, *e)
		}
	}
	return out
}

// edgeLines is an edge's label: the group and level, the actions (without
// "kms:", at most four), and the conditions.
func edgeLines(e GraphEdge) []string {
	names := make([]string, len(e.Actions))
	for i, a := range e.Actions {
		names[i] = strings.TrimPrefix(a, "kms:")
	}
	if len(names) > 4 {
		names = append(names[:3:3], fmt.Sprintf("and %d more", len(e.Actions)-3))
	}
	head := e.Group
	if e.Access == result.Conditional {
		head += " (conditional)"
	}
	if e.ViaGrant {
		head += " by grant"
	}
	lines := []string{head + ": " + strings.Join(names, ", ")}
	return append(lines, e.Conditions...)
}

// nodeNote is what a node's label adds about it: external, anyone.
func nodeNote(n GraphNode) string {
	switch {
	case n.Anyone:
		return "anyone: any principal of any account"
	case n.External && n.Type == "key":
		return "key of another account"
	case n.External:
		return "external"
	}
	return ""
}

// clusterWriter writes the account clusters of one graph format.
type clusterWriter struct {
	open  func(i int, label string, external bool) // before the nodes of cluster i
	node  func(indent string, n GraphNode)
	close func() // after them
}

// writeClusters writes the non-centre nodes of g grouped by account, in
// node order: each account's nodes inside a cluster labelled "account A"
// (" (external)" for another account than the centre's), and the nodes
// without an account (services, "*") outside any cluster.
func writeClusters(g *Graph, w clusterWriter) {
	var accounts []string
	members := map[string][]GraphNode{}
	for _, n := range g.Nodes[1:] {
		if _, ok := members[n.Account]; !ok {
			accounts = append(accounts, n.Account)
		}
		members[n.Account] = append(members[n.Account], n)
	}
	for i, acct := range accounts {
		indent := "  "
		if acct != "" {
			external := g.Nodes[0].Account != "" && acct != g.Nodes[0].Account
			label := "account " + acct
			if external {
				label += " (external)"
			}
			w.open(i, label, external)
			indent = "    "
		}
		for _, n := range members[acct] {
			w.node(indent, n)
		}
		if acct != "" {
			w.close()
		}
	}
}
