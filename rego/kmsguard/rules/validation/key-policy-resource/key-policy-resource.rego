# METADATA
# title: Key-policy Resource that is not the key
# description: >-
#   In a key policy "Resource": "*" means this key. Any other value must be an
#   ARN pattern that matches the key's ARN, or the statement has no effect: an
#   alias ARN never refers to the key, another key's ARN or another service's
#   ARN never matches. NotResource in a key policy is confusing and not
#   needed.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
# custom:
#   id: KMS026
#   name: key-policy-resource
#   severity: medium
#   category: validation
#   remediation: >-
#     Use "Resource": "*" in key policy statements.
package kmsguard.rules.validation["key-policy-resource"]

import data.kmsguard.iam.pattern
import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	some r in facts.as_list(object.get(s, "Resource", []))
	is_string(r)
	r != "*"
	why := problem(r)
	msg := sprintf("%s: Resource %q %s; in a key policy use \"*\"", [facts.label(i), r, why])
}

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	"NotResource" in object.keys(s)
	msg := sprintf("%s uses NotResource; in a key policy use \"Resource\": \"*\"", [facts.label(i)])
}

problem(r) := "is an alias ARN: a key policy applies to the key, never to an alias" if {
	regex.match(`^arn:[^:]*:kms:[^:]*:[^:]*:alias/`, r)
} else := "is not a KMS key ARN" if {
	not regex.match(`^arn:[^:]*:kms:[^:]*:[^:]*:key/`, r)
	not regex.match(`^arn:[^:]*:kms:[^:]*:[^:]*:\*$`, r)
} else := sprintf("does not match the key %s", [facts.key.arn]) if {
	facts.key.arn
	not pattern.arn_like(r, facts.key.arn)
}
