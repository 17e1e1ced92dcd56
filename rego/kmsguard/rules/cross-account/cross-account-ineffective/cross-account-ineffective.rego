# METADATA
# title: Actions given to another account that cannot be used across accounts
# description: >-
#   Only cryptographic operations, kms:CreateGrant, kms:DescribeKey,
#   kms:GetKeyRotationStatus, kms:GetPublicKey, kms:ListGrants,
#   kms:RetireGrant and kms:RevokeGrant work across accounts. Giving an
#   external account administration actions such as kms:ScheduleKeyDeletion or
#   kms:PutKeyPolicy has no effect: probably a mistake about which account
#   owns the key.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
# custom:
#   id: KMS020
#   name: cross-account-ineffective
#   severity: low
#   category: cross-account
#   remediation: >-
#     Remove the actions from the statement for the external account, or run
#     the administration from the key's own account.
package kmsguard.rules["cross-account"]["cross-account-ineffective"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	not f.full_access
	accounts := {e.account | some e in f.aws; facts.external(e)}
	count(accounts) > 0
	bad := union({acts | some p in f.patterns; acts := ineffective(p)})
	count(bad) > 0
	msg := sprintf("%s gives account %s %s, which cannot be used across accounts", [facts.label(i), concat(", ", sort(accounts)), facts.names(bad)])
}

# ineffective(p): the key actions pattern p names, when none of them works
# across accounts.
ineffective(p) := acts if {
	acts := facts.covered([p]) & facts.key_actions
	count(acts) > 0
	count(acts & facts.cross_account_actions) == 0
}
