package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
)

// canParams are the flags of `kmsguard can`. File names may be "-" (stdin),
// for one of them at most.
type canParams struct {
	KeyPolicy         string
	Principal         string
	Action            string
	Resource          string
	Context           []string // key=value
	ContextFile       string
	IdentityPolicies  []string
	Grants            string
	SCPs              []string // one file per level, root first
	RCPs              []string
	Boundary          string
	SessionPolicy     string
	VPCEndpointPolicy string
	RoleARN           string
	RequestTime       string
	Explain           bool
	Format            string // text or json
}

const canLong = `Answer one question: may PRINCIPAL call ACTION on the key, given its key
policy and, optionally, the caller's identity policies, permissions boundary
and session policy, the key's grants, SCPs, RCPs and the VPC endpoint policy?

Policy files are JSON or YAML; a key policy may also be the output of
"aws kms get-key-policy" and a grants file the output of "aws kms list-grants".
"-" reads a file from standard input.

--context key=value adds a request context key: true/false are booleans,
[...] is a JSON list of strings, anything else a string. Multivalued keys
(kms:EncryptionContextKeys, aws:CalledVia, aws:TagKeys, kms:GrantOperations,
aws:PrincipalOrgPaths, kms:ResourceAliases and the other keys of type
ArrayOfString) may be given several times.

Without --resource the key is a key in the principal's account
(arn:aws:kms:us-east-1:ACCOUNT:key/00000000-0000-0000-0000-000000000000);
a service principal needs --resource.

Exit status: 0 allowed, 1 denied, 2 bad input.`

const canExample = `  kmsguard can --key-policy key-policy.json --identity-policy alice.json \
    --principal arn:aws:iam::111122223333:user/alice --action kms:Decrypt \
    --resource arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \
    --context kms:EncryptionContext:app=billing

  aws kms get-key-policy --key-id "$KEY" --policy-name default |
    kmsguard can --key-policy - --principal 111122223333 --action kms:Encrypt --explain`

func newCanCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var p canParams
	cmd, f := command("can --key-policy FILE --principal ARN --action kms:ACTION [flags]",
		"Decide whether a principal may call a KMS action on a key",
		canLong, canExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runCan(cmd.Context(), p, stdin, stdout, stderr)
		})
	f.StringVar(&p.KeyPolicy, "key-policy", "", "key policy `FILE` (JSON, YAML or get-key-policy output)")
	f.StringVar(&p.Principal, "principal", "", "the caller: IAM/STS `ARN`, account id or service principal")
	f.StringVar(&p.Action, "action", "", "the KMS `ACTION`, e.g. kms:Decrypt")
	f.StringVar(&p.Resource, "resource", "", "the key `ARN` (default: a key in the principal's account)")
	f.StringArrayVar(&p.Context, "context", nil, "request context `key=value` (repeatable)")
	f.StringVar(&p.ContextFile, "context-file", "", "request context as a JSON or YAML object `FILE`; --context wins")
	f.StringArrayVar(&p.IdentityPolicies, "identity-policy", nil, "identity policy `FILE` of the caller (repeatable)")
	f.StringVar(&p.Grants, "grants", "", "grants `FILE`: a JSON list of grants or list-grants output")
	f.StringArrayVar(&p.SCPs, "scp", nil, "SCP `FILE`: one policy or a list of policies, one level per flag, root first (repeatable)")
	f.StringArrayVar(&p.RCPs, "rcp", nil, "RCP `FILE`: one policy or a list of policies, one level per flag (repeatable)")
	f.StringVar(&p.Boundary, "boundary", "", "permissions boundary `FILE` of the caller")
	f.StringVar(&p.SessionPolicy, "session-policy", "", "session policy `FILE` of the caller's session")
	f.StringVar(&p.VPCEndpointPolicy, "vpc-endpoint-policy", "", "policy `FILE` of the VPC endpoint the request came through")
	f.StringVar(&p.RoleARN, "role-arn", "", "full role `ARN` (with path) of an assumed-role session")
	f.StringVar(&p.RequestTime, "request-time", "", "time of the request, RFC 3339 `TIME` (aws:CurrentTime, aws:EpochTime; default: now, when a policy tests them)")
	f.BoolVar(&p.Explain, "explain", false, "show, for every statement and grant, whether and why it applies")
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text or json")
	for _, name := range []string{"key-policy", "principal", "action"} {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err) // a programming error: the flag is defined above
		}
	}
	return cmd
}

