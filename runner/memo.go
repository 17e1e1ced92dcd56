package runner

import (
	"context"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Queries of the document memo.
const (
	// PrepareQuestionQuery reads a question's own policy documents into
	// prepared entries (rego/kmsguard/authz/prepared.rego).
	PrepareQuestionQuery = "data.kmsguard.authz.prepare_question"
	// decisionWithEntriesQuery is the decision of input.question with the
	// entries input.prepared at data.kmsguard.prepared.question.
	decisionWithEntriesQuery = DecisionQuery + " with input as input.question with data.kmsguard.prepared.question as input.prepared"
)

// Bounds of the memo: past them it starts again empty, so memory stays
// bounded whatever the questions. Entries are counted in terms (JSON
// values); with the documents they were made from, a term takes about 130
// bytes, so the memo stays near 50 MB at most (a 30-statement policy with
// conditions makes an entry of about 2,300 terms).
const (
	memoMaxTerms = 400_000
	memoMaxSeen  = 1 << 16
)

// The question's policy fields, by shape. The memo only needs to find the
// documents; which kind of policy each field holds is the Rego's business.
var (
	memoSingleFields = []string{"key_policy", "permissions_boundary", "session_policy", "vpc_endpoint_policy"}
	memoListFields   = []string{"identity_policies"}
	memoLevelFields  = []string{"scps", "rcps"}
)

// docMemo keeps the prepared entries (statements and validation messages,
// computed in Rego by PrepareQuestionQuery) of policy documents that recur
// across questions: a batch asking about one key policy for many
// principals reads that policy once. A document is prepared the second
// time it is seen, so questions that never repeat a document pay only a
// hash lookup. The Rego uses an entry only for the very document it was
// made from, so the memo cannot change an answer.
type docMemo struct {
	prepare rego.PreparedEvalQuery

	mu      sync.Mutex
	seen    map[memoKey]struct{}
	entries map[memoKey][]memoEntry
	terms   int // of all entries
}

type memoKey struct {
	field string
	hash  int
}

type memoEntry struct {
	doc   ast.Value
	entry *ast.Term
}

func newDocMemo(prepare rego.PreparedEvalQuery) *docMemo {
	return &docMemo{prepare: prepare, seen: map[memoKey]struct{}{}, entries: map[memoKey][]memoEntry{}}
}

// reset forgets every document.
func (m *docMemo) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.seen)
	clear(m.entries)
	m.terms = 0
}

// questionEntries returns the entries for input's documents, in the shape
// of data.kmsguard.prepared.question, or nil when the memo has none.
func (m *docMemo) questionEntries(ctx context.Context, input ast.Value) ast.Value {
	q, ok := input.(ast.Object)
	if !ok {
		return nil
	}
	out := ast.NewObject()
	for _, f := range memoSingleFields {
		if t := q.Get(ast.InternedTerm(f)); t != nil {
			if e := m.lookup(ctx, f, t.Value, 0); e != nil {
				out.Insert(ast.InternedTerm(f), e)
			}
		}
	}
	for _, f := range memoListFields {
		if t := q.Get(ast.InternedTerm(f)); t != nil {
			if list := m.list(ctx, f, t.Value, 1); list != nil {
				out.Insert(ast.InternedTerm(f), list)
			}
		}
	}
	for _, f := range memoLevelFields {
		levels, ok := termArray(q.Get(ast.InternedTerm(f)))
		if !ok {
			continue
		}
		terms := make([]*ast.Term, levels.Len())
		found := false
		for l := range terms {
			terms[l] = ast.NullTerm()
			if list := m.list(ctx, f, levels.Elem(l).Value, 2); list != nil {
				terms[l], found = list, true
			}
		}
		if found {
			out.Insert(ast.InternedTerm(f), ast.ArrayTerm(terms...))
		}
	}
	if out.Len() == 0 {
		return nil
	}
	return out
}

// list returns the entries of a list of documents (null where there is
// none), or nil when there is none at all.
func (m *docMemo) list(ctx context.Context, field string, v ast.Value, depth int) *ast.Term {
	docs, ok := v.(*ast.Array)
	if !ok {
		return nil
	}
	terms := make([]*ast.Term, docs.Len())
	found := false
	for i := range terms {
		terms[i] = ast.NullTerm()
		if e := m.lookup(ctx, field, docs.Elem(i).Value, depth); e != nil {
			terms[i], found = e, true
		}
	}
	if !found {
		return nil
	}
	return ast.ArrayTerm(terms...)
}

func termArray(t *ast.Term) (*ast.Array, bool) {
	if t == nil {
		return nil, false
	}
	a, ok := t.Value.(*ast.Array)
	return a, ok
}

// lookup returns the entry for doc in field, preparing it on its second
// sighting; nil before that, or when preparing fails (the decision then
// reads the document itself). depth is how deep doc sits in the field: 0
// for a document, 1 in a list, 2 in a list of levels.
func (m *docMemo) lookup(ctx context.Context, field string, doc ast.Value, depth int) *ast.Term {
	key := memoKey{field, doc.Hash()}
	m.mu.Lock()
	for _, e := range m.entries[key] {
		if e.doc.Compare(doc) == 0 {
			m.mu.Unlock()
			return e.entry
		}
	}
	if _, again := m.seen[key]; !again {
		if len(m.seen) >= memoMaxSeen {
			clear(m.seen)
		}
		m.seen[key] = struct{}{}
		m.mu.Unlock()
		return nil
	}
	m.mu.Unlock()

	entry := m.compute(ctx, field, doc, depth)
	if entry == nil {
		return nil
	}
	terms := 0
	ast.WalkTerms(entry, func(*ast.Term) bool { terms++; return false })
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.terms+terms > memoMaxTerms {
		clear(m.entries)
		m.terms = 0
	}
	m.entries[key] = append(m.entries[key], memoEntry{doc: doc, entry: entry})
	m.terms += terms
	return entry
}

// compute evaluates PrepareQuestionQuery on a question holding only doc, in
// its field, and returns doc's entry.
func (m *docMemo) compute(ctx context.Context, field string, doc ast.Value, depth int) *ast.Term {
	wrapped := ast.NewTerm(doc)
	for range depth {
		wrapped = ast.ArrayTerm(wrapped)
	}
	input := ast.NewObject(ast.Item(ast.StringTerm(field), wrapped))
	rs, err := m.prepare.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil || len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil
	}
	entry, err := ast.InterfaceToValue(rs[0].Expressions[0].Value)
	if err != nil {
		return nil
	}
	path := ast.Ref{ast.StringTerm(field)}
	for range depth {
		path = append(path, ast.InternedTerm(0))
	}
	found, err := entry.Find(path)
	if err != nil {
		return nil
	}
	obj, ok := found.(ast.Object)
	if !ok || obj.Get(ast.InternedTerm("document")) == nil {
		return nil
	}
	// The entry's document is doc itself, not the copy Rego returned.
	out := ast.NewObject()
	obj.Foreach(func(k, v *ast.Term) {
		if k.Equal(ast.InternedTerm("document")) {
			v = ast.NewTerm(doc)
		}
		out.Insert(k, v)
	})
	return ast.NewTerm(out)
}
