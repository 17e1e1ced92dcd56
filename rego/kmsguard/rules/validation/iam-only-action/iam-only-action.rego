# METADATA
# title: Key policy names an action KMS authorizes only in IAM policies
# description: >-
#   Actions that involve no existing key (kms:CreateKey, kms:ListKeys,
#   kms:ListAliases, kms:GenerateRandom, kms:ListRetirableGrants, the custom
#   key store operations) are authorized by IAM policies alone, and
#   kms:SynchronizeMultiRegionKey only by KMS's service-linked role. Naming
#   them in a key policy has no effect.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
# custom:
#   id: KMS030
#   name: iam-only-action
#   severity: low
#   category: validation
#   remediation: >-
#     Grant these actions in an IAM policy with "Resource": "*" and remove
#     them from the key policy.
package kmsguard.rules.validation["iam-only-action"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i
	f := facts.at[i]
	named := {a |
		some p in f.patterns
		not regex.match(`[*?]`, p)
		a := trim_prefix(p, "kms:")
		data.kmsguard.catalog.actions[a].scope in {"account", "internal"}
	}
	count(named) > 0
	msg := sprintf("%s names %s, which KMS authorizes only through IAM policies: it has no effect in a key policy", [facts.label(i), facts.names(named)])
}
