# METADATA
# title: One principal both administers and uses the key
# description: >-
#   Separation of duties: the identities that administer a key (change its
#   policy, enable or disable it, schedule its deletion, tag it...) should not
#   be able to use it for cryptographic operations, and the reverse. The check
#   joins every Allow statement that names the same identity, by Principal or
#   as "*" limited by a positive aws:PrincipalArn condition, a role and its
#   sessions being one identity; it expands action wildcards (kms:*,
#   kms:Create*, which includes an unconditioned kms:CreateGrant that lets the
#   holder grant itself any operation). Where a Deny statement may take an
#   action away, the decision engine is asked whether the identity can call
#   it, with the context the allowing statements need and the one that escapes
#   the Deny statements' negated conditions. Administration means the actions
#   of classes key_admin and permission_escalation that change the key (not
#   the Read/List ones); grant management limited with
#   kms:GrantIsForAWSResource is not administration. Account principals
#   (delegation to IAM), "*", service principals and service-linked roles are
#   not identities here. In an identity policy, the identity it is attached to
#   is checked, for statements whose Resource can name keys ("*", key ARNs and
#   patterns).
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

import data.kmsguard.iam.principal
import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, at, msg) if {
	facts.key_policy
	some g, stmts in identities
	candidate_use := union({facts.use_side(facts.at[i]) | some i in stmts})
	candidate_admin := union({facts.admin_side(facts.at[i]) | some i in stmts})
	count(candidate_use) > 0
	count(candidate_admin) > 0
	use := kept(g, stmts, candidate_use)
	count(use) > 0
	admin := kept(g, stmts, candidate_admin)
	count(admin) > 0
	at := conflict_at(stmts)
	names := sort(written[g])
	msg := sprintf("%s gives %s%s key administration (%s) and use of the key (%s)%s", [facts.label(at), names[0], also(names), facts.names(admin), use_text(use), through(stmts)])
}

deny contains finding.new(metadata, at, msg) if {
	facts.identity_policy
	stmts := {i | some i in facts.allows; facts.covers_keys(facts.at[i])}
	use := union({facts.use_side(facts.at[i]) | some i in stmts})
	admin := union({facts.admin_side(facts.at[i]) | some i in stmts})
	count(use) > 0
	count(admin) > 0
	at := conflict_at(stmts)
	msg := sprintf("%s: the policy gives the identity it is attached to key administration (%s) and use of keys (%s)%s", [facts.label(at), facts.names(admin), use_text(use), through(stmts)])
}

# conflict_at: the statement at which, reading in order, the principal has
# both kinds of permissions.
conflict_at(stmts) := max([first({i | some i in stmts; count(facts.use_side(facts.at[i])) > 0}), first({i | some i in stmts; count(facts.admin_side(facts.at[i])) > 0})])

first(s) := min(s)

use_text(use) := "through grants it can create for itself with kms:CreateGrant" if {
	use == {"creategrant"}
} else := facts.names(use)

through(stmts) := sprintf(" (statements %s)", [concat(", ", [format_int(i, 10) | some i in sort(stmts)])]) if {
	count(stmts) > 1
} else := ""

# identities[g]: the live Allow statements that name identity g: by
# Principal, or as "*" limited by a positive aws:PrincipalArn condition. A
# role and its sessions are one identity (aws:PrincipalArn is the role ARN
# for a role session), grouped by account and role name.
identities[group(e)] contains i if {
	some i in facts.live_allows
	some e in facts.at[i].aws
	identity(e)
}

identities[group(e)] contains i if {
	some i in facts.live_allows
	some e in condition_identities(facts.at[i])
}

# written[g]: the principals as the policy writes them for identity g.
written[group(e)] contains e.value if {
	some i in facts.live_allows
	some e in facts.at[i].aws
	identity(e)
}

written[group(e)] contains e.value if {
	some i in facts.live_allows
	some e in condition_identities(facts.at[i])
}

identity(e) if {
	e.kind in {"user", "role", "session", "federated"}
	not e.service_linked
}

condition_identities(f) := {e |
	f.any
	some c in f.conditions
	c.key == "aws:principalarn"
	facts.positive(c)
	some v in c.values
	facts.concrete(v)
	e := facts.classify(v)
	e.kind in {"user", "role"}
	not e.service_linked
}

group(e) := sprintf("role %s %s", [e.account, role_name(e.value)]) if {
	e.kind in {"role", "session"}
} else := e.key

role_name(v) := principal.parse(v, null).name

also(names) := sprintf(" (also named %s)", [concat(", ", array.slice(names, 1, count(names)))]) if {
	count(names) > 1
} else := ""

# kept(g, stmts, acts): the actions of acts identity g can call. For each
# action a Deny statement may take away, the decision engine is asked, with
# the context that satisfies the conditions of the statements allowing it
# and the one that escapes the Deny statements' negated conditions: a
# conditioned Deny that always applies to the identity (aws:PrincipalArn)
# takes the action away, one it can escape does not.
kept(g, stmts, acts) := acts if {
	count(acts & denied_actions) == 0
} else := (acts - denied_actions) | {a |
	some a in (acts & denied_actions)
	asked_allows(g, stmts, a)
}

denied_actions contains a if {
	some i in facts.denies
	some a in facts.at[i].actions
}

asked_allows(g, stmts, a) if {
	p := asker(g)
	some i in stmts
	a in facts.at[i].actions
	base := facts.satisfying_context(facts.at[i], a)
	some ctx in {base, object.union(base, facts.escape_context(a))}
	facts.engine_allows(p, a, ctx, iam_allow(p))
}

# asker(g): the principal asked about: a session when the policy names one
# (it gets both its role's and its own statements), otherwise the role or
# user.
asker(g) := min({v | some v in written[g]; facts.classify(v).kind == "session"}) if {
	some v in written[g]
	facts.classify(v).kind == "session"
} else := min(written[g])

# A principal of another account needs its own account's IAM permission too,
# which that account can always give.
iam_allow(p) := {"identity_policies": [{
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}],
}]} if {
	facts.external(facts.classify(p))
} else := {}
