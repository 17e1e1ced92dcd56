# METADATA
# title: Duplicate statement id
# description: >-
#   Two statements share the same Sid. IAM requires unique Sids in identity
#   policies; in a key policy duplicates are accepted but make findings,
#   CloudTrail analysis and later edits ambiguous.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS027
#   name: duplicate-sid
#   severity: low
#   category: validation
#   remediation: >-
#     Give each statement its own Sid.
package kmsguard.rules.validation["duplicate-sid"]

import data.kmsguard.lint

warn contains lint.finding(rego.metadata.chain(), i, msg) if {
	some i, sid in lint.sids
	some j, other in lint.sids
	j < i
	other == sid
	first := min({k | some k, x in lint.sids; x == sid})
	j == first
	msg := sprintf("%s has the same Sid as %s", [lint.label(i), sprintf("Statement[%d]", [j])])
}
