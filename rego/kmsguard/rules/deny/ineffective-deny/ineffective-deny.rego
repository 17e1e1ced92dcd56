# METADATA
# title: Deny statement that can never deny anything
# description: >-
#   A Deny statement that never matches a request gives a false sense of
#   protection: in a key policy it names no KMS action that applies to a key
#   (another service's actions, an IAM-only action such as kms:CreateKey, a
#   misspelt action), or one of its conditions can never hold (an unknown
#   condition key, a key no action of the statement carries such as
#   kms:ReplicaRegion on kms:Decrypt, aws:ResourceTag in a key policy,
#   StringEquals with a wildcard, a non-numeric value for a Numeric operator).
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
# custom:
#   id: KMS015
#   name: ineffective-deny
#   severity: medium
#   category: deny
#   remediation: >-
#     Name the KMS actions to deny and use condition keys and operators that
#     the requests carry (negated operators, or ...IfExists, for keys that may
#     be absent).
package kmsguard.rules.deny["ineffective-deny"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.denies
	f := facts.at[i]
	count(f.patterns) > 0
	count(f.actions & facts.key_actions) == 0
	msg := sprintf("%s can never deny anything: it names no KMS action that applies to a key", [facts.label(i)])
}

deny contains finding.new(metadata, i, msg) if {
	some i in facts.denies
	some n in facts.never[i]
	msg := sprintf("%s can never deny anything: %s", [facts.label(i), n.msg])
}
