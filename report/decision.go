package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/result"
)

// DecisionOptions say what a decision's text shows.
type DecisionOptions struct {
	// Defaulted says the resource was not given: a key in the principal's
	// account stands for it, and a first line says so.
	Defaulted bool
	// Explain is the explanation (data.kmsguard.authz.explain) to show
	// after the answer; nil for none.
	Explain map[string]any
	// Width wraps lines and fits tables to this many columns; 0 does not.
	Width int
}

// WriteDecision writes the answer to the question q in format: json (the
// explanation when opt.Explain holds one and the answer is no error, else
// the answer) or text (DecisionText; nothing for an error answer, whose
// message is the caller's to print).
func WriteDecision(w io.Writer, format string, q map[string]any, a *result.Answer, opt DecisionOptions) error {
	switch {
	case format == "json" && opt.Explain != nil && a.Error == "":
		return WriteJSON(w, SchemaExplain, opt.Explain, "")
	case format == "json":
		return WriteJSON(w, SchemaCan, a, "")
	case a.Error != "":
		return nil
	}
	return DecisionText(w, q, a, opt)
}

// DecisionText writes the answer to the question q (not an error answer)
// for people, the explanation after it when there is one:
//
//	Allowed: arn:aws:iam::111122223333:user/alice may call kms:Decrypt on
//	    arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
//	  because:
//	    key policy Statement[0] "Enable IAM User Permissions" (Allow)
func DecisionText(w io.Writer, q map[string]any, a *result.Answer, opt DecisionOptions) error {
	bw := bufio.NewWriter(w)
	width := opt.Width
	if opt.Defaulted {
		line := fmt.Sprintf("Resource: %s (no --resource: a key in the principal's account)", q["resource"])
		fmt.Fprintln(bw, textwrap.Indent(line, "", "    ", width))
	}
	writeAnswer(bw, q, a, width)
	if a.RequestTime != "" && q["request_time"] == nil {
		fmt.Fprintln(bw, textwrap.Indent("  at "+a.RequestTime+" (now: a policy tests aws:CurrentTime or aws:EpochTime; --request-time repeats it)", "", "    ", width))
	}
	if opt.Explain != nil {
		if err := writeExplain(bw, opt.Explain, width); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeAnswer writes the decision, its lines wrapped to width columns.
func writeAnswer(bw *bufio.Writer, q map[string]any, a *result.Answer, width int) {
	subject := fmt.Sprintf("%v may call %v on %v", q["principal"], q["action"], q["resource"])
	notSubject := fmt.Sprintf("%v may not call %v on %v", q["principal"], q["action"], q["resource"])
	head := func(s string) { fmt.Fprintln(bw, textwrap.Indent(s, "", "    ", width)) }
	item := func(s string) { fmt.Fprintln(bw, textwrap.Indent(s, "    ", "      ", width)) }
	switch a.Decision {
	case "Allowed":
		head("Allowed: " + subject)
		writeReasons(bw, "because", a.Reasons, item)
	case "ExplicitlyDenied":
		head("Explicitly denied: " + notSubject)
		writeReasons(bw, "denied by", a.Reasons, item)
	default:
		head("Implicitly denied: " + notSubject)
		if len(a.Missing) > 0 {
			fmt.Fprintln(bw, "  missing:")
			for _, m := range a.Missing {
				item(m)
			}
		} else {
			fmt.Fprintln(bw, "  no statement or grant allows it")
		}
	}
}

func writeReasons(w io.Writer, title string, rs []result.Reason, item func(string)) {
	if len(rs) == 0 {
		return
	}
	fmt.Fprintf(w, "  %s:\n", title)
	for _, r := range rs {
		item(answerReason(r))
	}
}

// answerReason describes one reason of an answer: `identity policy #0 Statement[1] "Sid" (Allow)`.
func answerReason(r result.Reason) string {
	var b strings.Builder
	b.WriteString(policyLabel(r.Policy, r.Level, r.Index, r.GrantID))
	if r.Statement != nil {
		fmt.Fprintf(&b, " Statement[%d]", *r.Statement)
	}
	if r.Sid != "" {
		fmt.Fprintf(&b, " %q", r.Sid)
	}
	if r.Effect != "" {
		fmt.Fprintf(&b, " (%s)", r.Effect)
	}
	return b.String()
}

// policyLabel names a policy or grant of a question in words.
func policyLabel(policy string, level, index *int, grantID string) string {
	var b strings.Builder
	switch policy {
	case "key_policy":
		b.WriteString("key policy")
	case "identity_policy":
		b.WriteString("identity policy")
	case "permissions_boundary":
		b.WriteString("permissions boundary")
	case "session_policy":
		b.WriteString("session policy")
	case "scp":
		b.WriteString("SCP")
	case "rcp":
		b.WriteString("RCP")
	case "vpc_endpoint_policy":
		b.WriteString("VPC endpoint policy")
	case "grant":
		b.WriteString("grant")
	case "":
		b.WriteString("?")
	default:
		b.WriteString(policy)
	}
	if level != nil {
		fmt.Fprintf(&b, " level %d", *level)
	}
	if index != nil {
		fmt.Fprintf(&b, " #%d", *index)
	}
	if grantID != "" {
		fmt.Fprintf(&b, " id %s", grantID)
	}
	return b.String()
}

// writeExplain writes the statements and grants of an explanation
// (data.kmsguard.authz.explain) as tables fit to width columns (0: not
// wrapped): for each, whether it applies and which of its parts did not
// match the request. Missing fields show as "-"; top-level fields it does
// not know are printed as JSON.
func writeExplain(bw *bufio.Writer, explain map[string]any, width int) error {
	var failed []string
	table := func(rows [][]string, wrap []bool) {
		for _, line := range textwrap.Table(rows, wrap, "  ", width) {
			fmt.Fprintln(bw, line)
		}
	}

	if stmts, ok := explain["statements"].([]any); ok {
		fmt.Fprintln(bw, "\nStatements:")
		rows := [][]string{{"STATEMENT", "SID", "EFFECT", "APPLIES", "NOT MATCHED"}}
		for _, s := range stmts {
			m, _ := s.(map[string]any)
			label := policyLabel(str(m["policy"]), intOf(m["level"]), intOf(m["index"]), "")
			if n := intOf(m["statement"]); n != nil {
				label += fmt.Sprintf(" Statement[%d]", *n)
			}
			sid := str(m["sid"])
			if sid == "" {
				sid = "-"
			} else {
				sid = strconv.Quote(sid)
			}
			rows = append(rows, []string{label, sid, orDash(str(m["effect"])), yesNo(m["applies"]),
				notMatched(m, "action", "principal", "resource", "conditions")})
			if fcs, ok := m["failed_conditions"].([]any); ok {
				for _, fc := range fcs {
					failed = append(failed, fmt.Sprintf("%s: %s", label, conditionText(fc)))
				}
			}
		}
		if len(stmts) == 0 {
			fmt.Fprintln(bw, "  (none)")
		} else {
			table(rows, []bool{true, true, false, false, true})
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(bw, "\nFailed conditions:")
		for _, f := range failed {
			fmt.Fprintln(bw, textwrap.Indent(f, "  ", "    ", width))
		}
	}
	if grants, ok := explain["grants"].([]any); ok && len(grants) > 0 {
		fmt.Fprintln(bw, "\nGrants:")
		rows := [][]string{{"GRANT", "APPLIES", "NOT MATCHED"}}
		for _, g := range grants {
			m, _ := g.(map[string]any)
			rows = append(rows, []string{policyLabel("grant", nil, intOf(m["index"]), str(m["grant_id"])),
				yesNo(m["applies"]), notMatched(m, "grantee", "operation", "constraints")})
		}
		table(rows, []bool{true, false, true})
	}
	for _, k := range slices.Sorted(maps.Keys(explain)) {
		switch k {
		case "decision", "statements", "grants":
			continue
		}
		j, err := json.Marshal(explain[k])
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "\n%s: %s\n", k, j)
	}
	return nil
}

// notMatched names the parts of a statement or grant (m's boolean fields)
// that did not match the request, "-" when none did not; a part the
// explanation does not say is named with a question mark.
func notMatched(m map[string]any, parts ...string) string {
	var out []string
	for _, p := range parts {
		switch m[p] {
		case true:
		case false:
			out = append(out, p)
		default:
			out = append(out, p+"?")
		}
	}
	return orDash(strings.Join(out, ", "))
}

// conditionText describes a failed condition: `StringEquals kms:ViaService ["s3.us-east-1.amazonaws.com"]`.
func conditionText(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		j, _ := json.Marshal(v)
		return string(j)
	}
	values, _ := json.Marshal(m["values"])
	return fmt.Sprintf("%s %s %s", orDash(str(m["operator"])), orDash(str(m["key"])), values)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(v any) string {
	switch v {
	case true:
		return "yes"
	case false:
		return "no"
	}
	return "-"
}

func intOf(v any) *int {
	var i int64
	switch n := v.(type) {
	case json.Number:
		x, err := n.Int64()
		if err != nil {
			return nil
		}
		i = x
	case float64:
		i = int64(n)
	case int:
		i = int64(n)
	case int64:
		i = n
	default:
		return nil
	}
	x := int(i)
	return &x
}
