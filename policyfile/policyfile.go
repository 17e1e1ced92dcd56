// Package policyfile is kmsguard's one reader of policy files: the
// documents the CLI reads (policy documents, lists of policies, grant lists,
// plain JSON or YAML objects: Load and its kin) and the files `kmsguard
// check` lints (JSON, YAML, CloudFormation templates, Terraform plans:
// Documents), with the positions of what it finds (Locate, Origin).
//
// A file is JSON unless its name ends in .yaml or .yml or its content does not
// start with '{' or '['; then it is YAML (go.yaml.in/yaml/v3, through
// internal/strictyaml: no duplicate keys, bounded aliases). JSON keeps
// numbers exact (json.Number) and its syntax errors name the file, line and
// column:
//
//	policy.json:3:14: invalid character '}' looking for beginning of object key string
//
// Every error about a file is a *Error (result.InputError): the file, where
// in the document, the line and column. The path "-" means standard input,
// named "<stdin>" in errors. Files are only read, never written.
package policyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kmsguard/kmsguard/internal/strictyaml"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/result"
)

// StdinName is how standard input ("-") is named in errors.
const StdinName = "<stdin>"

// Error is a file that cannot be read: the one positioned error of every
// reader (result.InputError). Line and Column are 1-based and zero when
// unknown. Where names a part of the document (`Policy`, `[2]`,
// `Grants[0].Operations`), empty for the document itself; Line and Column
// are then positions inside that part when it is a JSON string.
type Error = result.InputError

// Load reads one policy document: a bare policy (JSON or YAML), or the output
// of `aws kms get-key-policy` ({"Policy": "<policy JSON>", "PolicyName": ...}),
// which it unwraps. The result is a JSON object (map[string]any).
func Load(path string, stdin io.Reader) (any, error) {
	doc, _, err := LoadOrigin(path, stdin)
	return doc, err
}

// LoadOrigin is Load, also returning where the document is (Origin.Place
// points errors about it into the file).
func LoadOrigin(path string, stdin io.Reader) (any, Origin, error) {
	v, o, err := readOrigin(path, stdin, MaxPolicyFile)
	if err != nil {
		return nil, o, err
	}
	doc, where, err := policyDocAt(v, o.File, "")
	o.Where = where
	return doc, o, err
}

// LoadPolicies reads a file holding one policy document (as Load does) or a
// list of them, as for one level of SCPs or RCPs. List elements may be policy
// documents or policy JSON strings. The result is never nil.
func LoadPolicies(path string, stdin io.Reader) ([]any, error) {
	docs, _, err := LoadPoliciesOrigin(path, stdin)
	return docs, err
}

// LoadPoliciesOrigin is LoadPolicies, also returning where each document is.
func LoadPoliciesOrigin(path string, stdin io.Reader) ([]any, []Origin, error) {
	v, o, err := readOrigin(path, stdin, MaxPolicyFile)
	if err != nil {
		return nil, nil, err
	}
	list, ok := v.([]any)
	if !ok {
		doc, where, err := policyDocAt(v, o.File, "")
		if err != nil {
			return nil, nil, err
		}
		o.Where = where
		return []any{doc}, []Origin{o}, nil
	}
	out := make([]any, len(list))
	origins := make([]Origin, len(list))
	for i, e := range list {
		doc, where, err := policyDocAt(e, o.File, fmt.Sprintf("[%d]", i))
		if err != nil {
			return nil, nil, err
		}
		out[i] = doc
		origins[i] = o
		origins[i].Where = append([]Segment{{Index: i, IsIndex: true}}, where...)
	}
	return out, origins, nil
}

// LoadList reads a grants file: a JSON (or YAML) list of grants in the
// question's shape ({"grantee_principal", "operations", "constraints"?,
// "retiring_principal"?, "grant_id"?}), or the output of `aws kms
// list-grants` ({"Grants": [{"GranteePrincipal", "Operations", ...}]}), which
// it converts to that shape. Elements of a bare list that use the AWS field
// names are converted too. The result is never nil.
//
// keyARN is the key the grants are for (the question's resource), "" when
// not known: a grant whose KeyId (list-grants output) names another key is
// an error naming both, not a grant silently applied to the wrong key.
func LoadList(path string, stdin io.Reader, keyARN string) ([]any, error) {
	v, o, err := readOrigin(path, stdin, MaxGrantsFile)
	if err != nil {
		return nil, err
	}
	name := o.File
	where := ""
	if obj, ok := v.(map[string]any); ok {
		g, found := obj["Grants"]
		if !found {
			return nil, &Error{File: name, Msg: `expected a list of grants or the output of "aws kms list-grants" ({"Grants": [...]})`}
		}
		v, where = g, "Grants"
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &Error{File: name, Where: where, Msg: "expected a list of grants, got " + KindOf(v)}
	}
	out := make([]any, len(list))
	for i, e := range list {
		at := fmt.Sprintf("%s[%d]", where, i)
		if err := grantKey(e, name, at, keyARN); err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				if segs, ok := SplitPath(pe.Where); ok {
					if line, col, rest := Locate(name, o.Data, segs); line > 0 && len(rest) == 0 {
						pe.Line, pe.Column, pe.Where = line, col, ""
						pe.Msg = JoinPath(segs) + ": " + pe.Msg
					}
				}
			}
			return nil, err
		}
		g, err := grant(e, name, at)
		if err != nil {
			return nil, err
		}
		out[i] = g
	}
	return out, nil
}

