package runner

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestReadinessNativeSameReport: check --service's readiness report, with
// its questions decided by the native engine, is the report
// data.kmsguard.readiness.report gives with the Rego deciding them — for
// every service, on every key policy of the seed documents and the
// example, with and without the optional inputs.
func TestReadinessNativeSameReport(t *testing.T) {
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../testdata/lint/seeds/*key-policy.json")
	files = append(files, "../examples/key-policy.json")
	if len(files) < 2 {
		t.Fatal("no key policies to check")
	}
	st := stateOf(r)
	services := []string{"iotfleetwise", "logs", "logs-anomaly-detector", "autoscaling-ebs", "cloudtrail", "s3", "nope"}
	compared, native := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		for _, svc := range services {
			for _, extra := range []map[string]any{
				{},
				{"resource": "arn:aws:logs:us-east-1:111122223333:log-group:app", "account": "444455556666", "principal": "arn:aws:iam::111122223333:role/App"},
				{"key_arn": "not-a-key"},
			} {
				in := map[string]any{"service": svc, "policy": doc, "key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
				for k, v := range extra {
					in[k] = v
				}
				input, err := ast.InterfaceToValue(in)
				if err != nil {
					t.Fatal(err)
				}
				before := r.Stats().Native
				got, gotErr := r.Readiness(ctx, input)
				native += int(r.Stats().Native - before)
				want, wantErr := st.lint.readinessRego(ctx, input)
				name := filepath.Base(f) + " " + svc
				if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
					t.Errorf("%s %v: error %v, the Rego's %v", name, extra, gotErr, wantErr)
					continue
				}
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if string(g) != string(w) {
					t.Errorf("%s %v:\n native %s\n Rego   %s", name, extra, g, w)
				}
				compared++
			}
		}
	}
	if !st.lint.questionsOK {
		t.Fatal("the readiness questions query is not in use: the Rego decided every question")
	}
	if native == 0 {
		t.Fatalf("no question was decided natively (%d reports)", compared)
	}
	t.Logf("%d reports compared, %d questions decided natively, %d fallbacks", compared, native, r.Stats().Fallbacks)
}
