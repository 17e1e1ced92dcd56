package policyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

// Segment is one step of a JSON path: an object key or a list index.
type Segment struct {
	Key   string
	Index int // when IsIndex
	// IsIndex tells an index ([2]) from a key.
	IsIndex bool
}

// SplitPath splits a JSON path as kmsguard writes it in messages
// (`Statement[0].Condition.StringEquals["kms:ViaService"]`, with or without
// a leading dot) into segments. ok is false when path is not one.
func SplitPath(path string) (segs []Segment, ok bool) {
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			if end == 0 {
				return nil, false
			}
			segs = append(segs, Segment{Key: path[:end]})
			path = path[end:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return nil, false
			}
			inner := path[1:end]
			if strings.HasPrefix(inner, `"`) {
				// A quoted key may hold ']': find the closing quote.
				q, err := strconv.QuotedPrefix(path[1:])
				if err != nil || !strings.HasPrefix(path[1+len(q):], "]") {
					return nil, false
				}
				k, _ := strconv.Unquote(q)
				segs = append(segs, Segment{Key: k})
				path = path[2+len(q):]
				continue
			}
			i, err := strconv.Atoi(inner)
			if err != nil || i < 0 {
				return nil, false
			}
			segs = append(segs, Segment{Index: i, IsIndex: true})
			path = path[end+1:]
		default:
			if len(segs) > 0 {
				return nil, false
			}
			path = "." + path
		}
	}
	return segs, true
}

// JoinPath writes segments as a JSON path (the inverse of SplitPath).
func JoinPath(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.IsIndex {
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		} else {
			b.WriteString(strictjson.KeySegment(s.Key))
		}
	}
	return strings.TrimPrefix(b.String(), ".")
}

// Locate finds the value at path in a file's content (JSON or YAML, chosen
// as Parse chooses) and returns its 1-based line and column. When the path
// leaves the file's structure (it goes into a policy given as a JSON string,
// or names something absent), it returns the position of the deepest value
// found and the rest of the path; line is 0 when nothing could be located.
func Locate(name string, data []byte, path []Segment) (line, col int, rest []Segment) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if IsYAML(name, data) {
		return locateYAML(data, path)
	}
	off, rest, ok := locateJSON(data, path)
	if !ok {
		return 0, 0, path
	}
	line, col = strictjson.LineCol(data, off)
	return line, col, rest
}

func locateYAML(data []byte, path []Segment) (line, col int, rest []Segment) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return 0, 0, path
	}
	n := root.Content[0]
	for i, s := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		var next *yaml.Node
		switch {
		case s.IsIndex && n.Kind == yaml.SequenceNode && s.Index < len(n.Content):
			next = n.Content[s.Index]
		case !s.IsIndex && n.Kind == yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == s.Key {
					next = n.Content[j+1]
				}
			}
		}
		if next == nil {
			return n.Line, n.Column, path[i:]
		}
		n = next
	}
	return n.Line, n.Column, nil
}

// locateJSON walks the tokens of data along path and returns the offset of
// the deepest value found.
func locateJSON(data []byte, path []Segment) (off int, rest []Segment, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	off = valueStart(data, 0)
	for i, s := range path {
		tok, err := dec.Token()
		if err != nil {
			return 0, nil, false
		}
		found := false
		switch {
		case tok == json.Delim('{') && !s.IsIndex:
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return 0, nil, false
				}
				if k, _ := kt.(string); k == s.Key {
					found = true
					break
				}
				if skipValue(dec) != nil {
					return 0, nil, false
				}
			}
		case tok == json.Delim('[') && s.IsIndex:
			for j := 0; dec.More(); j++ {
				if j == s.Index {
					found = true
					break
				}
				if skipValue(dec) != nil {
					return 0, nil, false
				}
			}
		}
		if !found {
			return off, path[i:], true
		}
		off = valueStart(data, int(dec.InputOffset()))
	}
	return off, nil, true
}

// valueStart is the offset of the next value at or after off: past
// whitespace and the ':' or ',' before it.
func valueStart(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// skipValue reads one whole value.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// Origin is the file a document was read from, so that errors about the
// document can name the line and column they are about.
type Origin struct {
	// File is the file as named in errors, Data its content.
	File string
	Data []byte
	// Where is the path of the document in the file (`Policy` for
	// get-key-policy output, `[2]` for an element of a list).
	Where []Segment
}

// Place writes a message about the value at path (relative to the
// document) as `FILE:LINE:COLUMN: PATH: msg`, PATH being the path in the
// file. A path that goes into a policy given as a JSON string is located at
// the string.
func (o Origin) Place(path []Segment, msg string) string {
	full := append(slices.Clip(o.Where), path...)
	var b strings.Builder
	b.WriteString(o.File)
	if line, col, _ := Locate(o.File, o.Data, full); line > 0 {
		b.WriteString(":" + strconv.Itoa(line) + ":" + strconv.Itoa(col))
	}
	b.WriteString(": ")
	if p := JoinPath(full); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString(msg)
	return b.String()
}

// PlaceAll splits the message of an error answer ("PATH: msg; PATH: msg")
// and writes each message whose PATH starts with a question field read from
// a file (origins: "key_policy", "identity_policies[1]", "scps[0][2]",
// "grants"...) as Place does; other messages are kept as they are.
func PlaceAll(answer string, origins map[string]Origin) []string {
	return MapMessages(answer, func(segs []Segment, msg string) (string, bool) {
		for k := len(segs); k > 0; k-- {
			if o, found := origins[JoinPath(segs[:k])]; found {
				return o.Place(segs[k:], msg), true
			}
		}
		return "", false
	})
}

// MapMessages splits the message of an error answer ("PATH: msg; PATH: msg",
// as data.kmsguard.authz writes it) and rewrites each message with a PATH by
// f; a message f declines (or without a PATH) is kept as it is.
func MapMessages(answer string, f func(path []Segment, msg string) (string, bool)) []string {
	parts := strings.Split(answer, "; ")
	for i, part := range parts {
		sep := strings.Index(part, ": ")
		if sep < 0 {
			continue
		}
		if segs, ok := SplitPath(part[:sep]); ok {
			if s, ok := f(segs, part[sep+2:]); ok {
				parts[i] = s
			}
		}
	}
	return parts
}
