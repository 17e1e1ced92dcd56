package runner

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/question/opainput"
)

// Asked is the question `kmsguard can`'s flags describe and its answer.
type Asked struct {
	Built
	Answer *Answer
	// Explanation is the answer's explanation when it was asked for, nil
	// otherwise; its decision is Answer.
	Explanation map[string]any
}

// AskFlags is one `kmsguard can`: it builds the question p describes
// (BuildQuestion), checks it with the one decoder of questions, and
// answers it with one evaluation, native or Rego, with its explanation
// when explain is set. An error answer's messages about a policy file name
// the file, line and column. err is an error in the user's input or in
// loading the policy engine; an error answer is not an err.
func AskFlags(ctx context.Context, p QuestionFlags, stdin io.Reader, explain bool) (*Asked, error) {
	b, err := BuildQuestion(p, stdin)
	if err != nil {
		return nil, err
	}
	input, _, err := opainput.DecodeObject(b.Question)
	if err != nil {
		return nil, errors.New(question.Message(err, 1))
	}
	r, err := NewLazy(ctx)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(b.Question)
	if err != nil {
		return nil, err
	}
	ans, explanation, err := r.Ask(ctx, data, input, explain)
	if err != nil {
		return nil, err
	}
	if ans.Error != "" {
		ans.Error = strings.Join(policyfile.PlaceAll(ans.Error, b.Origins), "\n")
	}
	return &Asked{Built: b, Answer: ans, Explanation: explanation}, nil
}
