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

import data.kmsguard.lint

deny contains lint.finding(rego.metadata.chain(), i, msg) if {
	lint.key_policy
	lint.admins_configured
	some i in lint.live_allows
	f := lint.facts[i]
	acts := admin_actions(f)
	who := {p | some p in outsiders(f, acts)}
	count(who) > 0
	msg := sprintf("%s gives %s to %s, not in config.admins", [lint.label(i), lint.names(acts), lint.who(who)])
}

admin_actions(f) := (f.actions & lint.admin_write_actions) - lint.limited_grant_admin(f)

outsiders(f, acts) := ({e.value |
	some e in f.aws
	count(usable(e, acts)) > 0
	not lint.home(e)
	not e.key in lint.admins
} | {"*" |
	count(acts) > 0
	f.any
	not "*" in lint.admins
	not admins_only(f)
}) | {s |
	count(acts - lint.grant_admin_actions) > 0
	some s in f.services
}

# admins_only(f): a positive aws:PrincipalArn condition limits "*" to
# configured administrators (aws:PrincipalArn is the role ARN for the
# role's sessions).
admins_only(f) if {
	some c in f.conditions
	c.key == "aws:principalarn"
	lint.positive(c)
	count(c.values) > 0
	every v in c.values {
		lint.principal_key(v) in lint.admins
	}
}

# usable(e, acts): the actions of acts principal e can call: a principal of
# another account only the cross-account ones (KMS020 reports the others).
usable(e, acts) := acts & lint.cross_account_actions if {
	lint.external(e)
} else := acts
