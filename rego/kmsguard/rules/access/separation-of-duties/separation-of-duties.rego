# METADATA
# title: One principal both administers and uses the key
# description: >-
#   Separation of duties: the identities that administer a key (change its
#   policy, enable or disable it, schedule its deletion, tag it...) should not
#   be able to use it for cryptographic operations, and the reverse. The check
#   joins every Allow statement that names the same principal, expands action
#   wildcards (kms:*, kms:Create*, which includes an unconditioned
#   kms:CreateGrant that lets the holder grant itself any operation), and
#   leaves out actions an unconditioned Deny takes away. Administration means
#   the actions of classes key_admin and permission_escalation that change the
#   key (not the Read/List ones); grant management limited with
#   kms:GrantIsForAWSResource is not administration. Account principals
#   (delegation to IAM), "*", service principals and service-linked roles are
#   not identities here. In an identity policy, the identity it is attached to
#   is checked.
# related_resources:
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
# custom:
#   id: KMS006
#   name: separation-of-duties
#   severity: medium
#   category: access
#   remediation: >-
#     Give administrators and users separate roles. In administrator
#     statements replace kms:Create* by kms:CreateAlias (or limit
#     kms:CreateGrant with "Bool": {"kms:GrantIsForAWSResource": "true"});
#     keep cryptographic actions in the key-users statement only.
package kmsguard.rules.access["separation-of-duties"]

import data.kmsguard.lint

deny contains lint.finding(rego.metadata.chain(), at, msg) if {
	lint.key_policy
	some p, stmts in lint.named_identities
	use := {a | some i in stmts; some a in lint.use_side(lint.facts[i])} - denied(p)
	admin := {a | some i in stmts; some a in lint.admin_side(lint.facts[i])} - denied(p)
	count(use) > 0
	count(admin) > 0
	at := conflict_at(stmts)
	msg := sprintf("%s gives %s key administration (%s) and use of the key (%s)%s", [lint.label(at), p, lint.names(admin), use_text(use), through(stmts)])
}

deny contains lint.finding(rego.metadata.chain(), at, msg) if {
	lint.identity_policy
	stmts := {i | some i in lint.allows; lint.covers_keys(lint.facts[i])}
	use := {a | some i in stmts; some a in lint.use_side(lint.facts[i])}
	admin := {a | some i in stmts; some a in lint.admin_side(lint.facts[i])}
	count(use) > 0
	count(admin) > 0
	at := conflict_at(stmts)
	msg := sprintf("%s: the policy gives the identity it is attached to key administration (%s) and use of keys (%s)%s", [lint.label(at), lint.names(admin), use_text(use), through(stmts)])
}

# conflict_at: the statement at which, reading in order, the principal has
# both kinds of permissions.
conflict_at(stmts) := max([first({i | some i in stmts; count(lint.use_side(lint.facts[i])) > 0}), first({i | some i in stmts; count(lint.admin_side(lint.facts[i])) > 0})])

first(s) := min(s)

use_text(use) := "through grants it can create for itself with kms:CreateGrant" if {
	use == {"creategrant"}
} else := lint.names(use)

through(stmts) := sprintf(" (statements %s)", [concat(", ", [format_int(i, 10) | some i in sort(stmts)])]) if {
	count(stmts) > 1
} else := ""

# denied(p): actions an unconditioned Deny takes away from principal p.
denied(p) := {a |
	some i in lint.denies
	f := lint.facts[i]
	count(f.conditions) == 0
	names_principal(f, p)
	some a in f.actions
}

names_principal(f, _) if f.any

names_principal(f, p) if {
	some e in f.aws
	e.key == p
}
