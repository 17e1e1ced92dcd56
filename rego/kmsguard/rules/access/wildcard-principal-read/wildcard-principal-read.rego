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

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	f.any
	acts := f.actions & facts.key_actions
	count(acts) > 0
	count(acts - facts.read_actions) == 0
	not facts.restricts_callers(f)
	msg := sprintf("%s lets every principal (\"*\") call %s %s", [facts.label(i), facts.names(acts), facts.unrestricted_note(f)])
}
