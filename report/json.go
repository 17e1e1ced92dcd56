package report

import (
	"io"

	"github.com/kmsguard/kmsguard/check"
)

// jsonReport is the document of --format json; its field order is fixed by
// the struct.
type jsonReport struct {
	Findings []check.Finding    `json:"findings"`
	Errors   []check.InputError `json:"errors"`
	Summary  check.Summary      `json:"summary"`
}

// JSON writes one indented JSON document: every finding (suppressed ones
// with "suppressed": {"reason", "config"}), every input error and the
// summary.
func JSON(w io.Writer, res *check.Result, opt Options) error {
	r := jsonReport{Findings: res.Findings, Errors: res.Errors, Summary: res.Summarize(opt.FailOn)}
	if r.Findings == nil {
		r.Findings = []check.Finding{}
	}
	if r.Errors == nil {
		r.Errors = []check.InputError{}
	}
	return WriteJSON(w, SchemaCheck, r, "  ")
}
