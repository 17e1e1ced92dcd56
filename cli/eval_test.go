package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

const evalKeyPolicy = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// evalQuestion is question i of a batch: allowed for even i (the root user),
// implicitly denied for odd i (an IAM user without an identity policy).
func evalQuestion(i int) string {
	principal := "111122223333"
	if i%2 == 1 {
		principal = fmt.Sprintf("arn:aws:iam::111122223333:user/u%d", i)
	}
	return fmt.Sprintf(`{"id": "q%d", "principal": %q, "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": %s}`,
		i, principal, evalKeyPolicy)
}

func decodeAnswers(t *testing.T, out []byte) []result.Answer {
	t.Helper()
	var answers []result.Answer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a result.Answer
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("answer %q: %v", sc.Text(), err)
		}
		answers = append(answers, a)
	}
	return answers
}

func TestEvalOrderManyWorkers(t *testing.T) {
	const n = 400
	var in strings.Builder
	for i := range n {
		in.WriteString(evalQuestion(i))
		in.WriteString("\n")
	}
	var out bytes.Buffer
	err := runEval(t.Context(), evalParams{Batch: "-", Workers: 8}, strings.NewReader(in.String()), &out, io.Discard)
	if ExitCode(err) != ExitDenied {
		t.Errorf("exit %d (%v), want 1", ExitCode(err), err)
	}
	answers := decodeAnswers(t, out.Bytes())
	if len(answers) != n {
		t.Fatalf("%d answers, want %d", len(answers), n)
	}
	for i, a := range answers {
		want := "Allowed"
		if i%2 == 1 {
			want = "ImplicitlyDenied"
		}
		if a.ID != fmt.Sprintf("q%d", i) || a.Decision != want || a.Error != "" {
			t.Fatalf("answer %d = %+v, want id q%d decision %s", i, a, i, want)
		}
	}
}

func TestEvalLongLine(t *testing.T) {
	long := `{"id": "long", "pad": "` + strings.Repeat("x", maxLineBytes) + `"}`
	in := evalQuestion(0) + "\n" + long + "\n\n" + evalQuestion(2) // no final newline
	var out bytes.Buffer
	err := runEval(t.Context(), evalParams{Batch: "-"}, strings.NewReader(in), &out, io.Discard)
	if ExitCode(err) != ExitInput {
		t.Errorf("exit %d (%v), want 2", ExitCode(err), err)
	}
	answers := decodeAnswers(t, out.Bytes())
	if len(answers) != 3 {
		t.Fatalf("answers = %+v", answers)
	}
	if answers[0].ID != "q0" || !answers[0].IsAllowed() {
		t.Errorf("answer 0 = %+v", answers[0])
	}
	if want := fmt.Sprintf("line 2: longer than %d bytes", maxLineBytes); answers[1].Error != want || answers[1].IsAllowed() {
		t.Errorf("answer 1 = %+v, want error %q", answers[1], want)
	}
	if answers[2].ID != "q2" || !answers[2].IsAllowed() {
		t.Errorf("answer 2 = %+v", answers[2])
	}
}

// TestEvalStreams checks that eval answers a line before it reads the next:
// the batch is fed through a pipe one line at a time, and each answer is
// read before the next question is written. An implementation that reads
// all input first would block here.
func TestEvalStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := runEval(t.Context(), evalParams{Batch: "-"}, inR, outW, io.Discard)
		_ = outW.Close()
		done <- err
	}()
	answers := bufio.NewReader(outR)
	for i := range 3 {
		if _, err := io.WriteString(inW, evalQuestion(i)+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := answers.ReadBytes('\n')
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		var a result.Answer
		if err := json.Unmarshal(line, &a); err != nil || a.ID != fmt.Sprintf("q%d", i) {
			t.Fatalf("answer %d = %s (%v)", i, line, err)
		}
	}
	_ = inW.Close()
	if rest, _ := io.ReadAll(answers); len(rest) != 0 {
		t.Errorf("unexpected output %q", rest)
	}
	if err := <-done; ExitCode(err) != ExitDenied {
		t.Errorf("exit %d (%v), want 1", ExitCode(err), err)
	}
}

func TestEvalReadError(t *testing.T) {
	in := io.MultiReader(strings.NewReader(evalQuestion(0)+"\n"), errReader{})
	var out bytes.Buffer
	err := runEval(t.Context(), evalParams{Batch: "-"}, in, &out, io.Discard)
	if ExitCode(err) != ExitInput || err.Error() != "reading standard input: disk on fire" {
		t.Errorf("error = %v (exit %d)", err, ExitCode(err))
	}
	if answers := decodeAnswers(t, out.Bytes()); len(answers) != 1 || !answers[0].IsAllowed() {
		t.Errorf("answers = %+v", answers)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("disk on fire") }
