package result

import (
	"fmt"
	"strings"
)

// FileFinding is a lint finding with its location in a file.
type FileFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Where    string `json:"where,omitempty"`
	Resource string `json:"resource,omitempty"`
	Finding
	// Suppressed says why the finding is accepted; nil for an active one.
	Suppressed *Suppressed `json:"suppressed,omitempty"`
}

// Suppressed is the suppression that matched a finding.
type Suppressed struct {
	Reason string `json:"reason"`
	// Config is the configuration file and line of the suppression.
	Config string `json:"config"`
}

// InputError is a file that could not be checked. Where names a part of
// the file holding a policy as a JSON string ("Policy", a Terraform
// attribute); Line and Column are then positions inside that string.
type InputError struct {
	File   string `json:"file"`
	Where  string `json:"where,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Msg    string `json:"msg"`
}

// Error is FILE[: WHERE][:LINE[:COLUMN]]: MSG.
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Where != "" {
		b.WriteString(": ")
		b.WriteString(e.Where)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Detail is the message without the file name: for an error inside a
// policy string, where it is in the string, then the message.
func (e *InputError) Detail() string {
	if e.Where == "" {
		return e.Msg
	}
	return strings.TrimPrefix(e.Error(), e.File+": ")
}

// FileLine is the line of the error in the file itself, 0 when unknown
// (a position inside a policy string is not one).
func (e *InputError) FileLine() (line, column int) {
	if e.Where != "" {
		return 0, 0
	}
	return e.Line, e.Column
}

// Result is what a run found, sorted: findings by file, line, rule id;
// errors by file.
type Result struct {
	Findings []FileFinding
	Errors   []InputError
	// Files is the number of files read in a known format, Documents the
	// number of policy documents in them.
	Files, Documents int
	// Skipped counts files of directories left out for their extension,
	// NotPolicy files of directories in no known format.
	Skipped, NotPolicy int
	// Skips names every file of a directory that was left out, and why,
	// sorted by file.
	Skips []Skip
}

// Skip is a file of a directory that was not checked.
type Skip struct {
	File string
	Why  string
}
