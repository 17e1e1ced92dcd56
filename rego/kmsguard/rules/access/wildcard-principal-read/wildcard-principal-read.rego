# METADATA
# title: Key policy lets every principal read the key's metadata
# description: >-
#   An Allow statement with Principal "*" and no condition that restricts who
#   can call, which allows only read or list actions (such as kms:DescribeKey
#   or kms:GetPublicKey): anyone can learn the key's configuration, and in the
#   key's own account every principal can read it without an IAM policy.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS004
#   name: wildcard-principal-read
#   severity: low
#   category: access
#   remediation: >-
#     Name the principals that need to read the key, or add a condition on
#     kms:CallerAccount, aws:PrincipalOrgID or aws:PrincipalArn.
package kmsguard.rules.access["wildcard-principal-read"]

import data.kmsguard.lint

warn contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.key_policy
	some i in lint.live_allows
	f := lint.facts[i]
	f.any
	acts := f.actions & lint.key_actions
	count(acts) > 0
	count(acts - lint.read_actions) == 0
	not lint.restricts_callers(f)
	msg := sprintf("%s lets every principal (\"*\") call %s %s", [lint.label(i), lint.names(acts), lint.unrestricted_note(f)])
}
