package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// IAM rejects a policy document whose JSON repeats a key: the policy grammar
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
// defines each element once per block, and a document AWS cannot parse is a
// MalformedPolicyDocument
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html).
func TestDuplicate(t *testing.T) {
	tests := []struct {
		name, doc string
		path      string
		line, col int
		first     [2]int
		key       string
	}{
		{"top level", `{"Version":"2012-10-17","Version":"2008-10-17"}`, "Version", 1, 25, [2]int{1, 2}, "Version"},
		{"statement effect", "{\"Statement\":[\n {\"Effect\":\"Allow\"},\n {\"Effect\":\"Deny\",\n  \"Effect\":\"Allow\"}]}", "Statement[1].Effect", 4, 3, [2]int{3, 3}, "Effect"},
		{"escaped spelling", `{"Effect":"Deny","\u0045ffect":"Allow"}`, "Effect", 1, 18, [2]int{1, 2}, "Effect"},
		{"escaped slash", `{"a/b":1,"a\/b":2}`, "a/b", 1, 10, [2]int{1, 2}, "a/b"},
		{"surrogate pair", `{"😀":1,"\ud83d\ude00":2}`, `😀`, 1, 11, [2]int{1, 2}, "😀"},
		{"invalid UTF-8 becomes U+FFFD", "{\"a\xff\":1,\"a\xfe\":2}", "a\ufffd", 1, 9, [2]int{1, 2}, "a\ufffd"},
		{"lone surrogate becomes U+FFFD", `{"\ud800":1,"\ufffd":2}`, "\ufffd", 1, 13, [2]int{1, 2}, "\ufffd"},
		{"condition key", `{"Condition":{"StringEquals":{"kms:ViaService":"a","kms:ViaService":"b"}}}`, "Condition.StringEquals.kms:ViaService", 1, 52, [2]int{1, 31}, "kms:ViaService"},
		{"key needing quotes", `{"a":{"x.y":1,"x.y":2}}`, `a["x.y"]`, 1, 15, [2]int{1, 7}, "x.y"},
		{"empty key", `{"":1,"":2}`, `[""]`, 1, 7, [2]int{1, 2}, ""},
		{"list of lists", `[[{}],[{"a":1},{"b":1,"b":2}]]`, "[1][1].b", 1, 23, [2]int{1, 17}, "b"},
		{"after a nested object closed", `{"a":{"x":1,"y":2},"b":{"x":1},"a":3}`, "a", 1, 32, [2]int{1, 2}, "a"},
		{"large object", largeDup(40), "k39", 1, 0, [2]int{1, 0}, "k39"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.doc))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check = %v, want a duplicate key error", err)
			}
			if !e.Duplicate || e.Key != tt.key || e.Path != tt.path {
				t.Errorf("got duplicate=%v key=%q path=%q, want key %q path %q (%v)", e.Duplicate, e.Key, e.Path, tt.key, tt.path, e)
			}
			if tt.col > 0 && (e.Line != tt.line || e.Column != tt.col || e.FirstLine != tt.first[0] || e.FirstColumn != tt.first[1]) {
				t.Errorf("got %d:%d (first %d:%d), want %d:%d (first %v)", e.Line, e.Column, e.FirstLine, e.FirstColumn, tt.line, tt.col, tt.first)
			}
			if !strings.Contains(e.Error(), "duplicate key") {
				t.Errorf("message %q does not say duplicate key", e.Error())
			}
		})
	}
}

func largeDup(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	fmt.Fprintf(&b, `"k%d":0}`, n-1)
	return b.String()
}

// IAM policy element names are case-sensitive: the grammar spells each one
// exactly (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html),
// so {"Effect":..., "effect":...} holds one Effect and one unknown element
// ("effect"), which policy validation reports as an unknown element. Check
// compares keys exactly and leaves that to validation.
func TestNotDuplicate(t *testing.T) {
	for _, doc := range []string{
		`{"Effect":"Deny","effect":"Allow"}`,
		`{"a":{"x":1},"b":{"x":1}}`,
		`[{"a":1},{"a":1}]`,
		`{"a":{"a":{"a":1}}}`,
		`{"x":[{"x":1}],"y":{"x":2}}`,
		`{"a\u0000":1,"a":2}`,
		largeDup(40)[:len(largeDup(40))-len(`,"k39":0}`)] + "}",
		"\n\t {} \r\n",
	} {
		if err := Check([]byte(doc)); err != nil {
			t.Errorf("Check(%s) = %v, want nil", doc, err)
		}
	}
}

