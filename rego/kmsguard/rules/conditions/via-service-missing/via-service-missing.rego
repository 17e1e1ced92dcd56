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
import data.kmsguard.lint

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.services_configured
	some i in lint.live_allows
	f := lint.facts[i]
	use := f.actions & lint.crypto_actions
	count(use) > 0
	subject(f)
	not lint.via_service_limited(f)
	msg := sprintf("%s allows %s%s without a kms:ViaService condition, although the key is meant for %s", [lint.label(i), lint.names(use), to_whom(f), concat(", ", sort(lint.services))])
}

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.services_configured
	some i in lint.live_allows
	f := lint.facts[i]
	count(f.actions & lint.crypto_actions) > 0
	subject(f)
	some c in f.conditions
	c.key == "kms:viaservice"
	lint.positive(c)
	some v in c.values
	not declared(v)
	msg := sprintf("%s allows use through %q, which is not in config.services (%s)", [lint.label(i), v, concat(", ", sort(lint.services))])
}

subject(_) if lint.identity_policy

subject(f) if {
	lint.key_policy
	count({p | some p in lint.non_home_principals(f); not p in f.services}) > 0
}

to_whom(f) := sprintf(" to %s", [lint.who({p | some p in lint.non_home_principals(f); not p in f.services})]) if {
	lint.key_policy
} else := ""

declared(v) if {
	some s in lint.services
	pattern.like(lower(v), s)
}
