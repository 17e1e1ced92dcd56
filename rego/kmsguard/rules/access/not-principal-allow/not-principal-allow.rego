# METADATA
# title: Allow statement with NotPrincipal
# description: >-
#   NotPrincipal with Effect Allow gives the statement's permissions to every
#   principal except the ones listed, in every account, anonymous callers
#   included. AWS no longer supports the combination and recommends Principal
#   "*" with an aws:PrincipalArn condition instead.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
# custom:
#   id: KMS016
#   name: not-principal-allow
#   severity: medium
#   category: access
#   remediation: >-
#     Name the principals in Principal, or use Principal "*" with a positive
#     condition such as "ArnEquals": {"aws:PrincipalArn": [...]}.
package kmsguard.rules.access["not-principal-allow"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.allows
	f := facts.at[i]
	f.not_principal
	msg := sprintf("%s uses NotPrincipal with Allow: it gives %s to every principal not listed, in every account", [facts.label(i), facts.names(f.actions & facts.key_actions)])
}
