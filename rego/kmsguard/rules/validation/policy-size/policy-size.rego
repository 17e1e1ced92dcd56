# METADATA
# title: Key policy larger than 32 KB
# description: >-
#   A key policy can hold at most 32 KB (32,768 bytes); PutKeyPolicy and
#   CreateKey reject a larger one with LimitExceededException. kmsguard
#   measures the document written compactly, so the file as written may be
#   larger still.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
# custom:
#   id: KMS028
#   name: policy-size
#   severity: medium
#   category: validation
#   remediation: >-
#     Shorten the policy: merge statements with the same principals and
#     conditions, use action wildcards where they do not widen access, or move
#     per-principal permissions into IAM policies.
package kmsguard.rules.validation["policy-size"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, null, msg) if {
	facts.key_policy
	facts.is_document
	size := count(json.marshal(facts.document))
	size > 32768
	msg := sprintf("the key policy is %d characters long even written compactly; KMS accepts at most 32768", [size])
}
