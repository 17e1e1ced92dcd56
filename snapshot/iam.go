package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/kmsguard/kmsguard/internal/strictjson"
	"github.com/kmsguard/kmsguard/question"
)

// IAM is what GetAccountAuthorizationDetails tells about one account's users,
// roles, groups and managed policies, in the terms the snapshot needs. Policy
// documents are decoded JSON (see Document).
type IAM struct {
	Users    []IAMUser
	Roles    []IAMRole
	Groups   []IAMGroup
	Policies []IAMPolicy
}

// IAMUser is a user with its inline policies, attached managed policies (by
// ARN), groups (by name) and permissions boundary (a policy ARN or "").
type IAMUser struct {
	ARN, Name string
	Inline    []any
	Attached  []string
	Groups    []string
	Boundary  string
}

// IAMRole is a role (its ARN with path) with its inline and attached policies
// and permissions boundary.
type IAMRole struct {
	ARN, Name string
	Inline    []any
	Attached  []string
	Boundary  string
}

// IAMGroup is a group with its inline and attached policies.
type IAMGroup struct {
	ARN, Name string
	Inline    []any
	Attached  []string
}

// IAMPolicy is a managed policy and the document of its default version.
type IAMPolicy struct {
	ARN      string
	Document any
}

// Document decodes a policy document as IAM returns it: URL-encoded JSON
// (the API), a JSON string, or an already decoded object (the AWS CLI's
// output). Numbers stay exact.
func Document(v any) (any, error) {
	switch d := v.(type) {
	case nil:
		return nil, errors.New("no policy document")
	case map[string]any:
		return d, nil
	case string:
		s := strings.TrimSpace(d)
		if !strings.HasPrefix(s, "{") {
			u, err := url.PathUnescape(s)
			if err != nil {
				return nil, fmt.Errorf("policy document: %w", err)
			}
			s = strings.TrimSpace(u)
		}
		doc, err := question.ParseJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("policy document: %w", err)
		}
		if _, ok := doc.(map[string]any); !ok {
			return nil, errors.New("policy document: not a JSON object")
		}
		return doc, nil
	case json.RawMessage:
		var s string
		if err := json.Unmarshal(d, &s); err == nil {
			return Document(s)
		}
		doc, err := question.ParseJSON(d)
		if err != nil {
			return nil, fmt.Errorf("policy document: %w", err)
		}
		return Document(doc)
	}
	return nil, fmt.Errorf("policy document: unexpected %T", v)
}

// AddIAM puts the users and roles of d into the snapshot's principals (each
// with its identity policies resolved to documents and its boundary) and the
// roles into the role index. A policy that cannot be resolved is recorded in
// the snapshot's errors and left out.
func AddIAM(s map[string]any, d *IAM) {
	principals := Section(s, "principals")
	roles := Section(s, "roles")
	policies := make(map[string]any, len(d.Policies))
	for _, p := range d.Policies {
		policies[p.ARN] = p.Document
	}
	groups := make(map[string]IAMGroup, len(d.Groups))
	for _, g := range d.Groups {
		groups[accountOf(g.ARN)+":"+g.Name] = g
	}
	attached := func(owner string, arns []string) []any {
		var out []any
		for _, a := range arns {
			doc, ok := policies[a]
			if !ok || doc == nil {
				AddError(s, owner, "iam:GetAccountAuthorizationDetails", fmt.Sprintf("attached policy %s: its default version is not in the account authorization details", a))
				continue
			}
			out = append(out, doc)
		}
		return out
	}
	boundary := func(owner, arn string, p map[string]any) {
		if arn == "" {
			return
		}
		doc, ok := policies[arn]
		if !ok || doc == nil {
			AddError(s, owner, "iam:GetAccountAuthorizationDetails", fmt.Sprintf("permissions boundary %s: its default version is not in the account authorization details; the principal is recorded without a boundary", arn))
			return
		}
		p["permissions_boundary"] = doc
	}
	for _, u := range d.Users {
		docs := append([]any{}, u.Inline...)
		docs = append(docs, attached(u.ARN, u.Attached)...)
		for _, name := range u.Groups {
			g, ok := groups[accountOf(u.ARN)+":"+name]
			if !ok {
				AddError(s, u.ARN, "iam:GetAccountAuthorizationDetails", fmt.Sprintf("group %s is not in the account authorization details", name))
				continue
			}
			docs = append(docs, g.Inline...)
			docs = append(docs, attached(g.ARN, g.Attached)...)
		}
		p := map[string]any{"identity_policies": docs}
		boundary(u.ARN, u.Boundary, p)
		principals[u.ARN] = p
	}
	for _, r := range d.Roles {
		docs := append([]any{}, r.Inline...)
		docs = append(docs, attached(r.ARN, r.Attached)...)
		p := map[string]any{"identity_policies": docs}
		boundary(r.ARN, r.Boundary, p)
		principals[r.ARN] = p
		roles[accountOf(r.ARN)+":"+r.Name] = r.ARN
	}
}

