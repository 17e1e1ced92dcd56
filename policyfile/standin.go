package policyfile

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"

	"github.com/kmsguard/kmsguard/rego"
)

// stack is the stand-in stack a CloudFormation template is linted as
// (docs/check.md, "CloudFormation intrinsics"): the values of its pseudo
// parameters and the ARNs Fn::GetAtt Arn gives for the roles, users and
// keys it creates. They come from the catalog (catalog.cloudformation and
// the stand-in partition's row of catalog.partitions), which the Rego of
// kmsguard.lint.extract reads too.
type stack struct {
	pseudo     map[string]string    // pseudo parameter -> value
	arnFormats map[string]string    // resource type -> ARN, %s for the logical id's token
	policies   map[string]cfnPolicy // resource type -> where its policy document is
}

// standInStack reads the stand-in stack from the embedded catalog, once.
var standInStack = sync.OnceValues(func() (*stack, error) { return readStack(rego.FS) })

func readStack(fsys fs.FS) (*stack, error) {
	data, err := fs.ReadFile(fsys, "kmsguard/catalog/data.json")
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	var c struct {
		CloudFormation struct {
			AccountID string               `json:"stand_in_account_id"`
			Partition string               `json:"stand_in_partition"`
			Policies  map[string]cfnPolicy `json:"policy_properties"`
		} `json:"cloudformation"`
		Partitions struct {
			Rows []struct {
				Partition     string `json:"partition"`
				DefaultRegion string `json:"default_region"`
				URLSuffix     string `json:"url_suffix"`
			} `json:"rows"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	account, partition := c.CloudFormation.AccountID, c.CloudFormation.Partition
	if len(c.CloudFormation.Policies) == 0 {
		return nil, fmt.Errorf("the catalog has no CloudFormation resource types to read policies from (cloudformation.policy_properties)")
	}
	for _, r := range c.Partitions.Rows {
		if r.Partition != partition || account == "" || r.DefaultRegion == "" || r.URLSuffix == "" {
			continue
		}
		key := "arn:" + partition + ":kms:" + r.DefaultRegion + ":" + account + ":key/%s"
		return &stack{
			pseudo: map[string]string{
				"AWS::AccountId": account, "AWS::Region": r.DefaultRegion,
				"AWS::Partition": partition, "AWS::URLSuffix": r.URLSuffix,
			},
			arnFormats: map[string]string{
				"AWS::IAM::Role":       "arn:" + partition + ":iam::" + account + ":role/%s",
				"AWS::IAM::User":       "arn:" + partition + ":iam::" + account + ":user/%s",
				"AWS::KMS::Key":        key,
				"AWS::KMS::ReplicaKey": key,
			},
			policies: c.CloudFormation.Policies,
		}, nil
	}
	return nil, fmt.Errorf("the catalog has no stand-in stack for CloudFormation templates (cloudformation.stand_in_account_id, and a partition row with default_region and url_suffix for %q)", partition)
}

// terraformPolicies reads, once, the resource types of a Terraform plan
// whose policies are checked (catalog.terraform.policy_attributes, which
// kmsguard.lint.extract reads too).
var terraformPolicies = sync.OnceValues(func() (map[string]tfPolicy, error) { return readTerraformPolicies(rego.FS) })

func readTerraformPolicies(fsys fs.FS) (map[string]tfPolicy, error) {
	data, err := fs.ReadFile(fsys, "kmsguard/catalog/data.json")
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	var c struct {
		Terraform struct {
			Policies map[string]tfPolicy `json:"policy_attributes"`
		} `json:"terraform"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	if len(c.Terraform.Policies) == 0 {
		return nil, fmt.Errorf("the catalog has no Terraform resource types to read policies from (terraform.policy_attributes)")
	}
	return c.Terraform.Policies, nil
}
