package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedsDir is shared/seeds (beside the repository) seen from this package: the repository sits
// beside shared/.
const seedsDir = "../../shared/seeds"

// seedSubstitution replaces text inside an extracted block before decoding.
type seedSubstitution struct {
	old, new, why string
}

// seedExpectation says what the JSON examples of one seed file are: the
// number of whole policies (balanced {...} blocks with "Statement"), the
// number of single-statement examples (balanced blocks with "Effect" but no
// "Statement", which the pages show as "add this statement"), and the
// substitutions needed to decode them or to make them name concrete ARNs.
type seedExpectation struct {
	policies, statements int
	subst                []seedSubstitution
}

// seedExpectations is keyed by the file-name prefix; counts come from reading
// the five seed documents.
var seedExpectations = map[string]seedExpectation{
	// IoT FleetWise key management: two key-policy statements, two IAM role policies.
	"000": {policies: 2, statements: 2, subst: []seedSubstitution{
		{`"kms:DescribeKey", ]`, `"kms:DescribeKey" ]`, "trailing comma in the page's Action array is not valid JSON"},
		{"arn:aws:iotfleetwise:region:AWS-account-ID:*", "arn:aws:iotfleetwise:us-east-1:111122223333:*",
			"placeholders region/AWS-account-ID in aws:SourceArn; us-east-1 is the Region the page itself uses"},
		{`"AWS-account-ID"`, `"111122223333"`, "placeholder account id in aws:SourceAccount"},
	}},
	// CloudWatch Logs anomaly detector: one full key policy. The other block
	// with braces is create-key output (no "Effect").
	"001": {policies: 1, statements: 0, subst: []seedSubstitution{
		{"Your_account_ID", "111122223333", "placeholder account id in ARNs"},
		{"REGION", "us-west-2", "placeholder Region in the service principal and ARNs"},
	}},
	// KMS overview: its policy examples are code-fenced fragments without
	// their enclosing braces and with OCR debris ("Γ", "ð", "." for ","), so
	// no balanced block holds a statement. testdata/decisions/seeds.json
	// reconstructs them by hand.
	"002": {},
	// Encryption best practices: prose only.
	"003": {},
	// EC2 Auto Scaling: four key-policy statements, one IAM policy. All are
	// valid JSON with concrete (example) account ids.
	"004": {policies: 1, statements: 4},
}

// balancedBlocks returns the top-level balanced {...} blocks of text. Braces
// inside JSON strings do not count; a block that never closes is skipped.
func balancedBlocks(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		if text[i] != '{' {
			i++
			continue
		}
		end := matchingBrace(text, i)
		if end < 0 {
			i++
			continue
		}
		out = append(out, text[i:end+1])
		i = end + 1
	}
	return out
}

func matchingBrace(text string, start int) int {
	depth := 0
	inString, escaped := false, false
	for j := start; j < len(text); j++ {
		ch := text[j]
		if inString {
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// firstPrincipal returns the first principal named by a policy's statements
// ("" if none): an AWS ARN or account, or a service principal.
func firstPrincipal(policy map[string]any) string {
	stmts, _ := policy["Statement"].([]any)
	for _, s := range stmts {
		m, _ := s.(map[string]any)
		if p, ok := m["Principal"].(map[string]any); ok {
			for _, kind := range []string{"AWS", "Service"} {
				switch v := p[kind].(type) {
				case string:
					if v != "*" {
						return v
					}
				case []any:
					if len(v) > 0 {
						if s, ok := v[0].(string); ok && s != "*" {
							return s
						}
					}
				}
			}
		}
	}
	return ""
}

func TestSeedPoliciesLoad(t *testing.T) {
	if _, err := os.Stat(seedsDir); err != nil {
		t.Skip("shared seeds not present")
	}
	files, err := filepath.Glob(filepath.Join(seedsDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(seedExpectations) {
		t.Errorf("found %d seed files, want %d", len(files), len(seedExpectations))
	}
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatalf("runner.New: %v", err)
	}
	const (
		key   = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		alice = "arn:aws:iam::111122223333:user/alice"
	)
	defaultPolicy := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "Enable IAM User Permissions", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"},
		"Action":    "kms:*", "Resource": "*",
	}}}
	for _, f := range files {
		base := filepath.Base(f)
		prefix, _, _ := strings.Cut(base, "_")
		exp, ok := seedExpectations[prefix]
		if !ok {
			t.Errorf("%s: unexpected seed file", base)
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var policies, statements int
		for bi, block := range balancedBlocks(string(data)) {
			isPolicy := strings.Contains(block, `"Statement"`)
			if !isPolicy && !strings.Contains(block, `"Effect"`) {
				continue // command output, principal fragments, ...
			}
			for _, s := range exp.subst {
				block = strings.ReplaceAll(block, s.old, s.new)
			}
			dec := json.NewDecoder(strings.NewReader(block))
			dec.UseNumber()
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				t.Errorf("%s block %d does not decode: %v\n%s", base, bi, err, block)
				continue
			}
			if isPolicy {
				policies++
				if _, ok := doc["Statement"].([]any); !ok {
					t.Errorf("%s block %d: Statement is not a list", base, bi)
				}
			} else {
				statements++
				doc = map[string]any{"Version": "2012-10-17", "Statement": []any{doc}}
			}
			q := map[string]any{"action": "kms:DescribeKey", "resource": key}
			if p := firstPrincipal(doc); p != "" {
				q["principal"] = p
				q["key_policy"] = doc
			} else {
				// No Principal: an identity policy. Ask as alice under the
				// default key policy.
				q["principal"] = alice
				q["key_policy"] = defaultPolicy
				q["identity_policies"] = []any{doc}
			}
			raw, err := json.Marshal(q)
			if err != nil {
				t.Fatal(err)
			}
			input, err := questionValue(raw)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Decide(ctx, input)
			if got.Error != "" || got.Decision == "" {
				var pretty bytes.Buffer
				_ = json.Indent(&pretty, raw, "", "  ")
				t.Errorf("%s block %d: no decision: %+v\nquestion: %s", base, bi, got, pretty.String())
			}
		}
		if policies != exp.policies || statements != exp.statements {
			t.Errorf("%s: found %d policies and %d statement examples, want %d and %d",
				base, policies, statements, exp.policies, exp.statements)
		}
	}
}
