package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/kmsguard/kmsguard/internal/strictjson"
)

func TestSkipString(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{`"abc",`, 5},
		{`"a\"b",`, 6},
		{`"a\\",`, 5},
		{`"a\\\"",`, 7},
		{`"\\\\"x`, 6},
		{`""`, 2},
		{`"abc`, 4},
		{`"ab\"`, 5},
	} {
		if got := skipString([]byte(c.in), 0); got != c.want {
			t.Errorf("skipString(%s) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestDocCacheAdmission: a document is kept the second time it is seen;
// documents that never recur are compiled and dropped, and the cache stays
// within its bound whatever the stream.
func TestDocCacheAdmission(t *testing.T) {
	c := newDocCache(1 << 20)
	doc := func(n int) []byte {
		return []byte(fmt.Sprintf(`{"Id":"d-%d","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`, n))
	}
	if d, ok := c.get(doc(0), kindResource, nil); !ok || d == nil {
		t.Fatal("a valid document was not compiled")
	}
	if c.size() != 0 || c.count(func(s *cacheShard) int { return len(s.exact) }) != 0 {
		t.Fatalf("kept a document seen once (size %d)", c.size())
	}
	first, _ := c.get(doc(0), kindResource, nil)
	if c.size() == 0 || c.count(func(s *cacheShard) int { return len(s.exact) }) != 1 {
		t.Fatal("did not keep a document seen twice")
	}
	if again, _ := c.get(doc(0), kindResource, nil); again != first {
		t.Error("a kept document was compiled again")
	}
	if again, _ := c.get([]byte(" "+string(doc(0))+"\n"), kindResource, nil); again != first {
		t.Error("the same document with other whitespace was compiled again")
	}
	// A resource policy is not an identity policy (it has a Principal).
	if _, ok := c.get(doc(0), kindIdentity, nil); ok {
		t.Error("a document kept as one kind was answered for another")
	}
	for i := range 20000 {
		c.get(doc(i), kindResource, nil)
		c.get(doc(i), kindResource, nil)
		checkBound(t, c)
	}
	// A document past a shard's bound is compiled each time, never kept.
	big := []byte(`{"Id":"` + strings.Repeat("x", c.max/cacheShards/costFactor) + `","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`)
	for range 3 {
		if d, ok := c.get(big, kindResource, nil); !ok || len(d.statements) != 1 {
			t.Fatal("a document past a shard's bound was not compiled")
		}
		if n := c.known(big); n != 0 {
			t.Fatal("a document past a shard's bound was kept")
		}
	}
	checkBound(t, c)
}

// count sums f over the shards of c.
func (c *docCache) count(f func(*cacheShard) int) int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += f(s)
		s.mu.Unlock()
	}
	return n
}

// checkBound fails when a shard of c, or c as a whole, counts more than its
// bound.
func checkBound(t *testing.T, c *docCache) {
	t.Helper()
	for i := range c.shards {
		if s := &c.shards[i]; s.size > s.max {
			t.Fatalf("shard %d counts %d bytes, above its bound %d", i, s.size, s.max)
		}
	}
	if n := c.size(); n > c.max {
		t.Fatalf("cache size %d above its bound %d", n, c.max)
	}
}

// stdDecode is what the engine's decoder must agree with: strictjson.Check
// (duplicate keys, syntax) and then encoding/json with numbers kept exact.
func stdDecode(data []byte) (any, bool) {
	if strictjson.Check(data) != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// checkDecode: decodeValue accepts exactly what strictjson.Check and
// encoding/json accept (below its depth bound) and reads the same value.
func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	got, ok := decodeValue(data)
	want, wantOK := stdDecode(data)
	switch {
	case ok && !wantOK:
		t.Fatalf("decodeValue accepted %q, which strictjson or encoding/json rejects", data)
	case !ok && wantOK && bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) <= maxDepth:
		t.Fatalf("decodeValue rejected %q, which is valid", data)
	case ok && !reflect.DeepEqual(got, want):
		t.Fatalf("decodeValue(%q) = %#v, want %#v", data, got, want)
	}
	// Input without whitespace between tokens is its own compact form.
	dec := decoder{d: data, src: string(data)}
	if _, ok := dec.run(); ok && !dec.spaced {
		checkCompact(t, data)
	}
}

