package engine_test

import (
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/question/opainput"
)

// TestDeclinesMalformedAroundCachedDocuments: the engine checks a question's
// own JSON and its small fields itself and trusts only documents whose very
// bytes its cache holds. With the documents cached, every question the
// decoder rejects (syntax, duplicate keys, anywhere) must still be declined,
// so that the Rego path answers it with the decoder's error.
func TestDeclinesMalformedAroundCachedDocuments(t *testing.T) {
	const kp = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	const ip = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true}}}}`
	const head = `"principal":"arn:aws:iam::111122223333:user/alice","action":"kms:Decrypt","resource":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`
	valid := `{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + ip + `],"context":{"aws:SourceVpc":"vpc-1","aws:SecureTransport":true}}`
	spaced := strings.ReplaceAll(kp, ",", " , ")
	e, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{valid, `{` + head + `,"key_policy":` + spaced + `,"identity_policies":[` + ip + `],"context":{"aws:SecureTransport":true}}`} {
		if a, ok := e.Decide([]byte(q)); !ok || a.Decision != "Allowed" {
			t.Fatalf("valid question: answered natively %v, %+v; want Allowed", ok, a)
		}
	}
	for _, bad := range []string{
		valid + `x`,
		valid + `}`,
		strings.TrimSuffix(valid, `}`),
		`{` + head + `,"key_policy":` + kp + ` "identity_policies":[` + ip + `]}`,
		`{` + head + `,"key_policy":` + kp + `,,"identity_policies":[` + ip + `]}`,
		`{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + ip + ` ` + ip + `]}`,
		`{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + ip + `,]}`,
		`{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + ip + `]]}`,
		`{` + head + `,"key_policy":` + kp + `,"key_policy":` + kp + `}`,
		`{` + head + `,"action":"kms:Decrypt","key_policy":` + kp + `}`,
		`{` + head + `,"key_policy":` + kp + `,"context":{"aws:SourceVpc":"vpc-1","aws:SourceVpc":"vpc-2"}}`,
		`{` + head + `,"key_policy":` + kp + `,"context":{"aws:SourceVpc":"vpc-1",}}`,
		`{` + head + `,"key_policy":` + kp + `,"context":{"aws:SourceVpc":tru}}`,
		`{` + head + `,"key_policy":` + kp[:len(kp)-1] + `}`,
		`{` + head + `,"key_policy":` + kp + `x}`,
		`{` + head + `,"key_policy":` + strings.Replace(kp, `"Sid":"Root",`, `"Sid":"Root","Sid":"Other",`, 1) + `}`,
		`{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + strings.Replace(ip, `true`, `tr ue`, 1) + `]}`,
		`{` + head + `,"key_policy":` + spaced[:len(spaced)-1] + `}`,
		`{"principal"` + head[len(`"principal"`):] + `,"key_policy":` + kp + `,"principal":"x"}`,
		`{` + head + `,"key_policy":` + kp + `,"identity_policies":[` + ip + `],"scps":[[` + ip + `]` + ip + `]}`,
	} {
		if _, _, err := opainput.Decode([]byte(bad)); err == nil {
			t.Errorf("the decoder accepts %s; the test expects a malformed question", bad)
			continue
		}
		if a, ok := e.Decide([]byte(bad)); ok {
			t.Errorf("answered a malformed question natively (%s): %s", a.Decision, bad)
		}
	}
}
