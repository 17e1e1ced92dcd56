# METADATA
# title: Service principal allowed without confused-deputy protection
# description: >-
#   An Allow statement for an AWS service principal (cloudtrail.amazonaws.com,
#   logs.REGION.amazonaws.com...) with no condition that ties it to your
#   resources: the service can then use the key for any customer's resources,
#   so another account can make the service encrypt or decrypt with your key
#   (the confused deputy problem). AWS recommends aws:SourceArn or
#   aws:SourceAccount (or aws:SourceOrgID), or the service's encryption
#   context key (kms:EncryptionContext:aws:logs:arn,
#   kms:EncryptionContext:aws:cloudtrail:arn) naming your account's resources,
#   with a positive operator and concrete values. Statements that allow only
#   read actions such as kms:DescribeKey are not reported.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
#   - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
# custom:
#   id: KMS008
#   name: service-confused-deputy
#   severity: medium
#   category: services
#   remediation: >-
#     Add "ArnLike": {"aws:SourceArn":
#     "arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE"} and/or "StringEquals":
#     {"aws:SourceAccount": "ACCOUNT"}, or the encryption context condition
#     the service documents (for CloudWatch Logs "ArnLike":
#     {"kms:EncryptionContext:aws:logs:arn":
#     "arn:aws:logs:REGION:ACCOUNT:*"}).
package kmsguard.rules.services["service-confused-deputy"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	count(f.services) > 0
	acts := (f.actions & facts.key_actions) - facts.read_actions
	count(acts) > 0
	not protected(f)
	msg := sprintf("%s allows %s to %s without aws:SourceArn, aws:SourceAccount or an encryption-context condition naming your resources: other accounts can have the service use this key", [facts.label(i), facts.names(acts), concat(", ", sort(f.services))])
}

protected(f) if facts.restricted_by(f, {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"})

protected(f) if {
	some c in f.conditions
	startswith(c.key, "kms:encryptioncontext:")
	facts.positive(c)
	count(c.values) > 0
	every v in c.values {
		facts.arn_pins(v)
	}
}
