package scan

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/kmsguard/kmsguard/snapshot"
)

const iamCall = "iam:GetAccountAuthorizationDetails"

// scanIAM reads every user, role, group and managed policy of the account
// with GetAccountAuthorizationDetails (all pages) and adds the users and
// roles to the snapshot.
func (s *scanner) scanIAM(ctx context.Context, c *iam.Client) error {
	d := &snapshot.IAM{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if fatal(err) {
				return fmt.Errorf("%s: %w", iamCall, err)
			}
			// Half of the account's principals would be worse than none:
			// the snapshot then holds no principals and says why.
			s.record("", iamCall, err)
			return nil
		}
		for _, u := range page.UserDetailList {
			user := snapshot.IAMUser{
				ARN:      aws.ToString(u.Arn),
				Name:     aws.ToString(u.UserName),
				Inline:   s.inline(aws.ToString(u.Arn), u.UserPolicyList),
				Attached: attachedARNs(u.AttachedManagedPolicies),
				Groups:   u.GroupList,
				Boundary: boundaryARN(u.PermissionsBoundary),
			}
			d.Users = append(d.Users, user)
		}
		for _, r := range page.RoleDetailList {
			d.Roles = append(d.Roles, snapshot.IAMRole{
				ARN:      aws.ToString(r.Arn),
				Name:     aws.ToString(r.RoleName),
				Inline:   s.inline(aws.ToString(r.Arn), r.RolePolicyList),
				Attached: attachedARNs(r.AttachedManagedPolicies),
				Boundary: boundaryARN(r.PermissionsBoundary),
			})
		}
		for _, g := range page.GroupDetailList {
			d.Groups = append(d.Groups, snapshot.IAMGroup{
				ARN:      aws.ToString(g.Arn),
				Name:     aws.ToString(g.GroupName),
				Inline:   s.inline(aws.ToString(g.Arn), g.GroupPolicyList),
				Attached: attachedARNs(g.AttachedManagedPolicies),
			})
		}
		for _, mp := range page.Policies {
			if doc := s.defaultVersion(mp); doc != nil {
				d.Policies = append(d.Policies, snapshot.IAMPolicy{ARN: aws.ToString(mp.Arn), Document: doc})
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snapshot.AddIAM(s.snap, d)
	return nil
}

// inline decodes inline policies (URL-encoded JSON); one that cannot be
// decoded is recorded and left out.
func (s *scanner) inline(owner string, list []iamtypes.PolicyDetail) []any {
	docs := make([]any, 0, len(list))
	for _, p := range list {
		doc, err := snapshot.Document(aws.ToString(p.PolicyDocument))
		if err != nil {
			s.record(owner, iamCall, fmt.Errorf("inline policy %s: %w", aws.ToString(p.PolicyName), err))
			continue
		}
		docs = append(docs, doc)
	}
	return docs
}

// defaultVersion is the decoded document of a managed policy's default
// version, or nil (recorded) when it is missing or unreadable.
func (s *scanner) defaultVersion(mp iamtypes.ManagedPolicyDetail) any {
	arn := aws.ToString(mp.Arn)
	for _, v := range mp.PolicyVersionList {
		if !v.IsDefaultVersion && aws.ToString(v.VersionId) != aws.ToString(mp.DefaultVersionId) {
			continue
		}
		doc, err := snapshot.Document(aws.ToString(v.Document))
		if err != nil {
			s.record(arn, iamCall, err)
			return nil
		}
		return doc
	}
	s.record(arn, iamCall, fmt.Errorf("no default version (%s) in the policy's version list", aws.ToString(mp.DefaultVersionId)))
	return nil
}

func attachedARNs(list []iamtypes.AttachedPolicy) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, aws.ToString(a.PolicyArn))
	}
	return out
}

func boundaryARN(b *iamtypes.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return aws.ToString(b.PermissionsBoundaryArn)
}
