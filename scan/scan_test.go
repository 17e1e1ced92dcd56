package scan

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/kmsguard/kmsguard/scan/scantest"
	"github.com/kmsguard/kmsguard/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/access/scan-golden.json")

const golden = "../testdata/access/scan-golden.json"

const (
	keyApp     = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000001"
	keyDenied  = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000002"
	keyManaged = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000003"
	keyGone    = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000004"
	keySign    = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-0000-0000-0000-000000000005"
	keyEU      = "arn:aws:kms:eu-west-1:111122223333:key/2222bbbb-0000-0000-0000-000000000001"
)

const defaultPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

// Account is the fake account of these tests (and of cli's scan test).
func Account() scantest.Account {
	appPolicy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/App"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`
	managedPolicy := `{"Version":"2012-10-17","Id":"auto-s3-2","Statement":[{"Sid":"Allow access through S3 for all principals in the account that are authorized to use S3","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}}},{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]}`
	return scantest.Account{
		Organization: "o-a1b2c3d4e5",
		PageSize:     2,
		ThrottleOnce: []string{"kms:ListKeys", "iam:GetAccountAuthorizationDetails"},
		Deny:         []string{"kms:GetKeyPolicy " + keyDenied},
		Keys: []scantest.Key{
			{
				ARN: keyApp, Policy: appPolicy, Rotation: true,
				Aliases: []string{"alias/app", "alias/app-previous"},
				Tags:    map[string]string{"team": "blue", "env": "prod", "cost-center": "42"},
				Grants: []scantest.Grant{
					{GrantID: "g-app", Grantee: "arn:aws:iam::111122223333:role/team/App", Operations: []string{"Decrypt", "DescribeKey"}, Subset: map[string]string{"app": "billing"}, Retiring: "arn:aws:iam::111122223333:role/Admin"},
					{GrantID: "g-partner", Grantee: "arn:aws:iam::444455556666:root", Operations: []string{"Encrypt"}, Equals: map[string]string{"partner": "yes"}},
					{GrantID: "g-ebs", Grantee: "arn:aws:sts::111122223333:assumed-role/aws:ec2-infrastructure/i-0123456789abcdef0", Operations: []string{"Decrypt"}, Subset: map[string]string{"aws:ebs:id": "vol-0123456789abcdef0"}},
				},
			},
			{ARN: keyDenied, Policy: defaultPolicy},
			{ARN: keyManaged, Policy: managedPolicy, Manager: "AWS", Aliases: []string{"alias/aws/s3"}, Rotation: true},
			{ARN: keyGone, Policy: defaultPolicy, Deleted: true},
			{ARN: keySign, Policy: defaultPolicy, Spec: "RSA_2048", Usage: "SIGN_VERIFY"},
			{ARN: keyEU, Policy: defaultPolicy, Aliases: []string{"alias/eu"}},
		},
		Users: []scantest.User{
			{Name: "alice", Account: "111122223333", Groups: []string{"dev"},
				Inline:   map[string]string{"alice-kms": `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*","Condition":{"StringLike":{"kms:EncryptionContext:app":"bill ing+*"}}}}`},
				Attached: []string{"arn:aws:iam::111122223333:policy/AppKms"}},
			{Name: "bob", Path: "/ops/", Account: "111122223333", Boundary: "arn:aws:iam::111122223333:policy/Boundary",
				Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
		},
		Roles: []scantest.Role{
			{Name: "App", Path: "/team/", Account: "111122223333", Attached: []string{"arn:aws:iam::111122223333:policy/AppKms"}},
			{Name: "Admin", Account: "111122223333", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, Boundary: "arn:aws:iam::111122223333:policy/Boundary",
				Inline: map[string]string{"deny-delete": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}`}},
			{Name: "Lost", Account: "111122223333", Attached: []string{"arn:aws:iam::111122223333:policy/Missing"}},
		},
		Groups: []scantest.Group{
			{Name: "dev", Account: "111122223333", Inline: map[string]string{"dev-describe": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}]}`}},
		},
		Policies: []scantest.Policy{
			{ARN: "arn:aws:iam::111122223333:policy/AppKms", Default: "v2", Versions: map[string]string{
				"v1": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`,
				"v2": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}`,
			}},
			{ARN: "arn:aws:iam::111122223333:policy/Boundary", Default: "v1", Versions: map[string]string{
				"v1": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:*","s3:*"],"Resource":"*"}]}`,
			}},
			{ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Default: "v1", Versions: map[string]string{
				"v1": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			}},
		},
	}
}

// isolate points the SDK at the fake with static credentials and no shared
// configuration files of the machine.
func isolate(t *testing.T, endpoint string) { scantest.Isolate(t, "us-east-1", endpoint) }

// noWait retries at once: the tests check that throttles are retried, not
// how long the SDK waits.
var noWait = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

var testTime = time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)

