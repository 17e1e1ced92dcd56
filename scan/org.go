package scan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

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

// scanOrganizationAccounts scans every active account of the caller's
// organization: the caller's own account with its credentials, each other
// one through the role o.RoleName, at most o.AccountConcurrency at once.
// The snapshots are merged, and every account of the organization gets its
// organization_id and org_path (the path of OUs from the root, as
// aws:PrincipalOrgPaths and aws:ResourceOrgPaths give it). An account whose
// role cannot be assumed is recorded in errors (the snapshot is then
// incomplete); a failure that is no AWS answer stops the scan.
func scanOrganizationAccounts(ctx context.Context, cfg aws.Config, o Options, regions []string, at time.Time, prog *progress) (map[string]any, error) {
	region := regions[0]
	stsc := sts.NewFromConfig(cfg, func(so *sts.Options) {
		so.Region = region
		if o.EndpointURL != "" {
			so.BaseEndpoint = aws.String(o.EndpointURL)
		}
	})
	orgc := organizations.NewFromConfig(cfg, func(oo *organizations.Options) {
		oo.Region = region
		if o.EndpointURL != "" {
			oo.BaseEndpoint = aws.String(o.EndpointURL)
		}
	})
	who, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	desc, err := orgc.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("--organization: organizations:DescribeOrganization: %w", err)
	}
	if desc.Organization == nil || desc.Organization.Id == nil {
		return nil, errors.New("--organization: organizations:DescribeOrganization names no organization")
	}
	orgID := aws.ToString(desc.Organization.Id)
	accounts, paths, err := listAccounts(ctx, orgc, orgID)
	if err != nil {
		return nil, fmt.Errorf("--organization: %w", err)
	}
	roleName := o.RoleName
	if roleName == "" {
		roleName = DefaultRoleName
	}
	limit := o.AccountConcurrency
	if limit <= 0 {
		limit = DefaultAccountConcurrency
	}
	partition := "aws"
	if parts := strings.SplitN(aws.ToString(who.Arn), ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	member := o
	member.SkipOrganizations = true // recorded here for every account

	var (
		mu     sync.Mutex
		files  []snapshot.File
		denied []orgtypes.Account
		why    = map[string]string{}
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, a := range accounts {
		id := aws.ToString(a.Id)
		g.Go(func() error {
			acfg := cfg.Copy()
			if id != aws.ToString(who.Account) {
				role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, roleName)
				acfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsc, role, func(p *stscreds.AssumeRoleOptions) {
					p.RoleSessionName = "kmsguard-scan"
				}))
				if _, err := acfg.Credentials.Retrieve(gctx); err != nil {
					if fatal(err) {
						return fmt.Errorf("sts:AssumeRole %s: %w", role, err)
					}
					mu.Lock()
					denied = append(denied, a)
					why[id] = fmt.Sprintf("cannot assume %s, so account %s was not scanned: %s", role, id, describe(err))
					mu.Unlock()
					return nil
				}
			}
			snap, err := scanAccount(gctx, acfg, member, regions, at, prog)
			if err != nil {
				return fmt.Errorf("account %s: %w", id, err)
			}
			mu.Lock()
			files = append(files, snapshot.File{Name: "account " + id, Snapshot: snap})
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b snapshot.File) int { return strings.Compare(a.Name, b.Name) })
	out, err := snapshot.Merge(files)
	if err != nil {
		return nil, err
	}
	out = maps.Clone(out)
	out["generated_at"] = at.UTC().Format(time.RFC3339)
	if out["accounts"] == nil {
		out["accounts"] = map[string]any{}
	}
	accts := maps.Clone(snapshot.Section(out, "accounts"))
	for _, a := range accounts {
		id := aws.ToString(a.Id)
		entry, _ := accts[id].(map[string]any)
		entry = maps.Clone(entry)
		if entry == nil {
			entry = map[string]any{}
		}
		entry["organization_id"] = orgID
		entry["org_path"] = paths[id]
		accts[id] = entry
	}
	out["accounts"] = accts
	for _, a := range denied {
		snapshot.AddError(out, "", "sts:AssumeRole", why[aws.ToString(a.Id)])
	}
	s := &scanner{snap: out}
	s.finish()
	return out, nil
}

// listAccounts lists the organization's active accounts and the OU path of
// each: "o-ORG/r-ROOT/ou-A/ou-B/", the form of aws:PrincipalOrgPaths
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
func listAccounts(ctx context.Context, c *organizations.Client, orgID string) ([]orgtypes.Account, map[string]string, error) {
	var accounts []orgtypes.Account
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("organizations:ListAccounts: %w", err)
		}
		for _, a := range page.Accounts {
			if a.Status == orgtypes.AccountStatusActive || a.State == orgtypes.AccountStateActive {
				accounts = append(accounts, a)
			}
		}
	}
	parents := map[string]string{} // child -> parent
	parentOf := func(child string, depth int) (string, error) {
		if p, ok := parents[child]; ok {
			return p, nil
		}
		if depth > 10 { // AWS nests OUs at most five deep under the root
			return "", fmt.Errorf("organizations:ListParents: %s is nested too deep", child)
		}
		out, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return "", fmt.Errorf("organizations:ListParents %s: %w", child, err)
		}
		if len(out.Parents) != 1 {
			return "", fmt.Errorf("organizations:ListParents %s: %d parents, want 1", child, len(out.Parents))
		}
		parents[child] = aws.ToString(out.Parents[0].Id)
		if out.Parents[0].Type == orgtypes.ParentTypeRoot {
			parents[parents[child]] = "" // the root has no parent
		}
		return parents[child], nil
	}
	paths := map[string]string{}
	for _, a := range accounts {
		var chain []string
		for child, depth := aws.ToString(a.Id), 0; ; depth++ {
			parent, err := parentOf(child, depth)
			if err != nil {
				return nil, nil, err
			}
			if parent == "" {
				break
			}
			chain = append([]string{parent}, chain...)
			child = parent
		}
		paths[aws.ToString(a.Id)] = orgID + "/" + strings.Join(chain, "/") + "/"
	}
	return accounts, paths, nil
}
