# METADATA
# title: kms:ReplicateKey allowed into any Region
# description: >-
#   kms:ReplicateKey without a kms:ReplicaRegion condition lets the principal
#   copy a multi-Region key into every Region, each replica with its own key
#   policy. AWS recommends allowing replication only into the Regions that
#   need it. The delegation statement to the key's own account is not
#   reported, nor principals of other accounts (kms:ReplicateKey is not a
#   cross-account operation; KMS020 reports them).
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html
#   - https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/kms.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
# custom:
#   id: KMS021
#   name: replicate-key-region
#   severity: low
#   category: multi-region
#   remediation: >-
#     Add "StringEquals": {"kms:ReplicaRegion": ["us-east-1", "eu-west-3"]}
#     (the Regions that need a replica) to the statement that allows
#     kms:ReplicateKey.
package kmsguard.rules["multi-region"]["replicate-key-region"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, i, msg) if {
	some i in facts.live_allows
	f := facts.at[i]
	"replicatekey" in f.actions
	subject(f)
	not region_limited(f)
	msg := sprintf("%s allows kms:ReplicateKey%s without a kms:ReplicaRegion condition", [facts.label(i), to_whom(f)])
}

subject(_) if facts.identity_policy

subject(f) if {
	facts.key_policy
	count(replicators(f)) > 0
}

# replicators(f): the principals of f, other than the key's account
# principal, that can replicate the key: kms:ReplicateKey is not a
# cross-account operation, so principals of other accounts never can (KMS020
# reports them).
replicators(f) := {p |
	some p in facts.non_home_principals(f)
	not other_account(p)
}

other_account(p) if facts.external(facts.classify(p))

to_whom(f) := sprintf(" to %s", [facts.who(replicators(f))]) if {
	facts.key_policy
} else := ""

region_limited(f) if {
	some c in f.conditions
	c.key == "kms:replicaregion"
	facts.positive(c)
	count(c.values) > 0
	every v in c.values {
		v != "*"
	}
}
