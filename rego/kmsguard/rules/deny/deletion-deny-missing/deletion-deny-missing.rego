# METADATA
# title: No explicit Deny protects key deletion and policy changes
# description: >-
#   AWS's encryption best practices ask that administrative and modification
#   permissions be explicitly denied to unapproved principals. A key policy
#   with no Deny statement covering kms:ScheduleKeyDeletion or
#   kms:PutKeyPolicy relies on every IAM policy of the account to keep them
#   from everyone else. This is advice, not an error.
# related_resources:
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
# custom:
#   id: KMS017
#   name: deletion-deny-missing
#   severity: info
#   category: deny
#   remediation: >-
#     Add a Deny statement for kms:ScheduleKeyDeletion and kms:PutKeyPolicy
#     with Principal "*" and "ArnNotEquals": {"aws:PrincipalArn": [the
#     approved administrator roles]}, or enforce the same with an SCP.
package kmsguard.rules.deny["deletion-deny-missing"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, null, msg) if {
	facts.key_policy
	count(facts.statements) > 0
	missing := {"schedulekeydeletion", "putkeypolicy"} - union({facts.at[i].actions | some i in facts.denies})
	count(missing) > 0
	msg := sprintf("no Deny statement protects %s from principals other than the key administrators", [facts.names(missing)])
}
