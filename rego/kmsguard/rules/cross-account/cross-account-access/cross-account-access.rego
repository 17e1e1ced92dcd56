# METADATA
# title: Key usable from another account
# description: >-
#   Lists each external account the key policy lets use the key and what it
#   can do: the key policy is the trusting half of cross-account access;
#   principals of the other account still need an IAM policy allowing the
#   action. Only actions that work across accounts are listed (cryptographic
#   operations, kms:DescribeKey, kms:GetPublicKey, kms:GetKeyRotationStatus
#   and the grant operations). Needs the key's account: from key_arn,
#   config.account or the one account the delegation statement names.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS019
#   name: cross-account-access
#   severity: info
#   category: cross-account
#   remediation: >-
#     Check that each account listed should use the key, and prefer naming the
#     roles that need it over the account principal.
package kmsguard.rules["cross-account"]["cross-account-access"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	acts := f.actions & facts.cross_account_actions
	count(acts) > 0
	some acct, who in external(f)
	msg := sprintf("%s lets account %s (%s) use %s", [facts.label(i), acct, concat(", ", sort(who)), facts.names(acts)])
}

# external(f): external account -> the principals (or conditions) naming it.
external(f) := {acct: who |
	some e in f.aws
	facts.external(e)
	acct := e.account
	who := {x.value | some x in f.aws; facts.external(x); x.account == acct}
} if not f.any

external(f) := {acct: {sprintf("\"*\" with %s", [c.raw_key])} |
	some c in f.conditions
	c.key in {"kms:calleraccount", "aws:principalaccount"}
	facts.positive(c)
	some acct in c.values
	regex.match(`^[0-9]{12}$`, acct)
	acct != facts.account
} if f.any
