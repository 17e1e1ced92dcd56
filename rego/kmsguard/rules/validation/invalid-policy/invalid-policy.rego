# METADATA
# title: Policy document is malformed
# description: >-
#   A policy that AWS would reject: not a JSON object, unknown elements, an
#   Effect other than Allow or Deny, Action and NotAction together, a
#   malformed action name (such as "kms: TagResource" with a space), an
#   unknown condition operator, a key-policy statement without a principal.
#   Each problem is one finding.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
# custom:
#   id: KMS001
#   name: invalid-policy
#   severity: high
#   category: validation
#   remediation: >-
#     Fix the element the message names. PutKeyPolicy and the IAM APIs reject
#     the document with MalformedPolicyDocumentException until it is valid.
package kmsguard.rules.validation["invalid-policy"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, statement_of(m), text_of(m)) if {
	some m in facts.structure_errors
}

statement_of(m) := to_number(x[1]) if {
	x := regex.find_all_string_submatch_n(`^policy\.Statement\[([0-9]+)\]`, m, 1)[0]
} else := null

text_of(m) := substring(m, 7, -1) if startswith(m, "policy.")

text_of(m) := m if not startswith(m, "policy.")
