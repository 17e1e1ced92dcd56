package runner

// ResetMemo empties r's document memo, so that a fuzz input is evaluated
// from the same state whatever ran before it (coverage-guided fuzzing needs
// each input to behave the same every time).
func ResetMemo(r *Runner) {
	if r.memo != nil {
		r.memo.reset()
	}
}