func checkCompact(t *testing.T, data []byte) {
	t.Helper()
	seed := maphash.MakeSeed()
	if compactHash(seed, data) != maphash.Bytes(seed, data) {
		t.Fatalf("%q: read without whitespace, but its compact hash is not the hash of its bytes", data)
	}
}

var decodeCases = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e3`, `-12.0E-2`, `true`, `false`, `null`, ` {"a" : [1, "x", {"b": null}] } `,
	`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a\u00e9":1,"aé":2}`, `{"\ud800":1,"\ufffd":2}`, "{\"\xff\":1,\"\ufffd\":2}",
	`{"a":1 "b":2}`, `{"a":1,}`, `[1,]`, `[1 2]`, `[,1]`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`, `01`, `1.`, `.5`, `-`, `1e`, `1e+`, `+1`,
	`tru`, `truex`, `[truex]`, `nul`, `"a\x"`, "\"a\tb\"", `"\u12"`, `"abc`, `[1]]`, `{"a":1}}`, `{"a":[}`, `{"a":{]}`,
	`[{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k3":0}]`,
	`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k18":18}`,
	"", " ", `"\"\\\/\b\f\n\r\t"`, `1 2`, `[1] x`,
}

func TestDecodeValueStrict(t *testing.T) {
	for _, c := range decodeCases {
		checkDecode(t, []byte(c))
	}
	deep := bytes.Repeat([]byte("["), maxDepth+1)
	if _, ok := decodeValue(append(deep, bytes.Repeat([]byte("]"), maxDepth+1)...)); ok {
		t.Error("decodeValue read input nested deeper than maxDepth")
	}
}

func FuzzDecodeValue(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(checkDecode)
}

// TestSkipKnown: a question whose documents the cache holds is split at
// the same places as one scanned byte by byte, well-formed or not.
func TestSkipKnown(t *testing.T) {
	c := newDocCache(cacheMaxBytes)
	var sb strings.Builder
	sb.WriteString(`{"Statement":[`)
	for i := range 20 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r%d"},"Action":"kms:Decrypt","Resource":"*"}`, i, i)
	}
	sb.WriteString(`]}`)
	doc := sb.String()
	c.get([]byte(doc), kindResource, nil)
	if c.known([]byte(doc)) != 0 {
		t.Fatal("a document seen once is known")
	}
	c.get([]byte(doc), kindResource, nil)
	if n := c.known([]byte(doc + `,"x":1}`)); n != len(doc) {
		t.Fatalf("known = %d, want %d", n, len(doc))
	}
	if n := c.known([]byte(doc[:len(doc)-1] + `,"x":1}`)); n != 0 {
		t.Fatalf("a document that only starts like a kept one is known (%d)", n)
	}
	for _, q := range []string{
		`{"key_policy":` + doc + `,"id":"a"}`,
		`{"identity_policies":[` + doc + `,` + doc + `],"id":"a"}`,
		`{"scps":[[` + doc + `],[{"a":1},` + doc + `]],"id":"a"}`,
		`{"scps":[[` + doc + ` ` + doc + `]],"id":"a"}`,
		`{"scps":[` + doc + `}],"id":"a"}`,
		`{"scps":[` + doc + `,]],"id":"a"}`,
		`{"key_policy":` + doc + `]}`,
		`{"key_policy":[]}`,
		`{"key_policy":[ ] }`,
	} {
		d := []byte(q)
		for i := range d {
			if d[i] == '{' || d[i] == '[' {
				if got, want := skipKnown(d, i, c.known), skipValue(d, i); got != want {
					t.Errorf("skipKnown(%.40s..., %d) = %d, skipValue %d", q, i, got, want)
				}
			}
		}
		var got, want rawFields
		gotOK := questionFields(d, c.known, &got, nil)
		wantOK := questionFields(d, nil, &want, nil)
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Errorf("questionFields(%.60s...) with the cache differs", q)
		}
	}
}

