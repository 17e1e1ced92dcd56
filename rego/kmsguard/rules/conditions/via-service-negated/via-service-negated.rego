# METADATA
# title: Allow with a negated kms:ViaService condition
# description: >-
#   An Allow statement with StringNotEquals or StringNotLike on kms:ViaService
#   matches every request that does not come through the listed services,
#   including direct calls to KMS, where kms:ViaService is absent and a
#   negated operator is true. It allows far more than intended; negated
#   kms:ViaService conditions belong in Deny statements.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# custom:
#   id: KMS012
#   name: via-service-negated
#   severity: medium
#   category: conditions
#   remediation: >-
#     Use a positive operator (StringEquals kms:ViaService [...]) in the
#     Allow, or move the negated condition into a Deny statement.
package kmsguard.rules.conditions["via-service-negated"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i in facts.allows
	some c in facts.at[i].conditions
	c.key == "kms:viaservice"
	c.o.negated
	msg := sprintf("%s: %s on kms:ViaService in an Allow also matches direct calls and every other service", [facts.label(i), c.op])
}
