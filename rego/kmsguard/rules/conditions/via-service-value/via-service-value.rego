# METADATA
# title: kms:ViaService value that no request carries
# description: >-
#   kms:ViaService values have the form SERVICE.REGION.amazonaws.com
#   (ec2.us-west-2.amazonaws.com); a value without the Region, with upper-case
#   letters, an ARN or a service principal such as s3.amazonaws.com never
#   matches. KMS keys are Regional: when the key ARN is known, a value for
#   another Region never matches either.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
# custom:
#   id: KMS011
#   name: via-service-value
#   severity: medium
#   category: conditions
#   remediation: >-
#     Write the value as SERVICE.REGION.amazonaws.com in lower case with the
#     key's Region (or a StringLike pattern such as
#     secretsmanager.*.amazonaws.com).
package kmsguard.rules.conditions["via-service-value"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i
	some c in facts.at[i].conditions
	c.key == "kms:viaservice"
	c.o.test != "null"
	some v in c.values
	not facts.unresolved(v)
	problem := value_problem(v)
	msg := sprintf("%s: kms:ViaService value %q %s", [facts.label(i), v, problem])
}

value_problem(v) := "is not of the form SERVICE.REGION.amazonaws.com" if {
	not wildcard(v)
	not regex.match(`^[A-Za-z0-9-]+\.[A-Za-z0-9-]+\.amazonaws\.com(\.cn)?$`, v)
} else := "is not of the form SERVICE.REGION.amazonaws.com" if {
	not wildcard(v)
	not regex.match(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`, split(v, ".")[1])
} else := "has upper-case letters; services send it in lower case" if {
	lower(v) != v
} else := sprintf("names Region %s, but the key is in %s", [split(v, ".")[1], facts.key_region]) if {
	not wildcard(v)
	facts.key_region
	split(v, ".")[1] != facts.key_region
}

wildcard(v) if regex.match(`[*?]`, v)
