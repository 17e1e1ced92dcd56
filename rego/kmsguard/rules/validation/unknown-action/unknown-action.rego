# METADATA
# title: Unknown KMS action
# description: >-
#   A kms: action name (or wildcard pattern) that matches no KMS action, such
#   as kms:Decrypts or kms:GenerateDatakeys*: in an Allow it grants nothing,
#   in a Deny it denies nothing. Action names are case-insensitive.
# related_resources:
#   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
# custom:
#   id: KMS022
#   name: unknown-action
#   severity: medium
#   category: validation
#   remediation: >-
#     Correct the action name; the list of KMS actions is in the Service
#     Authorization Reference.
package kmsguard.rules.validation["unknown-action"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	some i, s in facts.raw_statements
	is_object(s)
	unknown := {a |
		some k in ["Action", "NotAction"]
		some a in facts.as_list(object.get(s, k, []))
		is_string(a)
		regex.match(`^(?i)kms:[a-z0-9*?]+$`, a)
		not facts.matches_an_action(lower(a))
	}
	count(unknown) > 0
	msg := sprintf("%s names %s, which %s no KMS action", [facts.label(i), concat(", ", sort(unknown)), verb(unknown)])
}

verb(unknown) := "matches" if {
	count(unknown) == 1
} else := "match"
