package cli

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/scan/scantest"
	"github.com/kmsguard/kmsguard/snapshot"
)

// TestScanCommand runs `kmsguard scan` against the stand-in AWS APIs: the
// snapshot is written whole, with the key a call failed for in its errors,
// the exit status says it is incomplete (exitcode.Partial, or 0 with
// --allow-partial), progress lines go to stderr, and who-can answers from it.
func TestScanCommand(t *testing.T) {
	const key = "arn:aws:kms:eu-west-1:111122223333:key/3333cccc-0000-0000-0000-000000000001"
	const denied = "arn:aws:kms:eu-west-1:111122223333:key/3333cccc-0000-0000-0000-000000000002"
	fake := scantest.New(scantest.Account{
		ThrottleOnce: []string{"kms:GetKeyPolicy"},
		Deny:         []string{"kms:ListGrants " + denied},
		Keys: []scantest.Key{
			{ARN: key, Aliases: []string{"alias/app"}, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`},
			{ARN: denied, Policy: `{"Version":"2012-10-17","Statement":[]}`},
		},
		Roles: []scantest.Role{{Name: "App", Account: "111122223333", Inline: map[string]string{"kms": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`}}},
	})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	scantest.Isolate(t, "", "") // --region and --endpoint-url give them
	dir := t.TempDir()
	out := filepath.Join(dir, "snap.json")
	var stdout, stderr bytes.Buffer
	err := execute([]string{"scan", "-o", out, "--region", "eu-west-1", "--endpoint-url", srv.URL, "--max-attempts", "3"}, &stdout, &stderr)
	if ExitCode(err) != exitcode.Partial {
		t.Fatalf("exit %d, want %d: %s", ExitCode(err), exitcode.Partial, stderr.String())
	}
	if got := stderr.String(); got != "kmsguard: wrote "+out+": 2 keys, 1 principals, 1 errors (listed in its \"errors\")\n"+
		"kmsguard: the snapshot is incomplete: 1 calls failed (listed in its \"errors\"); --allow-partial accepts an incomplete snapshot\n" {
		t.Errorf("stderr = %q", got)
	}
	stderr.Reset()
	err = execute([]string{"scan", "-o", out, "--region", "eu-west-1", "--endpoint-url", srv.URL, "--max-attempts", "3", "--allow-partial"}, &stdout, &stderr)
	if ExitCode(err) != 0 {
		t.Fatalf("--allow-partial: exit %d: %s", ExitCode(err), stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	s, err := snapshot.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	errs := s["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["arn"] != denied {
		t.Errorf("errors = %v, want the ListGrants failure of %s", errs, denied)
	}
	if _, ok := s["keys"].(map[string]any)[denied].(map[string]any)["grants"]; ok {
		t.Errorf("%s has grants though ListGrants failed", denied)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, ".snap.json.tmp-*")); len(files) != 0 {
		t.Errorf("temporary files left: %v", files)
	}

	stdout.Reset()
	stderr.Reset()
	err = execute([]string{"who-can", "--snapshot", out, "--key", key, "--action", "kms:Decrypt"}, &stdout, &stderr)
	if ExitCode(err) != 0 {
		t.Fatalf("who-can: exit %d: %s", ExitCode(err), stderr.String())
	}
	if !strings.Contains(stdout.String(), "arn:aws:iam::111122223333:role/App ") {
		t.Errorf("who-can does not list the scanned role:\n%s", stdout.String())
	}

	// A scan that fails writes nothing and keeps the old file.
	before, _ := os.ReadFile(out)
	err = execute([]string{"scan", "-o", out, "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:1", "--max-attempts", "1"}, &stdout, &stderr)
	if ExitCode(err) != exitcode.Input {
		t.Errorf("scan of an unreachable endpoint: exit %d, want %d", ExitCode(err), exitcode.Input)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("a failed scan changed the snapshot file")
	}
}

// TestScanOrganizationCommand: "scan --organization" against the stand-in
// organization with one member whose role cannot be assumed writes the
// merged snapshot and exits exitcode.Partial.
func TestScanOrganizationCommand(t *testing.T) {
	policy := `{"Version":"2012-10-17","Statement":[]}`
	fake := scantest.NewOrg(scantest.Org{
		ID: "o-a1b2c3d4e5", Root: "r-ab12", Management: "111122223333", RoleName: "Auditor", DenyAssume: []string{"777788889999"},
		Accounts: []scantest.OrgAccount{{ID: "111122223333", Parent: "r-ab12"}, {ID: "444455556666", Parent: "r-ab12"}, {ID: "777788889999", Parent: "r-ab12"}},
		Members: map[string]scantest.Account{
			"111122223333": {Keys: []scantest.Key{{ARN: "arn:aws:kms:eu-west-1:111122223333:key/1", Policy: policy}}},
			"444455556666": {Keys: []scantest.Key{{ARN: "arn:aws:kms:eu-west-1:444455556666:key/4", Policy: policy}}},
			"777788889999": {},
		},
	})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	scantest.Isolate(t, "", "") // --region and --endpoint-url give them
	dir := t.TempDir()
	out := filepath.Join(dir, "org.json")
	var stdout, stderr bytes.Buffer
	err := execute([]string{"scan", "-o", out, "--region", "eu-west-1", "--endpoint-url", srv.URL,
		"--organization", "--role-name", "Auditor", "--account-concurrency", "2"}, &stdout, &stderr)
	if ExitCode(err) != exitcode.Partial {
		t.Fatalf("exit %d, want %d: %s", ExitCode(err), exitcode.Partial, stderr.String())
	}
	if !strings.Contains(stderr.String(), ": 2 keys, 0 principals, 1 errors") {
		t.Errorf("stderr = %q", stderr.String())
	}
	s, err := snapshot.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s["accounts"].(map[string]any)); n != 3 {
		t.Errorf("%d accounts recorded, want 3", n)
	}
}