var compileCases = []string{
	`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":["kms:Decrypt","kms:Get*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":["s3.us-west-2.amazonaws.com"],"aws:PrincipalTag/t":"${aws:username}"},"NumericLessThan":{"kms:X":5},"Bool":{"aws:SecureTransport":true}}}]}`,
	` { "Statement" : { "Effect" : "Deny" , "NotPrincipal" : { "Service" : "s3.amazonaws.com" } , "NotAction" : "kms:*" , "NotResource" : [ "arn:aws:kms:*:111122223333:key/*" ] } , "Version" : "2008-10-17" } `,
	`{"Statement":[],"Id":{"a":[1,2,{"b":null}]}}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"a":"x","b":"y","a":"z"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"a":"x"},"StringLike":{"b":"y"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*","AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}],"Statement":[]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}],"Version":"2012-10-17","Version":"2012-10-17"}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}}],"Version":"2012-10-17"}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"},]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"NumericEquals":{"k":[1,2.5,01]}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"k":[tru]}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"\u002a","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"k\u0031":"a","k1":"b"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]} x`,
}

// checkCompile: compileBytes accepts only what strictjson.Check and
// encoding/json accept (the document cache keeps what it compiles, and
// does not read it again), compiles the same document however it is
// written (compileDocument, from the decoded value) or into a question's
// parts, and reading without whitespace means a compact form.
func checkCompile(t *testing.T, data []byte) {
	t.Helper()
	for _, kind := range []string{kindResource, kindIdentity} {
		doc, spaced, ok := compileBytes(data, kind, nil)
		if !ok {
			continue
		}
		v, valid := stdDecode(data)
		if !valid {
			t.Fatalf("compileBytes accepted %q, which strictjson or encoding/json rejects", data)
		}
		if !spaced {
			checkCompact(t, data)
		}
		again, ok := compileDocument(v, kind)
		if !ok || !reflect.DeepEqual(doc, again) {
			t.Fatalf("%q compiles differently written again (%v):\n%+v\n%+v", data, ok, doc, again)
		}
		// Into a question's parts, twice (after another document there).
		var parts docParts
		for range 2 {
			inParts, _, ok := compileBytes(data, kind, &parts)
			if !ok || !reflect.DeepEqual(doc, inParts) {
				t.Fatalf("%q compiles differently into a question's parts (%v):\n%+v\n%+v", data, ok, doc, inParts)
			}
		}
	}
}

func TestCompileBytesStrict(t *testing.T) {
	accepted := 0
	for _, c := range compileCases {
		checkCompile(t, []byte(c))
		if _, _, ok := compileBytes([]byte(c), kindResource, nil); ok {
			accepted++
		}
	}
	if accepted != 5 {
		t.Errorf("%d of the cases compiled, want 5 (the first five)", accepted)
	}
	// Written with whitespace past an arena's size (compiled without one)
	// and compact within it (compiled into one): the same document.
	for _, pad := range []int{100, 300, 1100} {
		d := `{"Statement":[{"Effect":"Allow",` + strings.Repeat(" ", pad) + `"Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`
		checkCompile(t, []byte(d))
		d = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":` + strings.Repeat(" ", pad) + `"true"}}}]}`
		checkCompile(t, []byte(d))
	}
}

func FuzzCompileBytes(f *testing.F) {
	for _, c := range compileCases {
		f.Add([]byte(c))
	}
	f.Fuzz(checkCompile)
}

// TestDocCacheConcurrent: workers sharing a cache (as a batch's do) get
// the documents they would compile alone, while documents and statements
// are kept, found and dropped (a small bound) under them; run with -race.
func TestDocCacheConcurrent(t *testing.T) {
	c := newDocCache(1 << 18)
	doc := func(i int) []byte {
		shared := `{"Sid":"Shared","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
		own := fmt.Sprintf(`{"Sid":"S%d","Effect":"Deny","Principal":"*","Action":["kms:Decrypt","kms:Re*"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"%012d"}}}`, i%50, i%7)
		return []byte(fmt.Sprintf(`{"Version":"2012-10-17","Id":"d%d","Statement":[%s,%s]}`, i%300, shared, own))
	}
	want := make([]*document, 300)
	for i := range want {
		d, _, ok := compileBytes(doc(i), kindResource, nil)
		if !ok {
			t.Fatalf("document %d does not compile", i)
		}
		want[i] = d
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := range 3000 {
				n := (i*7 + w*13) % 300
				got, ok := c.get(doc(n), kindResource, nil)
				if !ok || !reflect.DeepEqual(got.statements, want[n].statements) {
					errs <- fmt.Sprintf("worker %d, document %d: %v", w, n, ok)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	checkBound(t, c)
}
