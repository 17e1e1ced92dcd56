package scan

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmsguard/kmsguard/scan/scantest"
)

// TestScanOrganizationAccounts scans an organization of three accounts from
// its management account: the management account with its own
// credentials, one member through OrganizationAccountAccessRole, and one
// member whose role cannot be assumed (recorded in errors, not scanned).
// Every account gets its organization and OU path, the value of
// aws:PrincipalOrgPaths / aws:ResourceOrgPaths
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths).
func TestScanOrganizationAccounts(t *testing.T) {
	const (
		mgmt, member, locked = "111122223333", "444455556666", "777788889999"
		mgmtKey              = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000001"
		memberKey            = "arn:aws:kms:us-east-1:444455556666:key/4444aaaa-0000-0000-0000-000000000001"
		lockedKey            = "arn:aws:kms:us-east-1:777788889999:key/7777aaaa-0000-0000-0000-000000000001"
	)
	policy := func(acct string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"}]}`
	}
	fake := scantest.NewOrg(scantest.Org{
		ID: "o-a1b2c3d4e5", Root: "r-ab12", Management: mgmt,
		OUs:      map[string]string{"ou-ab12-11111111": "r-ab12", "ou-ab12-22222222": "ou-ab12-11111111"},
		RoleName: DefaultRoleName, DenyAssume: []string{locked},
		Accounts: []scantest.OrgAccount{
			{ID: mgmt, Name: "management", Parent: "r-ab12"},
			{ID: member, Name: "workloads", Parent: "ou-ab12-22222222"},
			{ID: locked, Name: "locked", Parent: "ou-ab12-11111111"},
		},
		Members: map[string]scantest.Account{
			mgmt:   {Keys: []scantest.Key{{ARN: mgmtKey, Policy: policy(mgmt)}}, Roles: []scantest.Role{{Name: "Admin", Account: mgmt}}},
			member: {Keys: []scantest.Key{{ARN: memberKey, Policy: policy(member)}}, Roles: []scantest.Role{{Name: "App", Account: member}}},
			locked: {Keys: []scantest.Key{{ARN: lockedKey, Policy: policy(locked)}}},
		},
	})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	isolate(t, srv.URL)
	snap, err := Run(context.Background(), Options{Organization: true, Regions: []string{"us-east-1"}, Backoff: noWait, AccountConcurrency: 2, Now: func() time.Time { return testTime }})
	if err != nil {
		t.Fatal(err)
	}
	keys := snap["keys"].(map[string]any)
	if got := sortedKeys(keys); !slices.Equal(sorted(got), []string{mgmtKey, memberKey}) {
		t.Errorf("keys = %v, want the management and member keys", got)
	}
	principals := snap["principals"].(map[string]any)
	for _, p := range []string{"arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::444455556666:role/App"} {
		if _, ok := principals[p]; !ok {
			t.Errorf("principal %s missing: %v", p, sortedKeys(principals))
		}
	}
	accounts := snap["accounts"].(map[string]any)
	for id, want := range map[string]string{
		mgmt:   "o-a1b2c3d4e5/r-ab12/",
		member: "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/",
		locked: "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
	} {
		e, _ := accounts[id].(map[string]any)
		if e["organization_id"] != "o-a1b2c3d4e5" || e["org_path"] != want {
			t.Errorf("accounts[%s] = %v, want organization o-a1b2c3d4e5 and path %s", id, e, want)
		}
	}
	errs := snap["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want the one refused AssumeRole", errs)
	}
	e := errs[0].(map[string]any)
	if e["call"] != "sts:AssumeRole" || !strings.Contains(e["error"].(string), "arn:aws:iam::777788889999:role/OrganizationAccountAccessRole") ||
		!strings.Contains(e["error"].(string), "AccessDenied") {
		t.Errorf("error entry = %v", e)
	}
	calls := fake.Calls()
	if calls["sts:AssumeRole "+member] != 1 || calls["sts:AssumeRole "+locked] == 0 || calls["sts:AssumeRole "+mgmt] != 0 {
		t.Errorf("AssumeRole calls = %v: want one into %s, tries into %s, none into the caller's own account", calls, member, locked)
	}
	if calls["organizations:ListAccounts"] != 2 {
		t.Errorf("ListAccounts calls = %d, want 2 pages", calls["organizations:ListAccounts"])
	}
	if ids := fake.Member(member).AccessKeyIDs(); len(ids) != 1 || ids[0] != "ASIAKMSGUARD"+member {
		t.Errorf("the member account was called with %v, want the assumed role's credentials", ids)
	}
	if n := len(fake.Member(locked).Calls()); n != 0 {
		t.Errorf("the locked account got %d kinds of calls", n)
	}
}

func sorted(s []string) []string { slices.Sort(s); return s }
