# METADATA
# title: Allow statement condition that cannot match
# description: >-
#   A condition of an Allow statement that never matches what its author
#   meant: StringEquals (or StringEqualsIgnoreCase) with * or ? in a value,
#   which match only those characters literally (kms:CallerAccount "*" matches
#   no account); a non-numeric value for a Numeric operator; a Bool value
#   other than true or false; a condition key that no action of the statement
#   carries (kms:GrantIsForAWSResource on kms:Decrypt, kms:ReplicaRegion on
#   anything but kms:ReplicateKey), so the statement never applies; or a key
#   that some of its actions never carry (kms:DescribeKey next to kms:Decrypt
#   under a kms:EncryptionContext: condition), so the statement never allows
#   those. Unknown keys are reported by KMS024; the confused-deputy keys of
#   service principals by KMS009.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# custom:
#   id: KMS031
#   name: unmatchable-condition
#   severity: medium
#   category: conditions
#   remediation: >-
#     Use StringLike or ArnLike for patterns, values of the operator's type,
#     and condition keys the statement's actions carry (split the statement
#     when actions need different conditions).
package kmsguard.rules.conditions["unmatchable-condition"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i in facts.allows
	some n in facts.never[i]
	n.kind in {"absent", "values"}
	not service_condition(i, n.key)
	msg := sprintf("%s never applies: %s", [facts.label(i), n.msg])
}

deny contains finding.new(metadata, i, msg) if {
	some i in facts.allows
	some c in facts.at[i].conditions
	facts.positive(c)
	mistakes := facts.value_mistakes(c)
	count(mistakes) > 0
	count(mistakes) < count({v | some v in c.values})
	not service_condition(i, c.raw_key)
	some m in mistakes
	msg := sprintf("%s: %s on %s: %q %s", [facts.label(i), c.op, c.raw_key, m.value, m.why])
}

deny contains finding.new(metadata, i, msg) if {
	some i in facts.allows
	some u in facts.uncarried[i]
	not service_condition(i, u.key)
	msg := sprintf("%s: %s", [facts.label(i), facts.uncarried_text(u)])
}

# Confused-deputy keys of service-principal statements are KMS009's.
service_condition(i, k) if {
	count(facts.at[i].services) > 0
	lower(k) in {"aws:sourcearn", "aws:sourceaccount"}
}

service_condition(i, k) if {
	count(facts.at[i].services) > 0
	startswith(lower(k), "kms:encryptioncontext:")
}
