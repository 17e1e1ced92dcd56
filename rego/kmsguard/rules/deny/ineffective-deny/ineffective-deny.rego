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

import data.kmsguard.lint

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.key_policy
	some i in lint.denies
	f := lint.facts[i]
	count(f.patterns) > 0
	count(f.actions & lint.key_actions) == 0
	msg := sprintf("%s can never deny anything: it names no KMS action that applies to a key", [lint.label(i)])
}

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	some i in lint.denies
	some n in lint.never[i]
	msg := sprintf("%s can never deny anything: %s", [lint.label(i), n.msg])
}
