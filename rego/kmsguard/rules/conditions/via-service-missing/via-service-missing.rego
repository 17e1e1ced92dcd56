# METADATA
# title: Use of the key not limited to the configured services
# description: >-
#   When config.services declares which AWS services the key is for, IAM
#   principals should be able to use it only through those services:
#   cryptographic permissions without a positive kms:ViaService condition let
#   them call KMS directly (download the data key, decrypt outside the
#   service), and a kms:ViaService value outside config.services opens the key
#   to another service. The delegation statement to the key's own account is
#   not reported (IAM policies decide there), nor service principals.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
# custom:
#   id: KMS010
#   name: via-service-missing
#   severity: medium
#   category: conditions
#   remediation: >-
#     Add "StringEquals": {"kms:ViaService": ["s3.REGION.amazonaws.com"]} with
#     the declared services to the statements that allow cryptographic
#     actions, or declare the service in config.services.
package kmsguard.rules.conditions["via-service-missing"]

import data.kmsguard.iam.pattern
import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.services_configured
	some i in facts.live_allows
	f := facts.at[i]
	use := f.actions & facts.crypto_actions
	count(use) > 0
	subject(f)
	not facts.via_service_limited(f)
	msg := sprintf("%s allows %s%s without a kms:ViaService condition, although the key is meant for %s", [facts.label(i), facts.names(use), to_whom(f), concat(", ", sort(facts.services))])
}

deny contains finding.new(metadata, i, msg) if {
	facts.services_configured
	some i in facts.live_allows
	f := facts.at[i]
	count(f.actions & facts.crypto_actions) > 0
	subject(f)
	some c in f.conditions
	c.key == "kms:viaservice"
	facts.positive(c)
	some v in c.values
	not declared(v)
	msg := sprintf("%s allows use through %q, which is not in config.services (%s)", [facts.label(i), v, concat(", ", sort(facts.services))])
}

subject(_) if facts.identity_policy

subject(f) if {
	facts.key_policy
	count({p | some p in facts.non_home_principals(f); not p in f.services}) > 0
}

to_whom(f) := sprintf(" to %s", [facts.who({p | some p in facts.non_home_principals(f); not p in f.services})]) if {
	facts.key_policy
} else := ""

declared(v) if {
	some s in facts.services
	pattern.like(lower(v), s)
}
