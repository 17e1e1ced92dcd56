// This file reads the files `kmsguard check` lints (Documents): every policy
// document they hold, each with its location: the file, where in the file
// (a JSON path, a CloudFormation logical id, a Terraform address) and the
// line of the document and of each of its statements where the format keeps
// them.
//
// Formats, told apart by content (see Detect):
//
//   - a bare policy document ({"Version": ..., "Statement": ...}), JSON or YAML;
//   - the output of `aws kms get-key-policy` ({"Policy": "<policy JSON>"});
//   - a CloudFormation template, JSON or YAML with short-form intrinsics
//     (cloudformation.go);
//   - a Terraform plan as `terraform show -json` prints it (terraform.go).

package policyfile

import (
	"bytes"
)

// Format is the kind of file a policy document was read from.
type Format string

// Input formats.
const (
	FormatPolicy         Format = "policy"         // a bare policy document
	FormatGetKeyPolicy   Format = "get-key-policy" // aws kms get-key-policy output
	FormatCloudFormation Format = "cloudformation" // CloudFormation template
	FormatTerraformPlan  Format = "terraform-plan" // terraform show -json output
	FormatUnknown        Format = ""               // none of the above
)

// Kinds of policy documents, as the lint input names them
// (docs/lint-format.md).
const (
	KindKeyPolicy      = "key_policy"
	KindIdentityPolicy = "identity_policy"
)

// Document is one policy document found in a file.
type Document struct {
	// File is the file name as given ("<stdin>" for standard input).
	File string
	// Format is the format of the file.
	Format Format
	// Where says where the document is in the file: a JSON path
	// ("Resources.AppKey.Properties.KeyPolicy", "Policy") or a Terraform
	// address with its attribute ("aws_kms_key.app.policy"); empty for a
	// bare policy document.
	Where string
	// Resource is the CloudFormation logical id or the Terraform address of
	// the resource holding the document; empty for other formats.
	Resource string
	// Kind is "key_policy" or "identity_policy" when the format says which
	// (a KeyPolicy property, an aws_iam_policy); empty when the rules are to
	// tell from the document itself.
	Kind string
	// KeyARN is the ARN of the key the policy belongs to, when the file
	// states it (a Terraform plan's known values); otherwise empty.
	KeyARN string
	// Policy is the document: a JSON object with json.Number numbers.
	Policy map[string]any
	// Line is the 1-based line the document starts on, 0 when unknown.
	Line int
	// StatementLines holds the line of each element of Statement, in order
	// (one element when Statement is a single object); nil when the format
	// does not keep them (a policy given as a JSON string).
	StatementLines []int
	// Skips are the rule suppressions written on the resource holding the
	// document (CloudFormation Metadata.kmsguard.skip).
	Skips []InlineSkip
}

// StatementLine is the line of statement i, falling back to the line of the
// document when the statement's own line is unknown.
func (d *Document) StatementLine(i int) int {
	if i >= 0 && i < len(d.StatementLines) && d.StatementLines[i] > 0 {
		return d.StatementLines[i]
	}
	return d.Line
}

// MaxFile is the size cap of a file `kmsguard check` reads (docs/check.md,
// "Input limits"): a CloudFormation template is at most 1 MB (a template in
// S3), and a Terraform plan of a large configuration takes tens of MB.
const MaxFile = 64 << 20

// Documents parses the content of one file. name is the file name (used for the
// syntax choice: .yaml/.yml, .template and content that does not start with
// '{' or '[' are YAML) and in errors. It returns the format and the
// documents found; a file in no known format gives FormatUnknown and no
// documents, not an error.
func Documents(name string, data []byte) (Format, []Document, error) {
	if len(data) > MaxFile {
		return FormatUnknown, nil, &Error{File: name, Msg: TooLarge(MaxFile, "a file to check")}
	}
	v, pos, err := decode(name, data)
	if err != nil {
		return FormatUnknown, nil, err
	}
	format := Detect(v)
	var docs []Document
	switch format {
	case FormatPolicy:
		docs = []Document{bare(name, v.(map[string]any), pos)}
	case FormatGetKeyPolicy:
		docs, err = getKeyPolicy(name, v.(map[string]any), pos)
	case FormatCloudFormation:
		docs, err = cloudFormation(name, v.(map[string]any), pos)
	case FormatTerraformPlan:
		docs, err = terraformPlan(name, v.(map[string]any), pos)
	}
	if err != nil {
		return format, nil, err
	}
	return format, docs, nil
}

// Detect tells the format of a decoded file.
func Detect(v any) Format {
	obj, ok := v.(map[string]any)
	if !ok {
		return FormatUnknown
	}
	if isTemplate(obj) {
		return FormatCloudFormation
	}
	if _, ok := obj["resource_changes"]; ok {
		return FormatTerraformPlan
	}
	if _, ok := obj["planned_values"]; ok {
		return FormatTerraformPlan
	}
	if _, ok := obj["Statement"]; ok {
		return FormatPolicy
	}
	if p, ok := obj["Policy"]; ok {
		switch p.(type) {
		case string, map[string]any:
			return FormatGetKeyPolicy
		}
	}
	return FormatUnknown
}

// decode parses data as JSON or YAML, keeping the line of every object and
// list.
func decode(name string, data []byte) (any, positions, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if IsYAML(name, data) {
		return decodeYAML(name, data)
	}
	return decodeJSON(name, data)
}

// bare is a file holding one policy document.
func bare(name string, obj map[string]any, pos positions) Document {
	d := Document{File: name, Format: FormatPolicy, Policy: obj, Line: pos.line("")}
	d.StatementLines = statementLines(obj, pos, "")
	return d
}

// getKeyPolicy unwraps the output of `aws kms get-key-policy`: the policy is
// a JSON string (or, written by hand, an object) under "Policy".
func getKeyPolicy(name string, obj map[string]any, pos positions) ([]Document, error) {
	ptr := pointer("", "Policy")
	d := Document{File: name, Format: FormatGetKeyPolicy, Where: "Policy", Kind: KindKeyPolicy, Line: pos.line(ptr)}
	switch p := obj["Policy"].(type) {
	case string:
		doc, err := policyString(name, "Policy", p)
		if err != nil {
			return nil, err
		}
		d.Policy = doc
	case map[string]any:
		d.Policy = p
		d.StatementLines = statementLines(p, pos, ptr)
	}
	if d.Line == 0 {
		d.Line = pos.line("")
	}
	return []Document{d}, nil
}

// policyString parses a policy given as a JSON string.
func policyString(name, where, s string) (map[string]any, error) {
	v, err := Parse(name, []byte(s))
	if err != nil {
		if pe, ok := err.(*Error); ok { //nolint:errorlint // Parse returns *Error unwrapped
			pe.Where = where
			pe.Msg = "policy string: " + pe.Msg
			return nil, pe
		}
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Where: where, Msg: "a policy document must be a JSON object, got " + KindOf(v)}
	}
	return obj, nil
}

// statementLines returns the line of each statement of the document at ptr.
func statementLines(doc map[string]any, pos positions, ptr string) []int {
	sp := pointer(ptr, "Statement")
	switch st := doc["Statement"].(type) {
	case []any:
		lines := make([]int, len(st))
		for i := range st {
			lines[i] = pos.line(index(sp, i))
		}
		return lines
	case map[string]any:
		return []int{pos.line(sp)}
	}
	return nil
}
