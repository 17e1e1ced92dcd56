package engine

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// partsDoc is document i of the reuse tests: 300 distinct documents, each
// with a statement they all share and one of 50 statements of their own
// (spaced: the same document with whitespace, which has the same compact
// form).
func partsDoc(i int, spaced bool) []byte {
	shared := `{"Sid":"Shared","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
	own := fmt.Sprintf(`{"Sid":"S%d","Effect":"Deny","Principal":{"AWS":["arn:aws:iam::111122223333:role/R%d","arn:aws:iam::111122223333:user/U"]},`+
		`"Action":["kms:Decrypt","kms:Re*"],"Resource":["arn:aws:kms:*:111122223333:key/*","arn:aws:kms:us-west-2:*:alias/a%d"],`+
		`"Condition":{"StringEquals":{"kms:CallerAccount":"%012d"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x*"},"NumericLessThan":{"kms:GrantCount":"5"}}}`,
		i%50, i%50, i%50, i%50)
	d := fmt.Sprintf(`{"Version":"2012-10-17","Id":"d%d","Statement":[%s,%s]}`, i%300, shared, own)
	if spaced {
		d = "{ " + d[1:]
	}
	return []byte(d)
}

// fresh is document d compiled into memory of its own, without the cache.
func fresh(t testing.TB, d []byte) *document {
	t.Helper()
	doc, _, ok := compileBytes(d, kindResource, nil)
	if !ok {
		t.Fatalf("%s does not compile", d)
	}
	return doc
}

// overwrite fills parts with other documents than partsDoc's, as the next
// questions do.
func overwrite(t testing.TB, c *docCache, parts *docParts) {
	t.Helper()
	parts.reset()
	for i := range 20 {
		d := fmt.Sprintf(`{"Version":"2012-10-17","Id":"other%d","Statement":[{"Effect":"Allow","Principal":"*","NotAction":["kms:Other%d","s3:Get*"],`+
			`"NotResource":"arn:aws:s3:::b%d/*","Condition":{"StringLike":{"aws:userid":["AID*:%d","x"]}}}]}`, i, i, i, i)
		if _, ok := c.get([]byte(d), kindResource, parts); !ok {
			t.Fatalf("%s declined", d)
		}
	}
}

// TestDocPartsReuse: a document the cache does not keep is compiled into
// the question's docParts, which the next question reuses; what the cache
// keeps (a document kept after it was compiled there) is compiled again
// into memory of its own, and does not change
// when they are reused — nor, when the question borrows (its documents'
// strings cut from its bytes), when its bytes are overwritten.
func TestDocPartsReuse(t *testing.T) {
	for _, borrowed := range []bool{false, true} {
		t.Run(fmt.Sprintf("borrowed=%v", borrowed), func(t *testing.T) { testDocPartsReuse(t, borrowed) })
	}
}

func testDocPartsReuse(t *testing.T, borrowed bool) {
	c := newDocCache(1 << 22)
	parts := docParts{borrowed: borrowed}
	get := func(d []byte) (*document, bool) {
		doc, ok := c.get(d, kindResource, &parts)
		if borrowed {
			// The caller's next question: only the parts' documents may
			// point here, and they are not read again.
			for i := range d {
				d[i] = '#'
			}
		}
		return doc, ok
	}
	d0, ok := get(partsDoc(0, false))
	if !ok || len(parts.stmts.buf) != 2 || &parts.stmts.buf[0] != &d0.statements[0] {
		t.Fatalf("a document seen once is not compiled into the question's parts (%v)", ok)
	}
	// The same document with whitespace: the second sight of its compact
	// form, kept, although compiled into parts (its bytes were not seen).
	parts.reset()
	kept, ok := get(partsDoc(0, true))
	if !ok {
		t.Fatal("declined")
	}
	overwrite(t, c, &parts)
	if again, _ := get(partsDoc(0, true)); again != kept {
		t.Fatal("the document with whitespace is not kept")
	}
	if !reflect.DeepEqual(kept, fresh(t, partsDoc(0, false))) {
		t.Fatalf("a kept document changed when the parts it was compiled into were reused:\n%+v", kept)
	}
}

// TestDocPartsConcurrent: workers sharing a cache, each compiling into
// parts of its own that it reuses for every document, get the documents
// they would compile alone, and the cache holds what the documents compile
// to once they are all done, although half of the workers compile with
// borrowed strings and overwrite their documents' bytes once done. Run with -race: a kept document or statement
// that pointed into a worker's parts would be read by the others while
// that worker rewrites them.
func TestDocPartsConcurrent(t *testing.T) {
	c := newDocCache(1 << 19) // small: shards start again empty
	want := make([]*document, 300)
	for i := range want {
		want[i] = fresh(t, partsDoc(i, false))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 4 {
		wg.Go(func() {
			parts := docParts{borrowed: w%2 == 1} // overwriting its bytes once done
			for i := range 3000 {
				n := (i*7 + w*13) % 300
				d := partsDoc(n, i%3 == 0)
				got, ok := c.get(d, kindResource, &parts)
				if !ok || !reflect.DeepEqual(got, want[n]) {
					errs <- fmt.Sprintf("worker %d, document %d: %v", w, n, ok)
					return
				}
				parts.reset()
				if parts.borrowed {
					clear(d)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	kept := 0
	for i := range c.shards {
		s := &c.shards[i]
		for _, list := range s.entries {
			for _, e := range list {
				if !reflect.DeepEqual(e.doc, fresh(t, e.raw)) {
					t.Errorf("kept document %s changed", e.raw)
				}
				kept++
			}
		}
	}
	if kept == 0 {
		t.Error("the cache kept nothing")
	}
	checkBound(t, c)
}
