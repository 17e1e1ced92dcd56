# METADATA
# title: Nobody can change the key policy after it is applied
# description: >-
#   KMS refuses a key policy that does not let the caller make a later
#   kms:PutKeyPolicy request, unless BypassPolicyLockoutSafetyCheck is set;
#   with the bypass (or through an unexpected Deny) the key becomes
#   unmanageable and only AWS Support can restore access. kmsguard asks its
#   decision engine whether kms:PutKeyPolicy is allowed for the key's account
#   principal (the root user), for every principal an Allow statement of
#   kms:PutKeyPolicy names in its Principal or in a positive aws:PrincipalArn
#   condition, for every principal a Deny exempts (NotPrincipal, negated
#   aws:PrincipalArn, patterns such as AWSReservedSSO_KeyAdmin_* written with
#   one principal they match) and, when a Deny exempts callers by a request
#   key such as a principal tag, for an IAM role of the key's account that
#   carries it; principals other than the root user are asked about with an
#   IAM policy that allows kms:PutKeyPolicy, which the account can always give
#   them. Each is asked with no request context, with the context that
#   satisfies the conditions of the statements that allow kms:PutKeyPolicy,
#   and with the context that escapes the negated conditions of the Deny
#   statements. A condition on a key that PutKeyPolicy requests never carry
#   (kms:GrantIsForAWSResource, kms:EncryptionContext:...) is never satisfied.
#   The policy is reported when none of them can. Invalid documents are left
#   to KMS001.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
# custom:
#   id: KMS018
#   name: policy-lockout
#   severity: high
#   category: management
#   remediation: >-
#     Keep the statement that allows the key's account principal
#     (arn:aws:iam::ACCOUNT:root) kms:* or at least kms:PutKeyPolicy, or name
#     an administrator role that keeps kms:PutKeyPolicy; make sure no Deny
#     takes it away from every principal.
package kmsguard.rules.management["policy-lockout"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, null, msg) if {
	facts.key_policy
	facts.valid_structure
	count(facts.statements) > 0
	not some_can_manage
	msg := sprintf("no principal can call kms:PutKeyPolicy once this policy is applied (asked for %s): the key could not be managed again", [concat(", ", sort(candidates))])
}

# candidates: the callers asked about.
candidates contains root_arn(account) if some account in home_accounts

candidates contains e.value if {
	some i in facts.allows
	f := facts.at[i]
	"putkeypolicy" in f.actions
	some e in f.aws
	asked_kind(e)
}

# Principals an Allow of kms:PutKeyPolicy names only in a positive
# aws:PrincipalArn condition ("*" or the account principal limited to the
# administrators), patterns written with one concrete principal they match.
candidates contains e.value if {
	some i in facts.allows
	f := facts.at[i]
	"putkeypolicy" in f.actions
	some c in f.conditions
	c.key == "aws:principalarn"
	facts.positive(c)
	some v in c.values
	e := facts.classify(example(v))
	asked_kind(e)
}

# Principals a Deny exempts (NotPrincipal, or a negated aws:PrincipalArn
# condition, also with a pattern such as AWSReservedSSO_KeyAdmin_*):
# typically the administrators, who manage the key through IAM.
candidates contains e.value if {
	some i in facts.denies
	some v in exempted(facts.at[i])
	e := facts.classify(example(v))
	asked_kind(e)
}

# A Deny that exempts callers by a request key (a principal tag): an IAM
# role of the key's account that carries it, which the account can always
# create.
candidates contains sprintf("arn:%s:iam::%s:role/kmsguard-key-administrator", [partition, account]) if {
	count(escape) > 0
	some account in home_accounts
}

asked_kind(e) if {
	e.kind in {"user", "role", "session", "federated", "root"}
	same_account(e.account)
}

exempted(f) := {v |
	some c in f.conditions
	c.key == "aws:principalarn"
	c.o.negated
	some v in c.values
} | {v |
	f.not_principal
	some v in facts.principal_values(facts.raw_statements[f.index], "NotPrincipal", "AWS")
}

# example(v): a principal ARN pattern written with one principal it
# matches (each * or ? becomes letters).
example(v) := replace(replace(v, "*", "kmsguard"), "?", "x")

home_accounts contains facts.account if facts.account_known

# With the key's account unknown: every account the policy names, or an
# example account for a policy that names none.
home_accounts contains a if {
	not facts.account_known
	some i
	some e in facts.at[i].aws
	a := e.account
}

home_accounts contains "111122223333" if {
	not facts.account_known
	count({e | some i; some e in facts.at[i].aws; e.account}) == 0
}

same_account(_) if not facts.account_known

same_account(a) if a == facts.account

root_arn(a) := sprintf("arn:%s:iam::%s:root", [partition, a])

default partition := "aws"

partition := facts.key.partition

# contexts: no context; for each Allow statement that covers
# kms:PutKeyPolicy a context that satisfies its positive conditions; the
# context that escapes the negated conditions of the Deny statements; and
# each Allow's context with the escape.
contexts contains {}

contexts contains ctx if some ctx in allow_contexts

contexts contains escape if count(escape) > 0

contexts contains object.union(ctx, escape) if {
	count(escape) > 0
	some ctx in allow_contexts
}

allow_contexts contains facts.satisfying_context(f, "putkeypolicy") if {
	some i in facts.allows
	f := facts.at[i]
	"putkeypolicy" in f.actions
}

# escape: the context in which no Deny applies because of its negated
# conditions (facts.askable leaves out the keys the engine derives from the
# caller and those PutKeyPolicy requests never carry: a condition on such a
# key never holds, so a statement that needs one gives nobody
# kms:PutKeyPolicy).
escape := facts.escape_context("putkeypolicy")

# The common case needs no question: an unconditioned Allow of
# kms:PutKeyPolicy to the key's account principal (or to "*") on "*", and
# no Deny that could take it away.
some_can_manage if trivially_manageable

some_can_manage if {
	not trivially_manageable
	some c in candidates
	some ctx in contexts
	fits(c, ctx)
	facts.engine_allows(c, "putkeypolicy", ctx, iam_allow(c))
}

# fits(p, ctx): the root user carries no principal tags.
fits(p, _) if not endswith(p, ":root")

fits(p, ctx) if {
	endswith(p, ":root")
	not some_tag(ctx)
}

some_tag(ctx) if {
	some k, _ in ctx
	startswith(lower(k), "aws:principaltag/")
}

# A principal other than the root user also gets an IAM policy allowing
# kms:PutKeyPolicy: the account can always give it one, and it counts only
# where the key policy delegates to the account.
iam_allow(p) := {} if {
	endswith(p, ":root")
} else := {"identity_policies": [{
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Action": "kms:PutKeyPolicy", "Resource": "*"}],
}]}

trivially_manageable if {
	some i in facts.allows
	f := facts.at[i]
	"putkeypolicy" in f.actions
	count(f.conditions) == 0
	"*" in f.resource
	delegated(f)
	not some_deny_of_put_key_policy
}

delegated(f) if f.any

delegated(f) if {
	some e in f.aws
	e.kind == "root"
	facts.home(e)
}

some_deny_of_put_key_policy if {
	some i in facts.denies
	"putkeypolicy" in facts.at[i].actions
}