// accountOf is the account id field of an ARN ("" when it has none).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// ---- the AWS CLI's output --------------------------------------------------

// cliDetails is the JSON `aws iam get-account-authorization-details` prints
// (the pages merged, as the CLI does).
type cliDetails struct {
	UserDetailList []struct {
		Arn                     string
		UserName                string
		UserPolicyList          []cliInline
		GroupList               []string
		AttachedManagedPolicies []cliAttached
		PermissionsBoundary     *cliBoundary
	}
	GroupDetailList []struct {
		Arn                     string
		GroupName               string
		GroupPolicyList         []cliInline
		AttachedManagedPolicies []cliAttached
	}
	RoleDetailList []struct {
		Arn                     string
		RoleName                string
		RolePolicyList          []cliInline
		AttachedManagedPolicies []cliAttached
		PermissionsBoundary     *cliBoundary
	}
	Policies []struct {
		Arn               string
		DefaultVersionId  string
		PolicyVersionList []struct {
			Document         json.RawMessage
			VersionId        string
			IsDefaultVersion bool
		}
	}
}

type cliInline struct {
	PolicyName     string
	PolicyDocument json.RawMessage
}

type cliAttached struct {
	PolicyArn string
}

type cliBoundary struct {
	PermissionsBoundaryArn string
}

// ParseIAM reads the output of `aws iam get-account-authorization-details`
// (JSON; documents as objects, JSON strings or URL-encoded strings).
func ParseIAM(data []byte) (*IAM, error) {
	if err := strictjson.Check(data); err != nil {
		return nil, fmt.Errorf("get-account-authorization-details output: %w", err)
	}
	var c cliDetails
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("not the output of get-account-authorization-details: %w", err)
	}
	if c.UserDetailList == nil && c.RoleDetailList == nil && c.GroupDetailList == nil && c.Policies == nil {
		return nil, errors.New("not the output of get-account-authorization-details: no UserDetailList, GroupDetailList, RoleDetailList or Policies")
	}
	out := &IAM{}
	inline := func(where string, list []cliInline) ([]any, error) {
		docs := make([]any, 0, len(list))
		for _, p := range list {
			doc, err := Document(p.PolicyDocument)
			if err != nil {
				return nil, fmt.Errorf("%s policy %s: %w", where, p.PolicyName, err)
			}
			docs = append(docs, doc)
		}
		return docs, nil
	}
	arns := func(list []cliAttached) []string {
		out := make([]string, 0, len(list))
		for _, a := range list {
			out = append(out, a.PolicyArn)
		}
		return out
	}
	for _, u := range c.UserDetailList {
		docs, err := inline(u.Arn, u.UserPolicyList)
		if err != nil {
			return nil, err
		}
		user := IAMUser{ARN: u.Arn, Name: u.UserName, Inline: docs, Attached: arns(u.AttachedManagedPolicies), Groups: u.GroupList}
		if u.PermissionsBoundary != nil {
			user.Boundary = u.PermissionsBoundary.PermissionsBoundaryArn
		}
		out.Users = append(out.Users, user)
	}
	for _, g := range c.GroupDetailList {
		docs, err := inline(g.Arn, g.GroupPolicyList)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, IAMGroup{ARN: g.Arn, Name: g.GroupName, Inline: docs, Attached: arns(g.AttachedManagedPolicies)})
	}
	for _, r := range c.RoleDetailList {
		docs, err := inline(r.Arn, r.RolePolicyList)
		if err != nil {
			return nil, err
		}
		role := IAMRole{ARN: r.Arn, Name: r.RoleName, Inline: docs, Attached: arns(r.AttachedManagedPolicies)}
		if r.PermissionsBoundary != nil {
			role.Boundary = r.PermissionsBoundary.PermissionsBoundaryArn
		}
		out.Roles = append(out.Roles, role)
	}
	for _, p := range c.Policies {
		for _, v := range p.PolicyVersionList {
			if !v.IsDefaultVersion && v.VersionId != p.DefaultVersionId {
				continue
			}
			doc, err := Document(v.Document)
			if err != nil {
				return nil, fmt.Errorf("managed policy %s: %w", p.Arn, err)
			}
			out.Policies = append(out.Policies, IAMPolicy{ARN: p.Arn, Document: doc})
			break
		}
	}
	return out, nil
}
