# METADATA
# title: Lint facts
# description: |
#   The facts every rule of the pack shares, computed once per document: the
#   input read (a bare policy or the wrapper of docs/lint-format.md), the
#   kind of policy, the key's account and the configuration; the catalogue's
#   actions grouped as the rules need them; for every statement its actions,
#   principals and parsed conditions (at[i]); condition keys, their types and
#   the actions that carry them (from data.kmsguard.catalog); conditions
#   that never hold; and the questions rules ask the decision engine. Rules
#   import this package; it knows nothing of any rule.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
package kmsguard.lint.facts

import data.kmsguard.iam.policy
import data.kmsguard.lint.extract

# ---- input ------------------------------------------------------------------------

_raw_document := input.policy if extract.wrapped

_raw_document := input if {
	not extract.wrapped
	not extract.container
}

# document: the policy document (parsed when given as a JSON string).
document := policy.document(_raw_document)

is_document if is_object(document)

default raw_statements := []

raw_statements := policy.raw_statements(document) if is_document

# statements: the normalised statements (kmsguard.iam.policy), each with its
# index into Statement.
statements := policy.statements(_raw_document)

default config := {}

config := input.config if {
	extract.wrapped
	is_object(input.config)
}

# kind: "key_policy" or "identity_policy"; forced by the wrapper, otherwise a
# document whose statements name a Principal or NotPrincipal is a key policy.
kind := input.kind if {
	extract.wrapped
	input.kind in {"key_policy", "identity_policy"}
} else := "key_policy" if {
	some s in raw_statements
	is_object(s)
	some k in ["Principal", "NotPrincipal"]
	k in object.keys(s)
} else := "identity_policy"

key_policy if kind == "key_policy"

identity_policy if kind == "identity_policy"

# key: the key named by key_arn, when given.
key := {"arn": input.key_arn, "partition": p[1], "region": p[3], "account": p[4]} if {
	extract.wrapped
	is_string(input.key_arn)
	p := split(input.key_arn, ":")
	count(p) == 6
	p[0] == "arn"
	p[2] == "kms"
	regex.match(`^[0-9]{12}$`, p[4])
}

key_region := key.region

# account: the key's account: config.account, the account of key_arn, or
# (for a bare document) the one account whose account principal alone gets
# every key action.
account := config.account if {
	is_string(config.account)
	regex.match(`^[0-9]{12}$`, config.account)
} else := key.account if {
	key.account
} else := inferred_account if {
	key_policy
	count(_inferred_accounts) == 1
	not _unresolved_full_access
	some inferred_account in _inferred_accounts
}

# _unresolved_full_access: an account principal only known at deployment
# gets every key action; it may be the key's account or not, so none is
# inferred.
_unresolved_full_access if {
	some i
	f := at[i]
	f.effect == "Allow"
	f.full_access
	some e in f.aws
	unresolved_account_principal(e)
}

account_known if account

_inferred_accounts contains e.account if {
	some i
	f := at[i]
	f.effect == "Allow"
	f.full_access
	not f.any
	count(f.services) == 0
	count(f.aws) == 1
	some e in f.aws
	e.kind == "root"
}

# admins: config.admins as a set (account ids as root ARNs).
default admins := set()

admins := {principal_key(a) | some a in config.admins; is_string(a)} if is_array(config.admins)

admins_configured if count(admins) > 0

# services: config.services as a set of lower-case names.
default services := set()

services := {lower(s) | some s in config.services; is_string(s)} if is_array(config.services)

services_configured if count(services) > 0

# sids[i]: the Sid of statement i, when it has one.
sids[i] := s.Sid if {
	some i, s in raw_statements
	is_object(s)
	is_string(s.Sid)
}

# label(i): how messages name statement i: Statement[2] "Sid".
label(i) := sprintf("Statement[%d] %q", [i, sids[i]]) if {
	sids[i]
} else := sprintf("Statement[%d]", [i])