func TestSyntax(t *testing.T) {
	tests := []struct {
		doc, path string
		line, col int
		msg       string
	}{
		{``, "", 1, 1, "empty input"},
		{"  \n", "", 2, 1, "empty input"},
		{`{"a":1}x`, "", 1, 8, "unexpected data after the JSON value"},
		{`{"a":1,}`, "", 1, 8, "looking for beginning of object key string"},
		{`{"a" 1}`, "a", 1, 6, "after object key"},
		{`{"Statement":[{"Effect":"Allow",]}`, "Statement[0]", 1, 33, "looking for beginning of object key string"},
		{`{"Statement":[{"Effect":tru}]}`, "Statement[0].Effect", 1, 28, "in literal true"},
		{`{"a":[1,2 3]}`, "a[1]", 1, 11, "after array element"},
		{`{"a":01}`, "a", 1, 7, "after object key:value pair"},
		{`{"a":-}`, "a", 1, 7, "in numeric literal"},
		{`{"a":1.}`, "a", 1, 8, "after decimal point"},
		{`{"a":1e}`, "a", 1, 8, "in exponent"},
		{"{\"a\":\"x\ty\"}", "a", 1, 8, "in string literal"},
		{`{"a":"\x"}`, "a", 1, 8, "in string escape code"},
		{`{"a":"\u12g4"}`, "a", 1, 11, "hexadecimal character escape"},
		{`{"a":[`, "a[0]", 1, 7, "unexpected end of JSON input"},
		{`{"a":"abc`, "a", 1, 10, "unexpected end of JSON input"},
		{strings.Repeat("[", MaxDepth+1), "", 0, 0, "exceeded max depth"},
	}
	for _, tt := range tests {
		err := Check([]byte(tt.doc))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Check(%q) = %v, want a syntax error", tt.doc, err)
			continue
		}
		if e.Duplicate || !strings.Contains(e.Msg, tt.msg) || (tt.line > 0 && (e.Path != tt.path || e.Line != tt.line || e.Column != tt.col)) {
			t.Errorf("Check(%q) = path %q %d:%d %q, want path %q %d:%d %q", tt.doc, e.Path, e.Line, e.Column, e.Msg, tt.path, tt.line, tt.col, tt.msg)
		}
		if json.Valid([]byte(tt.doc)) {
			t.Errorf("%q: encoding/json accepts what Check rejects", tt.doc)
		}
	}
}

// reference answers what Check must: whether encoding/json accepts data as
// one value and whether, with keys as encoding/json decodes them, an object
// repeats one. It is slow and obviously right.
func reference(data []byte) (valid, dup bool) {
	if !json.Valid(data) {
		return false, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct {
		keys   map[string]bool
		object bool
		isKey  bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return true, false
		}
		if err != nil {
			return false, false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top != nil && top.object {
					top.isKey = true
				}
				stack = append(stack, &level{keys: map[string]bool{}, object: d == '{', isKey: true})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.object {
			if top.isKey {
				k := tok.(string)
				if top.keys[k] {
					return true, true
				}
				top.keys[k] = true
			}
			top.isKey = !top.isKey
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"Effect":"Deny","Effect":"Allow"}`,
		`{"Statement":[{"Sid":"a","Effect":"Allow","Action":"kms:*","Resource":"*"}]}`,
		`{"a":{"b":[1,2.5e3,-0,true,false,null]},"c":"\u00e9\ud83d\ude00"}`,
		`{"a\ud800":1,"a\udc00":2}`,
		"{\"a\xc3\":1,\"a\xff\":2}",
		`[{"x":1},{"x":1,"y":{"x":1}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		valid, dup := reference(data)
		err := Check(data)
		var e *Error
		switch {
		case !valid:
			if err == nil {
				t.Fatalf("Check accepts %q, which encoding/json rejects", data)
			}
		case dup:
			if !errors.As(err, &e) || !e.Duplicate {
				t.Fatalf("Check(%q) = %v, want a duplicate key", data, err)
			}
		case err != nil:
			t.Fatalf("Check(%q) = %v, want nil", data, err)
		}
	})
}

// corpus is a realistic input: the real-world key policies of shared/ when
// present, else the example policy, repeated to about 64 KB.
func corpus(b *testing.B) []byte {
	docs, _ := filepath.Glob("../../../shared/corpus/*.json")
	docs = append(docs, "../../examples/key-policy.json")
	var parts [][]byte
	for _, p := range docs {
		data, err := os.ReadFile(p)
		if err == nil && json.Valid(data) {
			parts = append(parts, data)
		}
	}
	if len(parts) == 0 {
		b.Skip("no input documents")
	}
	var buf bytes.Buffer
	buf.WriteString("[")
	for i := 0; buf.Len() < 64<<10; i++ {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.Write(parts[i%len(parts)])
	}
	buf.WriteString("]")
	return buf.Bytes()
}

// BenchmarkCheck measures Check on policy documents (MB/s; ns per KB is
// 1e6 / (MB/s) * 1.024). BenchmarkValid and BenchmarkUnmarshal give the cost
// of encoding/json for comparison.
func BenchmarkCheck(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValid(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if !json.Valid(data) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	data := corpus(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
