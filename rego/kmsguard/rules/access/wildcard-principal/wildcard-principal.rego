# METADATA
# title: Key policy allows every principal
# description: >-
#   An Allow statement with Principal "*" (or {"AWS": "*"}) whose conditions
#   do not restrict who can call: principals of every account, and in the
#   key's own account every principal without any IAM policy, can use or
#   manage the key. Only positive conditions with concrete values on
#   kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID,
#   aws:PrincipalOrgPaths, aws:PrincipalArn, aws:userid, aws:SourceAccount,
#   aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths restrict the callers
#   (under StringEquals a value with * or ?, or one that is no account or
#   organization id, matches no caller and adds none; a CloudFormation value
#   only known at deployment is taken to restrict); ...IfExists and negated
#   operators, ForAllValues, wildcard or policy-variable values and keys the
#   caller controls (kms:ViaService alone, encryption context, tags, source
#   IP) do not. Statements that allow only read actions are reported by
#   KMS004.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-aws.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
# custom:
#   id: KMS003
#   name: wildcard-principal
#   severity: high
#   category: access
#   remediation: >-
#     Name the principals that need the key, or keep "*" and add a condition
#     that pins the callers, such as "StringEquals": {"kms:CallerAccount":
#     "111122223333"} together with kms:ViaService for AWS managed key style
#     policies, or "aws:PrincipalOrgID" for an organization.
package kmsguard.rules.access["wildcard-principal"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	f.any
	exposed := (f.actions & facts.key_actions) - facts.read_actions
	count(exposed) > 0
	not facts.restricts_callers(f)
	msg := sprintf("%s allows %s to every principal (\"*\") %s", [facts.label(i), facts.names(exposed), facts.unrestricted_note(f)])
}
