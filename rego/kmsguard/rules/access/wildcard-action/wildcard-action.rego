# METADATA
# title: kms:* granted beyond the account delegation statement
# description: >-
#   kms:* (or "*", or NotAction) gives a principal every present and future
#   KMS action on the key: using it, changing its policy, creating grants,
#   scheduling its deletion. Only the statement that delegates the key to its
#   own account principal (arn:aws:iam::ACCOUNT:root), where IAM policies then
#   decide, should use it. When the key's account is not known and the policy
#   gives kms:* to the account principals of several accounts (or of an
#   account only known at deployment next to another), all but one are other
#   accounts: those statements are reported. In an identity policy kms:* gives
#   the identity both administration and use of every key its Resource names
#   ("*", key ARNs and patterns).
# related_resources:
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS005
#   name: wildcard-action
#   severity: high
#   category: access
#   remediation: >-
#     List the actions the principal needs: the key-administrator actions of
#     the console default policy for administrators, or kms:Encrypt,
#     kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey* and kms:DescribeKey
#     for users.
package kmsguard.rules.access["wildcard-action"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	everything(f)
	who := facts.non_home_principals(f)
	count(who) > 0
	msg := sprintf("%s gives %s to %s; only the account principal of the key's account should get kms:*", [facts.label(i), wildcard_text(f), facts.who(who)])
}

deny contains finding.new(metadata, i, msg) if {
	facts.identity_policy
	some i in facts.live_allows
	f := facts.at[i]
	everything(f)
	facts.covers_keys(f)
	msg := sprintf("%s gives %s on keys to the identity the policy is attached to", [facts.label(i), wildcard_text(f)])
}

# With the key's account unknown, kms:* to the account principals of two
# accounts (or to an account only known at deployment next to another) is
# reported without knowing which account owns the key: a key belongs to one
# account, so every other one gets kms:*.
deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	not facts.account_known
	count(full_accounts) > 1
	some i in facts.live_allows
	f := facts.at[i]
	everything(f)
	count(facts.non_home_principals(f)) == 0
	mine := {e.key | some e in f.aws; account_principal(e)}
	count(mine) > 0
	msg := sprintf("%s gives %s to %s; the policy gives it to the account principals of %d accounts (%s), and the key belongs to only one of them", [facts.label(i), wildcard_text(f), concat(", ", sort(mine)), count(full_accounts), concat(", ", sort(full_accounts))])
}

# full_accounts: the account principals given every KMS action.
full_accounts contains e.key if {
	some i in facts.live_allows
	f := facts.at[i]
	everything(f)
	some e in f.aws
	account_principal(e)
}

account_principal(e) if e.kind == "root"

account_principal(e) if facts.unresolved_account_principal(e)

# everything(f): kms:*, "*" or an Allow with NotAction.
everything(f) if f.full_access

everything(f) if f.not_action

wildcard_text(f) := "every KMS action except those its NotAction lists" if {
	f.not_action
} else := "every KMS action (kms:*)"
