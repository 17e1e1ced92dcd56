package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/kmsguard/kmsguard/result"
)

// ReadinessText writes a service readiness report:
//
//	Service logs: not ready (key-policy.json)
//	  ok        CloudWatch Logs (logs.us-east-1.amazonaws.com) can call kms:Encrypt for ...
//	            Allowed by key policy Statement[2] "Logs"
//	  missing   ...
//	  optional  (not required: AWS lists it, the service works without it)
func ReadinessText(w io.Writer, file string, r *result.Readiness, useColor bool) error {
	bw := bufio.NewWriter(w)
	paint := painter(useColor)
	state := paint(color.New(color.Bold, color.FgGreen), "ready")
	if !r.Ready {
		state = paint(color.New(color.Bold, color.FgRed), "not ready")
	}
	fmt.Fprintf(bw, "Service %s: %s (%s)\n", r.Service, state, file)
	for _, c := range r.Checks {
		mark := paint(color.New(color.FgGreen), "ok      ")
		switch {
		case c.OK:
		case c.Required:
			mark = paint(color.New(color.FgRed), "missing ")
		default:
			mark = paint(color.New(color.FgYellow), "optional")
		}
		fmt.Fprintf(bw, "  %s  %s\n", mark, c.Requirement)
		fmt.Fprintf(bw, "            %s\n", decisionText(c.Decision))
	}
	return bw.Flush()
}

// ReadinessJSON writes the report as indented JSON, questions included.
func ReadinessJSON(w io.Writer, r *result.Readiness) error {
	return WriteJSON(w, SchemaReadiness, r, "  ")
}

func decisionText(a *result.Answer) string {
	switch {
	case a == nil:
		return "no decision"
	case a.Error != "":
		return "error: " + a.Error
	}
	var b strings.Builder
	switch a.Decision {
	case "Allowed":
		b.WriteString("Allowed")
	case "ExplicitlyDenied":
		b.WriteString("Explicitly denied")
	default:
		b.WriteString("Implicitly denied")
	}
	if len(a.Reasons) > 0 {
		parts := make([]string, len(a.Reasons))
		for i, r := range a.Reasons {
			parts[i] = reasonText(r)
		}
		b.WriteString(" by " + strings.Join(parts, ", "))
	}
	if len(a.Missing) > 0 {
		b.WriteString(" (missing: " + strings.Join(a.Missing, "; ") + ")")
	}
	return b.String()
}

// reasonText is `key policy Statement[2] "Sid"`.
func reasonText(r result.Reason) string {
	s := strings.ReplaceAll(r.Policy, "_", " ")
	if r.Index != nil {
		s += fmt.Sprintf(" #%d", *r.Index)
	}
	if r.Statement != nil {
		s += fmt.Sprintf(" Statement[%d]", *r.Statement)
	}
	if r.Sid != "" {
		s += fmt.Sprintf(" %q", r.Sid)
	}
	if r.GrantID != "" {
		s += " " + r.GrantID
	}
	return s
}
