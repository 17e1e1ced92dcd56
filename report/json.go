package report

import (
	"io"

	"github.com/kmsguard/kmsguard/result"
)

// jsonReport is the document of --format json; its field order is fixed by
// the struct.
type jsonReport struct {
	Findings []result.FileFinding `json:"findings"`
	Errors   []result.InputError  `json:"errors"`
	Summary  result.Summary       `json:"summary"`
}

// JSON writes one indented JSON document: every finding (suppressed ones
// with "suppressed": {"reason", "config"}), every input error and the
// summary.
func JSON(w io.Writer, res *result.Result, opt Options) error {
	r := jsonReport{Findings: res.Findings, Errors: res.Errors, Summary: res.Summarize(opt.FailOn)}
	if r.Findings == nil {
		r.Findings = []result.FileFinding{}
	}
	if r.Errors == nil {
		r.Errors = []result.InputError{}
	}
	return WriteJSON(w, SchemaCheck, r, "  ")
}
