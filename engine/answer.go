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

// answerBuf is an answer the engine writes into again and again (a
// scratch's, for AppendDecision): its arrays are kept from question to
// question, and what it holds is written out before the scratch is
// released, which empties it.
type answerBuf struct {
	a       Answer
	allowed bool
	reasons []Reason
	nums    []int
	missing []string
}

// reset empties b, keeping its arrays.
func (b *answerBuf) reset() {
	*b = answerBuf{reasons: emptied(b.reasons), nums: emptied(b.nums), missing: emptied(b.missing)}
}

// answer is the answer to the question of ev: its decision, whether it
// allows, and its reasons or missing (missing is copied). Without ev.into,
// the answer owns all its memory (one allocation for up to blockReasons
// reasons): nothing of ev's buffers is reachable from it. With ev.into, it
// is ev.into's answer, valid until the scratch is released.
func (ev *eval) answer(decision string, allowed bool, whys []why, missing []string) *Answer {
	var a *Answer
	var allowedAt *bool
	var reasons []Reason
	var nums []int
	var kept []string // missing, copied (missing may be on the caller's stack)
	switch n := len(whys); {
	case ev.into != nil:
		b := ev.into
		if cap(b.reasons) < n || cap(b.nums) < 3*n {
			b.reasons, b.nums = make([]Reason, n), make([]int, 0, 3*n)
		}
		a, allowedAt, reasons, nums = &b.a, &b.allowed, b.reasons[:n], b.nums[:0:3*n]
		b.missing = append(b.missing[:0], missing...)
		kept = b.missing
	case n == 0:
		b := new(answerBlock)
		a, allowedAt = &b.a, &b.allowed
	case n <= blockReasons:
		br := new(answerBlockR)
		a, allowedAt, reasons, nums = &br.a, &br.allowed, br.reasons[:n:n], br.nums[:0:3*n]
	default:
		b := new(answerBlock)
		a, allowedAt = &b.a, &b.allowed
		reasons, nums = make([]Reason, n), make([]int, 0, 3*n)
	}
	if ev.into == nil && len(missing) > 0 {
		kept = append(make([]string, 0, len(missing)), missing...)
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
	*allowedAt = allowed
	*a = Answer{Decision: decision, Allowed: allowedAt, Reasons: reasons, Missing: kept, RequestTime: ev.requestTimeField()}
	if len(reasons) == 0 {
		a.Reasons = nil
	}
	if len(kept) == 0 {
		a.Missing = nil
	}
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
