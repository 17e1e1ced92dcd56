# METADATA
# title: Grant permissions for key users not limited to AWS services
# description: >-
#   kms:CreateGrant, kms:ListGrants and kms:RevokeGrant for principals that do
#   not administer the key should carry "Bool": {"kms:GrantIsForAWSResource":
#   "true"} (or a kms:ViaService condition), as the console's "Allow
#   attachment of persistent resources" statement does. Without it the
#   principal can call CreateGrant directly and give any principal any grant
#   operation, including kms:Decrypt, or revoke the grants AWS services rely
#   on. Administrators are the principals of config.admins, or (without it)
#   principals the policy also gives other administration actions (separation
#   of duties covers them). Service principals and the account delegation
#   statement are not reported.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html
# custom:
#   id: KMS013
#   name: grant-not-for-aws-resource
#   severity: medium
#   category: grants
#   remediation: >-
#     Add "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}} to the
#     statement, or limit CreateGrant with kms:GrantOperations,
#     kms:GranteePrincipal and kms:ViaService when the principal must create
#     grants itself.
package kmsguard.rules.grants["grant-not-for-aws-resource"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i in facts.live_allows
	f := facts.at[i]
	acts := f.actions & facts.grant_admin_actions
	count(acts) > 0
	not facts.grant_for_aws_resource(f)
	not facts.via_service_limited(f)
	who := {p | some p in users(f)}
	count(who) > 0
	msg := sprintf("%s lets %s call %s directly, not only through AWS services%s", [facts.label(i), facts.who(who), facts.names(acts), escalation(acts)])
}

users(f) := {e.value |
	some e in f.aws
	not facts.home(e)
	not e.service_linked
	not administrator(e.key)
} | {"*" |
	f.any
	not administrator("*")
}

administrator(p) if {
	facts.admins_configured
	p in facts.admins
}

administrator(p) if {
	not facts.admins_configured
	p in policy_admins
}

escalation(acts) := ": with CreateGrant it can give any principal any grant operation, including kms:Decrypt" if {
	"creategrant" in acts
} else := ""

# policy_admins: principals the policy gives administration beyond grants.
policy_admins contains e.key if {
	some i in facts.live_allows
	f := facts.at[i]
	count(facts.admin_side(f) - facts.grant_admin_actions) > 0
	some e in f.aws
}

policy_admins contains "*" if {
	some i in facts.live_allows
	f := facts.at[i]
	count(facts.admin_side(f) - facts.grant_admin_actions) > 0
	f.any
}
