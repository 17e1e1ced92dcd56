# METADATA
# title: Key policy names actions of other services
# description: >-
#   A key policy controls only KMS actions on its key; actions of other
#   services (s3:GetObject, iam:PassRole...) in a key policy never match a
#   request. They usually come from an identity policy pasted into the key
#   policy.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
# custom:
#   id: KMS023
#   name: non-kms-action
#   severity: low
#   category: validation
#   remediation: >-
#     Remove the non-KMS actions from the key policy and grant them in the
#     principal's identity policy or the other service's resource policy.
package kmsguard.rules.validation["non-kms-action"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	others := {a |
		some k in ["Action", "NotAction"]
		some a in facts.as_list(object.get(s, k, []))
		is_string(a)
		contains(a, ":")
		lower(split(a, ":")[0]) != "kms"
	}
	count(others) > 0
	msg := sprintf("%s names %s: a key policy only applies to KMS actions", [facts.label(i), concat(", ", sort(others))])
}
