package runner

// ResetMemo empties r's document memo, so that a fuzz input is evaluated
// from the same state whatever ran before it (coverage-guided fuzzing needs
// each input to behave the same every time).
func ResetMemo(r *Runner) {
	if m := stateOf(r).memo; m != nil {
		m.reset()
	}
}

// stateOf is r's compiled Rego (compiled now if it was not yet).
func stateOf(r *Runner) *regoState {
	st, err := r.rego()
	if err != nil {
		panic(err)
	}
	return st
}

// RegoEvaluations is the number of Rego evaluations r has made so far.
func RegoEvaluations(r *Runner) int64 {
	return stateOf(r).evals.Load()
}
