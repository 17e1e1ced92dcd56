package policyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

// positions maps the JSON pointer (RFC 6901) of every object and list in a
// decoded file, and of every object member, to the 1-based line it starts on.
type positions map[string]int

// noPos is the pointer of a value whose position is unknown (it came out of
// a string or an intrinsic function); so is every pointer under it.
const noPos = "\x00"

// line is the line of the value at ptr, 0 when unknown.
func (p positions) line(ptr string) int { return p[ptr] }

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer appends an object member to a JSON pointer.
func pointer(base, key string) string {
	return base + "/" + pointerEscaper.Replace(key)
}

// index appends a list element to a JSON pointer.
func index(base string, i int) string {
	return base + "/" + strconv.Itoa(i)
}

// decodeJSON decodes one JSON value with json.Number numbers, recording the
// line of every object and list from the byte offsets of their opening
// delimiters. On a syntax error it returns policyfile's error for the same
// input, so messages read as in the rest of kmsguard.
func decodeJSON(name string, data []byte) (any, positions, error) {
	if err := strictjson.Check(data); err != nil {
		// A duplicate key or a syntax error: worded as policyfile words it.
		if _, perr := Parse(name, data); perr != nil {
			return nil, nil, perr
		}
		return nil, nil, &Error{File: name, Msg: err.Error()}
	}
	w := jsonWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, line: 1, pos: positions{}}
	w.dec.UseNumber()
	v, err := w.value("")
	if err == nil {
		if _, err = w.dec.Token(); errors.Is(err, io.EOF) {
			return v, w.pos, nil
		}
		if err == nil {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if _, perr := Parse(name, data); perr != nil {
		return nil, nil, perr
	}
	return nil, nil, &Error{File: name, Msg: err.Error()}
}

type jsonWalker struct {
	dec  *json.Decoder
	data []byte
	// off and line: the line of byte offset off, advanced as the walk goes
	// forward, so finding lines costs one pass over the input.
	off, line int
	pos       positions
}

// lineAt returns the line of byte offset off; offsets only grow.
func (w *jsonWalker) lineAt(off int) int {
	if off > len(w.data) {
		off = len(w.data)
	}
	if off > w.off {
		w.line += bytes.Count(w.data[w.off:off], []byte{'\n'})
		w.off = off
	}
	return w.line
}

func (w *jsonWalker) value(ptr string) (any, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	// After an opening delimiter the offset is just past it.
	w.pos[ptr] = w.lineAt(int(w.dec.InputOffset()) - 1)
	switch d {
	case '{':
		obj := map[string]any{}
		for w.dec.More() {
			kt, err := w.dec.Token()
			if err != nil {
				return nil, err
			}
			k, ok := kt.(string)
			if !ok {
				return nil, errors.New("object key is not a string")
			}
			// A member's line is its key's; an object or list value
			// records its opening delimiter's line instead.
			w.pos[pointer(ptr, k)] = w.lineAt(int(w.dec.InputOffset()) - 1)
			v, err := w.value(pointer(ptr, k))
			if err != nil {
				return nil, err
			}
			obj[k] = v
		}
		if _, err := w.dec.Token(); err != nil { // '}'
			return nil, err
		}
		return obj, nil
	case '[':
		list := []any{}
		for i := 0; w.dec.More(); i++ {
			v, err := w.value(index(ptr, i))
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		if _, err := w.dec.Token(); err != nil { // ']'
			return nil, err
		}
		return list, nil
	}
	return nil, errors.New("unexpected " + d.String())
}
