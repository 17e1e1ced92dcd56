package engine

import "github.com/kmsguard/kmsguard/result"

// The answer types of package result, under the names the engine's code uses.
type (
	Reason = result.Reason
	Answer = result.Answer
)

// ErrorAnswer is the answer to a question that could not be evaluated.
func ErrorAnswer(id string, err error) *Answer { return result.ErrorAnswer(id, err) }

// reasonObject is r as the Rego renders it (for explain's "decision").
func reasonObject(r Reason) map[string]any {
	m := map[string]any{"policy": r.Policy, "effect": r.Effect}
	if r.Level != nil {
		m["level"] = *r.Level
	}
	if r.Index != nil {
		m["index"] = *r.Index
	}
	if r.Statement != nil {
		m["statement"] = *r.Statement
	}
	if r.Sid != "" {
		m["sid"] = r.Sid
	}
	if r.GrantID != "" {
		m["grant_id"] = r.GrantID
	}
	return m
}

// answerObject is the answer as the Rego's decision object.
func answerObject(a *Answer) map[string]any {
	m := map[string]any{}
	if a.ID != "" {
		m["id"] = a.ID
	}
	if a.Error != "" {
		m["error"] = a.Error
		return m
	}
	m["decision"] = a.Decision
	m["allowed"] = a.Allowed != nil && *a.Allowed
	if a.RequestTime != "" {
		m["request_time"] = a.RequestTime
	}
	if len(a.Reasons) > 0 {
		rs := make([]any, len(a.Reasons))
		for i, r := range a.Reasons {
			rs[i] = reasonObject(r)
		}
		m["reasons"] = rs
	}
	if len(a.Missing) > 0 {
		ms := make([]any, len(a.Missing))
		for i, s := range a.Missing {
			ms[i] = s
		}
		m["missing"] = ms
	}
	return m
}

// blockReasons is how many reasons an answer holds in its own block (the
// answers to the generated questions have at most a few); an answer with
// more has its reasons allocated apart.
const blockReasons = 4

// answerBlock is an answer and what its pointers point to, allocated as
// one: Allowed points to allowed.
type answerBlock struct {
	a       Answer
	allowed bool
}

// answerBlockR is an answerBlock with room for blockReasons reasons and
// their numbers (level, index, statement).
type answerBlockR struct {
	answerBlock
	reasons [blockReasons]Reason
	nums    [3 * blockReasons]int
}

// answer is the answer to the question of ev: its decision, whether it
// allows, and its reasons or missing. The answer owns all its memory (one
// allocation for up to blockReasons reasons): nothing of ev's buffers is
// reachable from it.
func (ev *eval) answer(decision string, allowed bool, whys []why, missing []string) *Answer {
	var b *answerBlock
	var reasons []Reason
	var nums []int
	switch n := len(whys); {
	case n == 0:
		b = new(answerBlock)
	case n <= blockReasons:
		br := new(answerBlockR)
		b, reasons, nums = &br.answerBlock, br.reasons[:n:n], br.nums[:0:3*n]
	default:
		b = new(answerBlock)
		reasons, nums = make([]Reason, n), make([]int, 0, 3*n)
	}
	num := func(v int) *int {
		if v < 0 {
			return nil
		}
		nums = append(nums, v) // within its capacity: never moved
		return &nums[len(nums)-1]
	}
	for i, w := range whys {
		reasons[i] = w.with(num)
	}
	a := &b.a
	b.allowed = allowed
	a.Decision, a.Allowed, a.Reasons, a.Missing = decision, &b.allowed, reasons, missing
	a.RequestTime = ev.requestTimeField()
	if ev.q.hasID {
		a.ID = ev.q.id
	}
	return a
}

// reason is w as a Reason of its own (for explain).
func (w why) reason() Reason {
	return w.with(func(v int) *int {
		if v < 0 {
			return nil
		}
		return &v
	})
}

// with is w as a Reason, its numbers (-1: none) given by num.
func (w why) with(num func(int) *int) Reason {
	return Reason{
		Policy: w.policy, Effect: w.effect, Sid: w.sid, GrantID: w.grantID,
		Level: num(w.level), Index: num(w.index), Statement: num(w.stmt),
	}
}
