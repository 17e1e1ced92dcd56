# METADATA
# title: Key administration granted outside the configured administrators
# description: >-
#   When config.admins lists the principals approved to administer the key, an
#   Allow statement that gives anyone else a key administration or
#   modification permission (kms:PutKeyPolicy, kms:ScheduleKeyDeletion,
#   kms:DisableKey, unconditioned kms:CreateGrant, tagging, aliases...) breaks
#   that control. The delegation statement to the key's own account principal
#   is not reported, nor "*" limited by a positive aws:PrincipalArn condition
#   to configured administrators, nor grant management limited with
#   kms:GrantIsForAWSResource, nor grant operations of service principals, nor
#   actions principals of other accounts cannot call across accounts (KMS020
#   reports those).
# related_resources:
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
# custom:
#   id: KMS007
#   name: unapproved-admin
#   severity: high
#   category: access
#   remediation: >-
#     Remove the administration actions from the statement, or add the
#     principal to config.admins if it is approved. Consider an explicit Deny
#     of kms:PutKeyPolicy and kms:ScheduleKeyDeletion for every principal
#     outside the administrators (Principal "*" with ArnNotEquals
#     aws:PrincipalArn).
package kmsguard.rules.access["unapproved-admin"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	facts.admins_configured
	some i in facts.live_allows
	f := facts.at[i]
	acts := admin_actions(f)
	who := {p | some p in outsiders(f, acts)}
	count(who) > 0
	msg := sprintf("%s gives %s to %s, not in config.admins", [facts.label(i), facts.names(acts), facts.who(who)])
}

admin_actions(f) := (f.actions & facts.admin_write_actions) - facts.limited_grant_admin(f)

outsiders(f, acts) := ({e.value |
	some e in f.aws
	count(usable(e, acts)) > 0
	not facts.home(e)
	not e.key in facts.admins
} | {"*" |
	count(acts) > 0
	f.any
	not "*" in facts.admins
	not admins_only(f)
}) | {s |
	count(acts - facts.grant_admin_actions) > 0
	some s in f.services
}

# admins_only(f): a positive aws:PrincipalArn condition limits "*" to
# configured administrators (aws:PrincipalArn is the role ARN for the
# role's sessions).
admins_only(f) if {
	some c in f.conditions
	c.key == "aws:principalarn"
	facts.positive(c)
	count(c.values) > 0
	every v in c.values {
		facts.principal_key(v) in facts.admins
	}
}

# usable(e, acts): the actions of acts principal e can call: a principal of
# another account only the cross-account ones (KMS020 reports the others).
usable(e, acts) := acts & facts.cross_account_actions if {
	facts.external(e)
} else := acts
