package result

import (
	"fmt"
	"strings"
)

// Severities from the most to the least severe (docs/lint-format.md).
var Severities = []string{"critical", "high", "medium", "low", "info"}

// severityRank orders severities: lower is more severe.
var severityRank = map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}

// FailOnNone is the --fail-on level no finding reaches: a soft fail.
const FailOnNone = "none"

// ParseSeverity checks a severity given by the user.
func ParseSeverity(s string) (string, error) {
	if _, ok := severityRank[s]; !ok {
		return "", fmt.Errorf("unknown severity %q (expected %s)", s, strings.Join(Severities, ", "))
	}
	return s, nil
}

// AtLeast reports whether severity sev is at least as severe as threshold.
// An unknown severity counts as the most severe; nothing reaches the
// threshold "none" (--fail-on none).
func AtLeast(sev, threshold string) bool {
	if threshold == FailOnNone {
		return false
	}
	r, ok := severityRank[sev]
	if !ok {
		r = -1
	}
	return r <= severityRank[threshold]
}

// Failing counts the findings that fail a run: not suppressed and at least
// as severe as failOn.
func (r *Result) Failing(failOn string) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Suppressed == nil && AtLeast(r.Findings[i].Severity, failOn) {
			n++
		}
	}
	return n
}

// Counts are numbers of findings by severity.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// Summary counts the findings of a run.
type Summary struct {
	Files      int    `json:"files"`
	Documents  int    `json:"documents"`
	Skipped    int    `json:"skipped"`
	NotPolicy  int    `json:"not_policy"`
	Errors     int    `json:"errors"`
	Findings   int    `json:"findings"`
	Suppressed int    `json:"suppressed"`
	Failing    int    `json:"failing"`
	FailOn     string `json:"fail_on"`
	BySeverity Counts `json:"by_severity"`
}

// Summarize counts the findings of a run; suppressed findings are counted
// apart and not by severity.
func (r *Result) Summarize(failOn string) Summary {
	s := Summary{Files: r.Files, Documents: r.Documents, Skipped: r.Skipped, NotPolicy: r.NotPolicy,
		Errors: len(r.Errors), Failing: r.Failing(failOn), FailOn: failOn}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			s.Suppressed++
			continue
		}
		s.Findings++
		switch f.Severity {
		case "critical":
			s.BySeverity.Critical++
		case "high":
			s.BySeverity.High++
		case "medium":
			s.BySeverity.Medium++
		case "low":
			s.BySeverity.Low++
		default:
			s.BySeverity.Info++
		}
	}
	return s
}
