# METADATA
# title: Condition key unknown, unsupported or used with the wrong operator
# description: >-
#   A condition key that KMS and IAM do not define (a misspelling, another
#   service's key in a key policy) is never in the request, so a positive
#   condition on it never holds. Keys KMS supports only in IAM policies
#   (aws:ResourceTag/*, kms:ResourceAliases) are absent in a key policy. An
#   operator of the wrong type for the key (Numeric on kms:ViaService, Bool on
#   a String key, ARN operators on values that are not ARNs) never matches.
#   ForAllValues with kms:EncryptionContext:* or aws:RequestTag/* is rejected
#   by KMS as overly permissive.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
# custom:
#   id: KMS024
#   name: invalid-condition-key
#   severity: medium
#   category: validation
#   remediation: >-
#     Use a condition key from the KMS condition key list or the global
#     condition keys, with an operator of its type (String, Numeric, Date,
#     Bool, ARN, IP address); for encryption context use ForAnyValue or a
#     plain operator.
package kmsguard.rules.validation["invalid-condition-key"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i
	some n in facts.never[i]
	n.kind in {"unknown", "iam_only"}
	msg := sprintf("%s: %s", [facts.label(i), n.msg])
}

# Non-positive conditions on unknown keys are reported too (they never see a value).
deny contains finding.new(metadata, i, msg) if {
	some i
	some c in facts.at[i].conditions
	c.o != null
	not facts.positive(c)
	not facts.known_key(c.key)
	facts.relevant_key(c.key)
	msg := sprintf("%s: %s on %s: %s", [facts.label(i), c.op, c.raw_key, facts.unknown_text(c.key)])
}

deny contains finding.new(metadata, i, msg) if {
	some i
	some c in facts.at[i].conditions
	c.o != null
	family := facts.operator_family[c.o.test]
	t := facts.key_type(c.key)
	not facts.compatible(family, t, c.values)
	msg := sprintf("%s: %s on %s compares %s values, but the key is of type %s", [facts.label(i), c.op, c.raw_key, family, t])
}

deny contains finding.new(metadata, i, msg) if {
	some i
	some c in facts.at[i].conditions
	c.o.set == "all"
	overly_permissive(c.key)
	msg := sprintf("%s: %s on %s: KMS rejects ForAllValues with this key (OverlyPermissiveCondition), because it also matches requests without it", [facts.label(i), c.op, c.raw_key])
}

overly_permissive(k) if startswith(k, "kms:encryptioncontext:")

overly_permissive(k) if startswith(k, "aws:requesttag/")
