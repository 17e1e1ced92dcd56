# METADATA
# title: kms:* granted beyond the account delegation statement
# description: >-
#   kms:* (or "*", or NotAction) gives a principal every present and future
#   KMS action on the key: using it, changing its policy, creating grants,
#   scheduling its deletion. Only the statement that delegates the key to its
#   own account principal (arn:aws:iam::ACCOUNT:root), where IAM policies then
#   decide, should use it. In an identity policy kms:* gives the identity both
#   administration and use of every key its Resource names.
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

import data.kmsguard.lint

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.key_policy
	some i in lint.live_allows
	f := lint.facts[i]
	everything(f)
	who := lint.non_home_principals(f)
	count(who) > 0
	msg := sprintf("%s gives %s to %s; only the account principal of the key's account should get kms:*", [lint.label(i), wildcard_text(f), lint.who(who)])
}

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.identity_policy
	some i in lint.live_allows
	f := lint.facts[i]
	everything(f)
	lint.covers_keys(f)
	msg := sprintf("%s gives %s on keys to the identity the policy is attached to", [lint.label(i), wildcard_text(f)])
}

# everything(f): kms:*, "*" or an Allow with NotAction.
everything(f) if f.full_access

everything(f) if f.not_action

wildcard_text(f) := "every KMS action except those its NotAction lists" if {
	f.not_action
} else := "every KMS action (kms:*)"