// runCan answers the question the params describe. It returns nil when the
// answer is Allowed, the silent error denied for a denial, and an exit error
// with code 2 for bad input or an error answer.
func runCan(ctx context.Context, p canParams, stdin io.Reader, stdout, stderr io.Writer) error {
	if p.Format != "text" && p.Format != "json" {
		return inputErrorf("--format must be text or json, not %q", p.Format)
	}
	q, defaulted, origins, err := buildQuestionOrigins(p, stdin)
	if err != nil {
		return err
	}
	input, _, err := question.DecodeObject(q)
	if err != nil {
		return inputError(errors.New(question.Message(err, 1)))
	}
	r, err := newRunner(ctx)
	if err != nil {
		return inputError(fmt.Errorf("loading the policy engine: %w", err))
	}
	data, err := json.Marshal(q)
	if err != nil {
		return inputError(err)
	}
	// One evaluation gives the answer and, with --explain, its explanation.
	ans, explain, err := r.Ask(ctx, data, input, p.Explain)
	if err != nil {
		return inputError(err)
	}
	if ans.Error != "" {
		// Errors about a policy file name the file, line and column.
		ans.Error = strings.Join(policyfile.PlaceAll(ans.Error, origins), "\n")
	}
	switch {
	case p.Format == "json" && p.Explain && ans.Error == "":
		err = report.WriteJSON(stdout, report.SchemaExplain, explain, "")
	case p.Format == "json":
		err = report.WriteJSON(stdout, report.SchemaCan, ans, "")
	default:
		if ans.Error == "" {
			err = report.DecisionText(stdout, q, ans, report.DecisionOptions{Defaulted: defaulted, Explain: explain, Width: textwrap.Width(stdout)})
		}
	}
	if err != nil {
		return inputError(fmt.Errorf("writing the answer: %w", err))
	}
	return answerError(ans)
}

// answerError is the error runCan returns for an answer.
func answerError(a *result.Answer) error {
	switch {
	case a.Error != "":
		return inputError(errors.New(a.Error))
	case a.IsAllowed():
		return nil
	default:
		return denied
	}
}

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// buildQuestion makes the question (docs/decision-format.md) the params
// describe; defaulted reports that the resource was not given.
func buildQuestion(p canParams, stdin io.Reader) (q map[string]any, defaulted bool, err error) {
	q, defaulted, _, err = buildQuestionOrigins(p, stdin)
	return q, defaulted, err
}

// buildQuestionOrigins is buildQuestion, also returning the file each
// policy field was read from, by its path in the question ("key_policy",
// "identity_policies[1]", "scps[0][2]", "grants").
func buildQuestionOrigins(p canParams, stdin io.Reader) (q map[string]any, defaulted bool, origins map[string]policyfile.Origin, err error) {
	origins = map[string]policyfile.Origin{}
	for _, f := range []struct{ name, val string }{
		{"--key-policy", p.KeyPolicy}, {"--principal", p.Principal}, {"--action", p.Action},
	} {
		if f.val == "" {
			return nil, false, nil, inputErrorf("%s is required", f.name)
		}
	}
	if err := checkStdin(p); err != nil {
		return nil, false, nil, err
	}
	q = map[string]any{
		"principal": p.Principal,
		"action":    p.Action,
	}
	if p.Resource != "" {
		q["resource"] = p.Resource
	} else {
		res, err := defaultResource(p.Principal)
		if err != nil {
			return nil, false, nil, inputError(err)
		}
		q["resource"] = res
		defaulted = true
	}
	if p.RequestTime != "" {
		q["request_time"] = p.RequestTime
	}
	if p.RoleARN != "" {
		q["role_arn"] = p.RoleARN
	}

	var file map[string]any
	if p.ContextFile != "" {
		if file, err = policyfile.LoadObject(p.ContextFile, stdin); err != nil {
			return nil, false, nil, inputError(err)
		}
	}
	c, err := parseContext(p.Context, file)
	if err != nil {
		return nil, false, nil, inputError(err)
	}
	if len(c) > 0 {
		q["context"] = c
	}

	one := func(field, path string) error {
		if path == "" {
			return nil
		}
		doc, o, err := policyfile.LoadOrigin(path, stdin)
		if err != nil {
			return inputError(err)
		}
		q[field] = doc
		origins[field] = o
		return nil
	}
	for _, f := range []struct{ field, path string }{
		{"key_policy", p.KeyPolicy},
		{"permissions_boundary", p.Boundary},
		{"session_policy", p.SessionPolicy},
		{"vpc_endpoint_policy", p.VPCEndpointPolicy},
	} {
		if err := one(f.field, f.path); err != nil {
			return nil, false, nil, err
		}
	}
	if len(p.IdentityPolicies) > 0 {
		list := make([]any, 0, len(p.IdentityPolicies))
		for i, path := range p.IdentityPolicies {
			doc, o, err := policyfile.LoadOrigin(path, stdin)
			if err != nil {
				return nil, false, nil, inputError(err)
			}
			list = append(list, doc)
			origins[fmt.Sprintf("identity_policies[%d]", i)] = o
		}
		q["identity_policies"] = list
	}
	for _, f := range []struct {
		field string
		paths []string
	}{{"scps", p.SCPs}, {"rcps", p.RCPs}} {
		if len(f.paths) == 0 {
			continue
		}
		levels := make([]any, 0, len(f.paths))
		for l, path := range f.paths {
			level, os, err := policyfile.LoadPoliciesOrigin(path, stdin)
			if err != nil {
				return nil, false, nil, inputError(err)
			}
			levels = append(levels, level)
			for i, o := range os {
				origins[fmt.Sprintf("%s[%d][%d]", f.field, l, i)] = o
			}
		}
		q[f.field] = levels
	}
	if p.Grants != "" {
		res, _ := q["resource"].(string)
		grants, err := policyfile.LoadList(p.Grants, stdin, res)
		if err != nil {
			return nil, false, nil, inputError(err)
		}
		q["grants"] = grants
	}
	return q, defaulted, origins, nil
}