// LoadValue reads any JSON or YAML value, unchanged.
func LoadValue(path string, stdin io.Reader) (any, error) {
	v, _, err := read(path, stdin, MaxPolicyFile)
	return v, err
}

// LoadObject reads a JSON or YAML object (as for a request context file).
func LoadObject(path string, stdin io.Reader) (map[string]any, error) {
	v, name, err := read(path, stdin, MaxPolicyFile)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Msg: "expected an object, got " + KindOf(v)}
	}
	return obj, nil
}

// Size caps of the files this package reads (docs/decision-format.md,
// "Input limits"). A key policy is at most 32 KB and an IAM policy at most
// 10,240 characters, so a megabyte holds any policy document or list of them
// with room for YAML comments; a key has at most 50,000 grants, which
// list-grants prints in well under 64 MiB.
const (
	MaxPolicyFile = 1 << 20
	MaxGrantsFile = 64 << 20
)

// read loads path ("-": stdin), at most limit bytes, and decodes it as JSON
// or YAML. name is how the input is called in errors.
func read(path string, stdin io.Reader, limit int64) (v any, name string, err error) {
	v, o, err := readOrigin(path, stdin, limit)
	return v, o.File, err
}

// readOrigin is read, keeping the file's content for Locate.
func readOrigin(path string, stdin io.Reader, limit int64) (v any, o Origin, err error) {
	what := "a policy file"
	if limit == MaxGrantsFile {
		what = "a grants file"
	}
	data, name, err := ReadFile(path, stdin, limit, what)
	o = Origin{File: name, Data: data}
	if err != nil {
		return nil, o, err
	}
	v, err = Parse(name, data)
	return v, o, err
}

// ReadFile reads path ("-": standard input) whole, refusing more than limit
// bytes, the size cap of what ("a policy file"). name is how the input is
// called in errors ("<stdin>" for "-"), and every error is an *Error naming
// it.
func ReadFile(path string, stdin io.Reader, limit int64, what string) (data []byte, name string, err error) {
	name = path
	var r io.Reader
	if path == "-" {
		name = StdinName
		if stdin == nil {
			return nil, name, &Error{File: name, Msg: "standard input is not available"}
		}
		r = stdin
	} else {
		if path == "" {
			return nil, name, errors.New("empty file name")
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, name, &Error{File: name, Msg: pathError(err)}
		}
		defer f.Close() //nolint:errcheck // read only: nothing to flush
		r = f
	}
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, name, &Error{File: name, Msg: pathError(err)}
	}
	if int64(len(data)) > limit {
		return nil, name, &Error{File: name, Msg: TooLarge(limit, what)}
	}
	return data, name, nil
}

// OpenError drops the operation of an *os.PathError: "open x.json: no
// such file or directory" becomes "x.json: no such file or directory".
// Other errors are returned as they are.
func OpenError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// pathError drops the operation and path of an *os.PathError, which the
// callers name themselves: "open x.json: no such file or directory" becomes
// "no such file or directory".
func pathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// TooLarge is the message for an input larger than its cap.
func TooLarge(limit int64, what string) string {
	return "larger than " + Size(limit) + ", the size limit of " + what
}

// Size writes a byte count as the limits are documented: "1 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Parse decodes data as JSON or YAML (see the package comment); name is the
// file name, used to choose the format and in errors.
func Parse(name string, data []byte) (any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if IsYAML(name, data) {
		return parseYAML(name, data)
	}
	return parseJSON(name, data)
}

// IsYAML reports whether a file is read as YAML: by its name (.yaml, .yml),
// or else because its content does not start like JSON.
func IsYAML(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	}
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] != '{' && t[0] != '['
}

func parseJSON(name string, data []byte) (any, error) {
	v, err := question.ParseJSON(data)
	if err != nil {
		return nil, fileError(name, "", err)
	}
	return v, nil
}

// parseYAML converts the first YAML document to JSON values as Documents
// reads it (decodeYAML), without the positions.
func parseYAML(name string, data []byte) (any, error) {
	v, _, err := decodeYAML(name, data)
	return v, err
}

// ParseYAML parses the first YAML document of a file into a node tree,
// refusing duplicate mapping keys and alias bombs (strictyaml.Parse); errors
// name the file, line and column. The document node's Content is empty for
// an empty file.
func ParseYAML(name string, data []byte) (*yaml.Node, error) {
	root, err := strictyaml.Parse(data)
	if err != nil {
		var ye *strictyaml.Error
		if errors.As(err, &ye) {
			msg := ye.Msg
			if ye.Path != "" {
				msg = ye.Path + ": " + msg
			}
			return nil, &Error{File: name, Line: ye.Line, Column: ye.Column, Msg: msg}
		}
		return nil, &Error{File: name, Msg: err.Error()}
	}
	return root, nil
}

