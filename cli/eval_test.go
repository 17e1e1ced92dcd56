package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/exitcode"
)

// Two questions on the key policy that trusts the account: the root user is
// allowed, an IAM user without an identity policy is implicitly denied.
const (
	evalAllowed = `{"id": "a", "principal": "111122223333", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}}`
	evalDenied  = `{"id": "d", "principal": "arn:aws:iam::111122223333:user/u", "action": "kms:Decrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/k", "key_policy": {"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}}`
)

// TestEvalExitCodes checks how eval turns a batch's answers into its exit
// status; the batch loop itself is tested in runner (batch_test.go).
func TestEvalExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		in      io.Reader
		want    int
		wantErr string
		answers int
	}{
		{"allowed", strings.NewReader(evalAllowed + "\n" + evalAllowed), exitcode.Allowed, "", 2},
		{"a denial", strings.NewReader(evalAllowed + "\n" + evalDenied + "\n"), exitcode.Denied, "", 2},
		{"an error answer", strings.NewReader(evalDenied + "\n{\n"), exitcode.Input, "", 2},
		{"empty", strings.NewReader("\n\n"), exitcode.Allowed, "", 0},
		{"read error", io.MultiReader(strings.NewReader(evalAllowed+"\n"), errReader{}), exitcode.Input, "reading standard input: disk on fire", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runEval(t.Context(), evalParams{Batch: "-"}, tt.in, &out, io.Discard)
			if ExitCode(err) != tt.want {
				t.Errorf("exit %d (%v), want %d", ExitCode(err), err, tt.want)
			}
			if tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if n := strings.Count(out.String(), "\n"); n != tt.answers {
				t.Errorf("%d answers, want %d:\n%s", n, tt.answers, out.String())
			}
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("disk on fire") }
