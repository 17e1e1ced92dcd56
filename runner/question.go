package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kmsguard/kmsguard/engine"
	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/policyfile"
)

// QuestionFlags are the parts of a decision question as the flags of
// `kmsguard can` give them. File names may be "-" (standard input), for one
// of them at most.
type QuestionFlags struct {
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
}

// Built is a question BuildQuestion made.
type Built struct {
	Question map[string]any
	// Defaulted reports that the resource was not given: the question asks
	// about the catalog's example key of the principal's account.
	Defaulted bool
	// Origins is the file each policy field was read from, by its path in
	// the question ("key_policy", "identity_policies[1]", "scps[0][2]").
	Origins map[string]policyfile.Origin
}

// BuildQuestion reads the files p names and makes the question
// (docs/decision-format.md) p describes. Every error is in the user's input
// and names the flag or the file, line and column.
func BuildQuestion(p QuestionFlags, stdin io.Reader) (Built, error) {
	q, defaulted, origins, err := buildQuestion(p, stdin)
	return Built{Question: q, Defaulted: defaulted, Origins: origins}, err
}

func buildQuestion(p QuestionFlags, stdin io.Reader) (q map[string]any, defaulted bool, origins map[string]policyfile.Origin, err error) {
	origins = map[string]policyfile.Origin{}
	for _, f := range []struct{ name, val string }{
		{"--key-policy", p.KeyPolicy}, {"--principal", p.Principal}, {"--action", p.Action},
	} {
		if f.val == "" {
			return nil, false, nil, fmt.Errorf("%s is required", f.name)
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
			return nil, false, nil, err
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
			return nil, false, nil, err
		}
	}
	c, err := parseContext(p.Context, file)
	if err != nil {
		return nil, false, nil, err
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
			return err
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
				return nil, false, nil, err
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
				return nil, false, nil, err
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
			return nil, false, nil, err
		}
		q["grants"] = grants
	}
	return q, defaulted, origins, nil
}

// checkStdin rejects reading standard input for more than one flag.
func checkStdin(p QuestionFlags) error {
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
		return fmt.Errorf("only one file can be read from standard input (-), not %s", strings.Join(flags, " and "))
	}
	return nil
}

var accountID = lazyregexp.New(`^[0-9]{12}$`)

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
