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

import data.kmsguard.lint

warn contains lint.finding(rego.metadata.chain(), i, msg) if {
	some i in lint.allows
	a := lint.facts[i]
	acts := a.actions & lint.key_actions
	count(acts) > 0
	shadows := {j | some j in lint.denies; shadowed(a, lint.facts[j], acts)}
	count(shadows) > 0
	j := min(shadows)
	msg := sprintf("%s never grants anything: %s denies all of its actions (%s) to the same principals", [lint.label(i), lint.label(j), lint.names(acts)])
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

principals_covered(_, _) if lint.identity_policy

principals_covered(_, d) if {
	lint.key_policy
	d.any
}

principals_covered(a, d) if {
	lint.key_policy
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
only_kms(_) if lint.key_policy

only_kms(a) if {
	lint.identity_policy
	not a.not_action
	every p in a.patterns {
		startswith(p, "kms:")
	}
}
