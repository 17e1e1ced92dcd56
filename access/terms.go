package access

import (
	"fmt"
	"strings"
)

// Terms of an access group as the text output shows them, for other
// renderers (the HTML report): what a request must meet on the path with the
// fewest conditions, how many other paths there are, the conditional denies
// ("when ... (statement)"), and the statements and grants of that path.
type AccessTerms struct {
	Requires   []string
	OtherPaths int
	Unless     []string
	Via        string
}

// TermsOf gives the terms of an access group.
func TermsOf(g Access) AccessTerms {
	var t AccessTerms
	for _, e := range bestPath(g) {
		if e.Requires != "" {
			t.Requires = append(t.Requires, e.Text)
		}
		for _, c := range e.Conditions {
			t.Requires = append(t.Requires, c.Text)
		}
	}
	if g.Access == Conditional {
		t.OtherPaths = max(len(g.Paths)-1, 0)
	}
	for _, d := range g.Unless {
		var cs []string
		for _, c := range d.Conditions {
			cs = append(cs, c.Text)
		}
		t.Unless = append(t.Unless, fmt.Sprintf("%s (%s)", strings.Join(cs, " and "), reasonText(d.Reason)))
	}
	t.Via = viaText(g)
	return t
}