func TestScanGolden(t *testing.T) {
	fake := scantest.New(Account())
	srv := httptest.NewServer(fake)
	defer srv.Close()
	isolate(t, srv.URL) // the standard endpoint override: AWS_ENDPOINT_URL

	var progress bytes.Buffer
	snap, err := Run(context.Background(), Options{
		Regions:  []string{"us-east-1", "eu-west-1"},
		Now:      func() time.Time { return testTime },
		Backoff:  noWait,
		Progress: &progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := snapshot.Encode(snap)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./scan -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s (go test ./scan -update rewrites it):\n%s", golden, got)
	}

	calls := fake.Calls()
	// 5 keys in us-east-1 in pages of 2: 3 pages, plus the throttled try.
	if calls["kms:ListKeys"] != 3+1+1 { // + eu-west-1's single page
		t.Errorf("ListKeys calls = %d, want 5 (3 pages and a throttled retry in us-east-1, 1 in eu-west-1)", calls["kms:ListKeys"])
	}
	if calls["iam:GetAccountAuthorizationDetails"] != 2+1 {
		t.Errorf("GetAccountAuthorizationDetails calls = %d, want 3 (2 pages and a throttled retry)", calls["iam:GetAccountAuthorizationDetails"])
	}
	if calls["kms:ListGrants"] < 2 {
		t.Errorf("ListGrants calls = %d: the 3 grants of %s take 2 pages", calls["kms:ListGrants"], keyApp)
	}
	// Rotation is asked only of symmetric keys in a state that has one.
	if calls["kms:GetKeyRotationStatus"] != 4 {
		t.Errorf("GetKeyRotationStatus calls = %d, want 4", calls["kms:GetKeyRotationStatus"])
	}
	if ids := fake.AccessKeyIDs(); len(ids) != 1 || ids[0] != "AKIDKMSGUARDTEST" {
		t.Errorf("requests signed with %v, want the environment's test credentials", ids)
	}
	if !strings.HasSuffix(progress.String(), "keys 6/6\n") {
		t.Errorf("progress output %q does not end with the final count", progress.String())
	}
}

func TestScanEndpointURLOption(t *testing.T) {
	fake := scantest.New(Account())
	srv := httptest.NewServer(fake)
	defer srv.Close()
	isolate(t, "")
	snap, err := Run(context.Background(), Options{EndpointURL: srv.URL, Now: func() time.Time { return testTime }, Backoff: noWait, SkipIAM: true})
	if err != nil {
		t.Fatal(err)
	}
	keys := snap["keys"].(map[string]any)
	if _, ok := keys[keyApp]; !ok || len(keys) != 3 {
		t.Errorf("keys = %v, want the 3 readable keys of us-east-1 (the Region of AWS_REGION)", sortedKeys(keys))
	}
	if p := snap["principals"].(map[string]any); len(p) != 0 {
		t.Errorf("SkipIAM read principals: %v", sortedKeys(p))
	}
	if fake.Calls()["iam:GetAccountAuthorizationDetails"] != 0 {
		t.Error("SkipIAM called IAM")
	}
}

// The account's organization: its id, null when the account is in none,
// left out (with an error entry) when AWS refuses to say, and not asked
// with SkipOrganizations.
func TestScanOrganization(t *testing.T) {
	for _, tc := range []struct {
		name        string
		edit        func(*scantest.Account)
		skip        bool
		want        any // organization_id; "absent" for no field
		errorsCalls []string
	}{
		{"member", func(*scantest.Account) {}, false, "o-a1b2c3d4e5", nil},
		{"no organization", func(a *scantest.Account) { a.Organization = "" }, false, nil, nil},
		{"denied", func(a *scantest.Account) { a.Deny = append(a.Deny, "organizations:DescribeOrganization") }, false, "absent", []string{"organizations:DescribeOrganization"}},
		{"skipped", func(*scantest.Account) {}, true, "absent", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct := Account()
			acct.Deny = nil
			tc.edit(&acct)
			fake := scantest.New(acct)
			srv := httptest.NewServer(fake)
			defer srv.Close()
			isolate(t, srv.URL)
			snap, err := Run(context.Background(), Options{Regions: []string{"us-east-1"}, Backoff: noWait, SkipIAM: true, SkipOrganizations: tc.skip})
			if err != nil {
				t.Fatal(err)
			}
			entry, _ := snap["accounts"].(map[string]any)["111122223333"].(map[string]any)
			got, ok := entry["organization_id"]
			if !ok {
				got = "absent"
			}
			if got != tc.want {
				t.Errorf("organization_id = %v, want %v", got, tc.want)
			}
			var calls []string // errors of this part of the scan (keys have their own)
			for _, e := range snap["errors"].([]any) {
				if c := e.(map[string]any)["call"].(string); !strings.HasPrefix(c, "kms:") {
					calls = append(calls, c)
				}
			}
			if strings.Join(calls, ",") != strings.Join(tc.errorsCalls, ",") {
				t.Errorf("errors for calls %v, want %v", calls, tc.errorsCalls)
			}
			if n := fake.Calls()["organizations:DescribeOrganization"]; (n == 0) != tc.skip {
				t.Errorf("DescribeOrganization called %d times (skip %v)", n, tc.skip)
			}
		})
	}
}

func TestScanNoRegion(t *testing.T) {
	isolate(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "")
	_, err := Run(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no Region") {
		t.Fatalf("err = %v, want a missing Region error", err)
	}
}

func TestScanUnreachableIsFatal(t *testing.T) {
	srv := httptest.NewServer(scantest.New(scantest.Account{}))
	url := srv.URL
	srv.Close() // nothing listens there any more
	isolate(t, url)
	_, err := Run(context.Background(), Options{MaxAttempts: 1, Backoff: noWait})
	if err == nil {
		t.Fatal("a scan that reached nothing succeeded")
	}
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