// checkStdin rejects reading standard input for more than one flag.
func checkStdin(p canParams) error {
	var flags []string
	add := func(name string, paths ...string) {
		for _, path := range paths {
			if path == "-" {
				flags = append(flags, name)
			}
		}
	}
	add("--key-policy", p.KeyPolicy)
	add("--context-file", p.ContextFile)
	add("--identity-policy", p.IdentityPolicies...)
	add("--grants", p.Grants)
	add("--scp", p.SCPs...)
	add("--rcp", p.RCPs...)
	add("--boundary", p.Boundary)
	add("--session-policy", p.SessionPolicy)
	add("--vpc-endpoint-policy", p.VPCEndpointPolicy)
	if len(flags) > 1 {
		return inputErrorf("only one file can be read from standard input (-), not %s", strings.Join(flags, " and "))
	}
	return nil
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// defaultResource is the key ARN used without --resource: the catalog's
// example key of the principal's account and partition. It needs a
// principal that names an account.
func defaultResource(principal string) (string, error) {
	partition, account := "aws", ""
	switch {
	case accountID.MatchString(principal):
		account = principal
	case strings.HasPrefix(principal, "arn:"):
		parts := strings.SplitN(principal, ":", 6)
		if len(parts) == 6 && (parts[2] == "iam" || parts[2] == "sts") && accountID.MatchString(parts[4]) {
			partition, account = parts[1], parts[4]
		}
	case !strings.Contains(principal, ":") && strings.Contains(principal, "."):
		return "", fmt.Errorf("--resource is required for a service principal (%s)", principal)
	}
	arn, ok := engine.ExampleKeyARN(partition, account)
	if account == "" || !ok {
		return "", fmt.Errorf("--resource is required: cannot tell the account of principal %q", principal)
	}
	return arn, nil
}

// exampleKeyARN is the catalog's example key of an account in the aws
// partition: the key a policy file is asked about when no key ARN is given.
func exampleKeyARN(account string) string {
	arn, _ := engine.ExampleKeyARN("aws", account)
	return arn
}

// multivalued reports whether a context key is multivalued (the catalog's
// ArrayOfString keys): given several times, its values accumulate into one
// list.
func multivalued(k string) bool { return engine.MultivaluedKey(k) }

// parseContext builds the request context from --context flags (key=value)
// and the --context-file object; a key given by a flag replaces the file's
// (key names compare case-insensitively). file is not modified.
func parseContext(flags []string, file map[string]any) (map[string]any, error) {
	type entry struct {
		key  string
		val  any
		list []any
	}
	var order []string // lower-case keys in flag order
	entries := map[string]*entry{}
	for _, f := range flags {
		k, raw, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--context %q: expected key=value", f)
		}
		lk := strings.ToLower(k)
		val, err := contextValue(k, raw, multivalued(lk))
		if err != nil {
			return nil, err
		}
		e, seen := entries[lk]
		switch {
		case !seen:
			e = &entry{key: k, list: []any{}}
			entries[lk] = e
			order = append(order, lk)
		case !multivalued(lk):
			return nil, fmt.Errorf("--context %s given twice; only multivalued keys take several values", k)
		}
		if multivalued(lk) {
			e.list = append(e.list, val.([]any)...)
		} else {
			e.val = val
		}
	}
	out := make(map[string]any, len(file)+len(entries))
	for k, v := range file {
		if _, overridden := entries[strings.ToLower(k)]; !overridden {
			out[k] = v
		}
	}
	for _, lk := range order {
		e := entries[lk]
		if multivalued(lk) {
			out[e.key] = e.list
		} else {
			out[e.key] = e.val
		}
	}
	return out, nil
}

// contextValue parses the value of --context key=value: true and false are
// booleans, [...] a JSON list of strings, anything else a string. For a
// multivalued key the result is always a list of strings.
func contextValue(key, raw string, multi bool) (any, error) {
	if strings.HasPrefix(strings.TrimSpace(raw), "[") {
		var list []any
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, fmt.Errorf("--context %s: value %s is not a JSON list: %w", key, raw, err)
		}
		for i, v := range list {
			if _, ok := v.(string); !ok {
				return nil, fmt.Errorf("--context %s: element %d of %s is not a string", key, i, raw)
			}
		}
		if list == nil {
			list = []any{} // "null" cannot start with '['; keep [] a list
		}
		return list, nil
	}
	if multi {
		return []any{raw}, nil
	}
	switch raw {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return raw, nil
}
