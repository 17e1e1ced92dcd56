package snapshot

import (
	"fmt"
	"sort"
	"time"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/policyfile"
)

// keyARN matches a KMS key ARN.
var keyARN = lazyregexp.New(`^arn:[a-z0-9-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)

// ImportSources are saved AWS CLI outputs to assemble a snapshot from,
// without calling AWS: key policies (`aws kms get-key-policy` output or a
// bare policy) and grant lists (`aws kms list-grants` output or a list in the
// snapshot's grant shape) by key ARN, and `aws iam
// get-account-authorization-details` outputs.
type ImportSources struct {
	KeyPolicies map[string]string // key ARN -> file
	Grants      map[string]string // key ARN -> file
	IAM         []string          // files
}

// Import assembles a snapshot taken at t from saved outputs. Every key with
// grants needs a key policy too. Errors name the file.
func Import(src ImportSources, t time.Time) (map[string]any, error) {
	s := New(t)
	keys := Section(s, "keys")
	for _, arn := range sortedMapKeys(src.KeyPolicies) {
		if !keyARN.MatchString(arn) {
			return nil, fmt.Errorf("%q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)", arn)
		}
		doc, err := policyfile.Load(src.KeyPolicies[arn], nil)
		if err != nil {
			return nil, err
		}
		keys[arn] = map[string]any{"key_policy": doc, "grants": []any{}}
	}
	for _, arn := range sortedMapKeys(src.Grants) {
		k, ok := keys[arn].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("grants for %s: the key needs a key policy too (--key-policy %s=FILE)", arn, arn)
		}
		grants, err := policyfile.LoadList(src.Grants[arn], nil, arn)
		if err != nil {
			return nil, err
		}
		k["grants"] = grants
	}
	for _, f := range src.IAM {
		data, _, err := policyfile.ReadFile(f, nil, MaxFile, "an IAM details file")
		if err != nil {
			return nil, err
		}
		d, err := ParseIAM(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		AddIAM(s, d)
	}
	return s, nil
}

func sortedMapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
