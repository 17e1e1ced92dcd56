package engine_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/gen"
)

// TestScratchReuse: the engine reuses each decision's working state for
// the next questions, so it proves here that nothing an answer holds is
// part of it, nor of the caller's bytes. Every answer and explanation is
// rendered when it is returned; then the caller's buffers are overwritten
// and the same questions are answered again, in another order, on several
// goroutines (run it with -race); the first answers must render as they
// did, and the second ones must be the same. AppendDecision, whose
// question's strings and answer are the scratch's, is asked each question
// between the others: what it appends must be the answer's AppendJSON,
// and it must change no answer given before.
func TestScratchReuse(t *testing.T) {
	e, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	questions := gen.Generate(600, 0x5c7a7c4)
	lines := make([][]byte, len(questions))
	for i, q := range questions {
		if lines[i], err = json.Marshal(q); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		ans     *engine.Answer
		explain map[string]any
		text    string // both, rendered at once
	}
	render := func(r result) string {
		b, err := json.Marshal([]any{r.ans, r.explain})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	first := make([]result, len(lines))
	for i, line := range lines {
		buf := append([]byte(nil), line...)
		a, ok := e.Decide(buf)
		if !ok {
			t.Fatalf("question %d declined", i)
		}
		x, ok := e.Explain(buf)
		if !ok {
			t.Fatalf("question %d declined by Explain", i)
		}
		first[i] = result{ans: a, explain: x}
		first[i].text = render(first[i])
		appended, allowed, ok := e.AppendDecision([]byte("previous\n"), buf)
		if want := "previous\n" + string(a.AppendJSON(nil)); !ok || string(appended) != want || allowed != a.IsAllowed() {
			t.Fatalf("question %d: AppendDecision gave %q (allowed %v, ok %v), want %q (allowed %v)", i, appended, allowed, ok, want, a.IsAllowed())
		}
		for j := range buf {
			buf[j] = 'x' // the caller reuses its buffer
		}
	}
	var wg sync.WaitGroup
	const workers = 4
	second := make([]string, len(lines))
	for w := range workers {
		wg.Go(func() {
			for i := len(lines) - 1 - w; i >= 0; i -= workers {
				buf := append([]byte(nil), lines[i]...)
				a, ok := e.Decide(buf)
				appended, _, ok3 := e.AppendDecision(nil, buf)
				x, ok2 := e.Explain(buf)
				if !ok || !ok2 || !ok3 {
					t.Errorf("question %d declined the second time", i)
					return
				}
				clear(buf)
				second[i] = render(result{ans: a, explain: x})
				if want := string(first[i].ans.AppendJSON(nil)); string(appended) != want {
					t.Errorf("question %d: AppendDecision gave %s the second time, want %s", i, appended, want)
				}
			}
		})
	}
	wg.Wait()
	for i := range lines {
		if got := render(first[i]); got != first[i].text {
			t.Fatalf("question %d: its answer changed after other questions\n was: %s\n now: %s", i, first[i].text, got)
		}
		if second[i] != first[i].text {
			t.Fatalf("question %d: answered differently the second time\n first:  %s\n second: %s", i, first[i].text, second[i])
		}
	}
}
