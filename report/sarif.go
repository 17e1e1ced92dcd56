package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/kmsguard/kmsguard/result"
)

// sarifLevel maps severities to SARIF levels.
var sarifLevel = map[string]string{
	"critical": "error",
	"high":     "error",
	"medium":   "warning",
	"low":      "note",
	"info":     "note",
}

// securitySeverity is GitHub code scanning's numeric severity
// ("security-severity": over 9.0 critical, 7.0 high, 4.0 medium, else low).
var securitySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
	"info":     "1.0",
}

// SARIF writes a SARIF 2.1.0 log with one run: the rule catalog as the
// driver's rules (ruleId = KMSnnn), one result per finding with its file and
// line, suppressed findings with an accepted external suppression carrying
// the reason and pointing at the configuration line, and input errors as
// tool execution notifications.
func SARIF(w io.Writer, res *result.Result, opt Options) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("kmsguard", "https://github.com/kmsguard/kmsguard")
	if opt.Version != "" {
		run.Tool.Driver.WithVersion(opt.Version)
	}
	rules := catalogWithFindings(opt.Rules, res.Findings)
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		full := r.Description
		if full == "" {
			full = r.Title
		}
		rule := run.AddRule(r.ID).
			WithName(r.Name).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(full)).
			WithHelp(sarif.NewMultiformatMessageString(HelpText(r.Remediation, r.ID))).
			WithHelpURI(DocURL(r.ID)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity)))
		rule.WithProperties(sarif.Properties{
			"tags":              tags(r.Category),
			"security-severity": securitySeverity[r.Severity],
			"severity":          r.Severity,
		})
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		result := run.CreateResultForRule(f.ID).
			WithRuleIndex(index[f.ID]).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Msg)).
			WithLocations([]*sarif.Location{location(f.File, f.Line, 0, f.Resource, f.Where)})
		result.Properties = sarif.Properties{"severity": f.Severity}
		result.WithPartialFingerPrints(map[string]interface{}{FingerprintKey: fingerprint(f)})
		if f.Suppressed != nil {
			result.AddSuppression(suppression(f))
		}
	}
	inv := run.AddInvocation(len(res.Errors) == 0)
	inv.ToolExecutionNotifications = []*sarif.Notification{}
	for i := range res.Errors {
		e := &res.Errors[i]
		line, col := e.FileLine()
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("error").
			WithTextMessage(e.Detail()).
			WithLocations([]*sarif.Location{location(e.File, line, col, "", "")}))
	}
	log.AddRun(run)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// FingerprintKey names kmsguard's partial fingerprint in SARIF results.
// Code scanning matches a result with the alert of an earlier run by it, so
// it leaves the line out: a finding stays the same alert when lines are
// added above it.
const FingerprintKey = "kmsguardFinding/v1"

// fingerprint identifies a finding across runs: the file, the rule, where
// in the file (template resource, statement Sid or index) and the message.
func fingerprint(f *result.FileFinding) string {
	stmt := f.Sid
	if stmt == "" && f.Statement != nil {
		stmt = strconv.Itoa(*f.Statement)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{f.File, f.ID, f.Where, stmt, f.Msg}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// suppression is the SARIF suppression of a finding accepted in the
// configuration: its location is the configuration line, its guid derived
// from the finding so that it is stable from run to run.
func suppression(f *result.FileFinding) *sarif.Suppression {
	s := sarif.NewSuppression("external").WithStatus("accepted").WithJustifcation(f.Suppressed.Reason)
	file, line := f.Suppressed.Config, 0
	if i := strings.LastIndexByte(file, ':'); i > 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, line = file[:i], n
		}
	}
	s.WithLocation(location(file, line, 0, "", ""))
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%s\x00%s\x00%s", f.File, f.Line, f.ID, f.Msg, f.Suppressed.Config)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50 // a name-based (version 5 style) UUID
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b)
	return s.WithGuid(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
}

func level(severity string) string {
	if l, ok := sarifLevel[severity]; ok {
		return l
	}
	return "error"
}

func tags(category string) []string {
	if category == "" {
		return []string{"security"}
	}
	return []string{"security", category}
}

// catalogWithFindings is the catalog plus any rule a finding names that the
// catalog lacks (from the finding's own metadata), sorted by id.
func catalogWithFindings(catalog []result.Rule, findings []result.FileFinding) []result.Rule {
	seen := map[string]bool{}
	var out []result.Rule
	for _, r := range catalog {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	for _, f := range findings {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, result.Rule{ID: f.ID, Name: f.Name, Title: f.Title, Severity: f.Severity,
				Category: f.Category, Description: f.Description, Remediation: f.Remediation})
		}
	}
	sortRules(out)
	return out
}

// location is a SARIF location: the file (a relative URI, or a file: URI
// for an absolute path), the line and column when known, and the
// CloudFormation or Terraform resource as a logical location.
func location(file string, line, column int, resource, where string) *sarif.Location {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(file)))
	if line > 0 {
		region := sarif.NewRegion().WithStartLine(line)
		if column > 0 {
			region.WithStartColumn(column)
		}
		phys.WithRegion(region)
	}
	loc := sarif.NewLocationWithPhysicalLocation(phys)
	if where != "" {
		ll := sarif.NewLogicalLocation().WithFullyQualifiedName(where).WithKind("resource")
		if resource != "" {
			ll.WithName(resource)
		}
		loc.WithLogicalLocations([]*sarif.LogicalLocation{ll})
	}
	return loc
}

func fileURI(file string) string {
	if strings.HasPrefix(file, "/") {
		return (&url.URL{Scheme: "file", Path: path.Clean(file)}).String()
	}
	return (&url.URL{Path: file}).String()
}
