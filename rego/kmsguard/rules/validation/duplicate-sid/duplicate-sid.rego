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

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	some i, sid in facts.sids
	some j, other in facts.sids
	j < i
	other == sid
	first := min({k | some k, x in facts.sids; x == sid})
	j == first
	msg := sprintf("%s has the same Sid as %s", [facts.label(i), sprintf("Statement[%d]", [j])])
}
