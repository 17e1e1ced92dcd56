package engine

import (
	stdcontext "context"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	kmsrego "github.com/kmsguard/kmsguard/rego"
)

// MultivaluedKey follows the catalog's condition-key types (ArrayOfString),
// the one list the Rego (data.kmsguard.catalog.multivalued) reads too.
func TestMultivaluedKey(t *testing.T) {
	for k, want := range map[string]bool{
		"aws:CalledVia": true, "kms:EncryptionContextKeys": true, "kms:GrantOperations": true,
		"aws:PrincipalOrgPaths": true, "aws:ResourceOrgPaths": true, "aws:SourceOrgPaths": true,
		"aws:TagKeys": true, "kms:ResourceAliases": true, "aws:PrincipalServiceNamesList": true,
		"aws:VpceOrgPaths":   true,
		"aws:CalledViaFirst": false, "kms:ViaService": false, "aws:SourceIp": false, "kms:EncryptionContext:a": false,
		"unknown:key": false,
	} {
		if got := MultivaluedKey(k); got != want {
			t.Errorf("MultivaluedKey(%q) = %v, want %v", k, got, want)
		}
	}
}

// The Go reader of catalog.partitions (ExampleKeyARN, which `can` uses
// without --resource) and the Rego that reads it (catalog.example_key_arn,
// which the lint's engine questions use) give the same key for every
// partition of the catalog, and neither knows a partition the catalog does
// not name. Partitions:
// https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html
func TestExampleKeyARNGoAndRegoAgree(t *testing.T) {
	c, err := embeddedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	src, err := fs.ReadFile(kmsrego.FS, "kmsguard/catalog/request_context.rego")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := fs.ReadFile(kmsrego.FS, catalogPath)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	query, err := rego.New(
		rego.Query("x := data.kmsguard.catalog.example_key_arn(input.partition, input.account)"),
		rego.Module("request_context.rego", string(src)),
		rego.Store(inmem.NewFromObject(map[string]any{"kmsguard": map[string]any{"catalog": data}})),
	).PrepareForEval(stdcontext.Background())
	if err != nil {
		t.Fatal(err)
	}
	var partitions []string
	for _, r := range c.Partitions.Rows {
		partitions = append(partitions, r.Partition)
	}
	if !slices.Equal(partitions, []string{"aws", "aws-cn", "aws-us-gov"}) {
		t.Fatalf("catalog partitions = %v, want aws, aws-cn and aws-us-gov", partitions)
	}
	for _, p := range append(partitions, "aws-iso", "", "AWS") {
		goARN, goOK := ExampleKeyARN(p, "111122223333")
		rs, err := query.Eval(stdcontext.Background(), rego.EvalInput(map[string]any{"partition": p, "account": "111122223333"}))
		if err != nil {
			t.Fatal(err)
		}
		regoARN, regoOK := "", len(rs) == 1
		if regoOK {
			regoARN, _ = rs[0].Bindings["x"].(string)
		}
		if goARN != regoARN || goOK != regoOK || goOK != slices.Contains(partitions, p) {
			t.Errorf("partition %q: Go %q (%v), Rego %q (%v)", p, goARN, goOK, regoARN, regoOK)
		}
		if goOK && !strings.HasPrefix(goARN, "arn:"+p+":kms:") {
			t.Errorf("partition %q: example key %q is not a KMS key ARN of the partition", p, goARN)
		}
	}
}
