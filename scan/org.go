package scan

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kmsguard/kmsguard/snapshot"
)

// scanOrganization records the scanned account's AWS Organizations
// organization (accounts[ACCOUNT].organization_id: its id, or null when the
// account is in none), which decides aws:PrincipalOrgID and
// aws:ResourceOrgID for the account's principals and keys. A call AWS
// refuses is recorded in errors and leaves the field out (unknown).
func (s *scanner) scanOrganization(ctx context.Context, cfg aws.Config, region string) error {
	who, err := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Region = region
		if s.opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(s.opts.EndpointURL)
		}
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if fatal(err) {
			return err
		}
		s.record("", "sts:GetCallerIdentity", err)
		return nil
	}
	out, err := organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		o.Region = region
		if s.opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(s.opts.EndpointURL)
		}
	}).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var org any
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	switch {
	case errors.As(err, &notInUse):
		org = nil
	case err != nil:
		if fatal(err) {
			return err
		}
		s.record("", "organizations:DescribeOrganization", err)
		return nil
	case out.Organization == nil || out.Organization.Id == nil:
		s.record("", "organizations:DescribeOrganization", errors.New("the answer names no organization"))
		return nil
	default:
		org = *out.Organization.Id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	accounts := snapshot.Section(s.snap, "accounts")
	entry, _ := accounts[aws.ToString(who.Account)].(map[string]any)
	if entry == nil {
		entry = map[string]any{}
		accounts[aws.ToString(who.Account)] = entry
	}
	entry["organization_id"] = org
	return nil
}
