# METADATA
# title: Statement without Action or Resource
# description: >-
#   A statement needs Action (or NotAction) and Resource (or NotResource). KMS
#   accepts a key-policy statement without them, but it never matches a
#   request: it has no effect (IAM rejects such identity-policy statements).
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
# custom:
#   id: KMS029
#   name: no-effect-statement
#   severity: medium
#   category: validation
#   remediation: >-
#     Add the missing element: in a key policy "Resource": "*" and the actions
#     the statement is meant to allow or deny.
package kmsguard.rules.validation["no-effect-statement"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i, s in facts.raw_statements
	is_object(s)
	missing := [m |
		some pair in [["Action", "NotAction"], ["Resource", "NotResource"]]
		not pair[0] in object.keys(s)
		not pair[1] in object.keys(s)
		m := pair[0]
	]
	count(missing) > 0
	msg := sprintf("%s has no %s: it never applies to a request", [facts.label(i), concat(" and no ", missing)])
}