// fileError turns an error of question.ParseJSON into an *Error of file name.
func fileError(name, where string, err error) error {
	var qe *question.Error
	if errors.As(err, &qe) {
		return &Error{File: name, Where: where, Line: qe.Line, Column: qe.Column, Msg: qe.Detail()}
	}
	return &Error{File: name, Where: where, Msg: err.Error()}
}

// policyDocAt is policyDoc, also returning the path of the document in v:
// none, or "Policy" for get-key-policy output.
func policyDocAt(v any, name, where string) (any, []Segment, error) {
	doc, err := policyDoc(v, name, where)
	if err != nil {
		return nil, nil, err
	}
	if obj, ok := v.(map[string]any); ok {
		if _, found := obj["Policy"]; found {
			return doc, []Segment{{Key: "Policy"}}, nil
		}
	}
	return doc, nil, nil
}

// policyDoc checks that v is a policy document, unwrapping the output of
// get-key-policy and parsing a policy given as a JSON string.
func policyDoc(v any, name, where string) (any, error) {
	if s, ok := v.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "{") {
		// A policy as a JSON string, as `aws kms get-key-policy --query
		// Policy` prints it.
		doc, err := question.ParseJSON([]byte(s))
		if err != nil {
			if where == "" {
				where = "policy string"
			}
			return nil, fileError(name, where, err)
		}
		v = doc
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Where: where, Msg: "a policy document must be a JSON object, got " + KindOf(v)}
	}
	if p, found := obj["Policy"]; found {
		// `aws kms get-key-policy` output: the policy is a JSON string.
		where = join(where, "Policy")
		if s, ok := p.(string); ok {
			doc, err := question.ParseJSON([]byte(s))
			if err != nil {
				return nil, fileError(name, where, err)
			}
			p = doc
		}
		inner, ok := p.(map[string]any)
		if !ok {
			return nil, &Error{File: name, Where: where, Msg: "a policy document must be a JSON object, got " + KindOf(p)}
		}
		return inner, nil
	}
	return obj, nil
}

// awsGrantFields maps the field names of `aws kms list-grants` to the
// question's; fields not listed (KeyId, Name, CreationDate, IssuingAccount)
// do not take part in authorization and are dropped.
var awsGrantFields = map[string]string{
	"GranteePrincipal":  "grantee_principal",
	"Operations":        "operations",
	"Constraints":       "constraints",
	"RetiringPrincipal": "retiring_principal",
	"GrantId":           "grant_id",
}

var awsConstraintFields = map[string]string{
	"EncryptionContextEquals": "encryption_context_equals",
	"EncryptionContextSubset": "encryption_context_subset",
}

// grantKey checks the KeyId of a grant in the shape of list-grants output:
// "the unique identifier for the KMS key to which the grant applies"
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantListEntry.html),
// a key ARN or key id. It must name keyARN.
func grantKey(v any, name, where, keyARN string) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil // grant reports it
	}
	id, found := obj["KeyId"]
	if !found {
		return nil
	}
	s, ok := id.(string)
	if !ok || s == "" {
		return &Error{File: name, Where: where + ".KeyId", Msg: "expected a key ARN or key id, got " + KindOf(id)}
	}
	if keyARN == "" {
		return nil
	}
	_, keyID, _ := strings.Cut(keyARN, ":key/")
	if s != keyARN && s != keyID {
		return &Error{File: name, Where: where + ".KeyId", Msg: fmt.Sprintf("the grant is for key %s, not for the question's key %s", s, keyARN)}
	}
	return nil
}

// grant converts one grant to the question's shape when it uses the AWS field
// names; a grant already in the question's shape is returned as it is.
func grant(v any, name, where string) (any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Where: where, Msg: "a grant must be an object, got " + KindOf(v)}
	}
	if _, aws := obj["GranteePrincipal"]; !aws {
		if _, aws = obj["Operations"]; !aws {
			return obj, nil
		}
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		nk, ok := awsGrantFields[k]
		if !ok {
			continue
		}
		if nk == "constraints" {
			c, ok := val.(map[string]any)
			if !ok {
				return nil, &Error{File: name, Where: where + ".Constraints", Msg: "expected an object, got " + KindOf(val)}
			}
			nc := make(map[string]any, len(c))
			for ck, cv := range c {
				n, ok := awsConstraintFields[ck]
				if !ok {
					// Keep it under its own name: the evaluator rejects
					// constraints it does not know rather than ignore them.
					n = ck
				}
				nc[n] = cv
			}
			val = nc
		}
		out[nk] = val
	}
	return out, nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// KindOf names the JSON type of a decoded value for error messages ("an object").
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}
