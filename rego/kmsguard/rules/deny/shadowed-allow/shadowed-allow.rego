# METADATA
# title: Allow statement fully overridden by a Deny
# description: >-
#   An explicit Deny always wins. When a Deny statement with no conditions (or
#   the same conditions) covers every action an Allow statement grants, for
#   all of the Allow's principals and resources, the Allow never grants
#   anything: dead policy text that hides what the policy really allows.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
# custom:
#   id: KMS014
#   name: shadowed-allow
#   severity: low
#   category: deny
#   remediation: >-
#     Remove the Allow statement, or narrow the Deny (conditions, principals,
#     actions) to what it is meant to block.
package kmsguard.rules.deny["shadowed-allow"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	some i in facts.allows
	a := facts.at[i]
	acts := a.actions & facts.key_actions
	count(acts) > 0
	shadows := {j | some j in facts.denies; shadowed(a, facts.at[j], acts)}
	count(shadows) > 0
	j := min(shadows)
	msg := sprintf("%s never grants anything: %s denies all of its actions (%s) to the same principals", [facts.label(i), facts.label(j), facts.names(acts)])
}

shadowed(a, d, acts) if {
	not d.not_principal
	count(d.conditions) == 0
	covers(a, d, acts)
}

shadowed(a, d, acts) if {
	not d.not_principal
	count(d.conditions) > 0
	d.condition == a.condition
	covers(a, d, acts)
}

covers(a, d, acts) if {
	count(acts - d.actions) == 0
	principals_covered(a, d)
	resources_covered(a, d)
	only_kms(a)
}

principals_covered(_, _) if facts.identity_policy

principals_covered(_, d) if {
	facts.key_policy
	d.any
}

principals_covered(a, d) if {
	facts.key_policy
	not d.any
	not a.any
	not a.not_principal
	count(a.aws) + count(a.services) > 0
	count({e.key | some e in a.aws} - {e.key | some e in d.aws}) == 0
	count(a.services - d.services) == 0
}

resources_covered(_, d) if "*" in d.resource

resources_covered(a, d) if {
	a.resource != null
	count({r | some r in a.resource} - {r | some r in d.resource}) == 0
}

# In an identity policy an Allow that also names other services' actions is
# not fully shadowed by a Deny of its KMS actions.
only_kms(_) if facts.key_policy

only_kms(a) if {
	facts.identity_policy
	not a.not_action
	every p in a.patterns {
		startswith(p, "kms:")
	}
}
