# METADATA
# title: Principal that AWS rejects or that matches nobody
# description: >-
#   Principal values must be "*", a 12-digit account id, or the ARN of an
#   account (root), IAM user, IAM role, assumed-role session or federated
#   user; service principals have the form SERVICE.amazonaws.com or
#   SERVICE.REGION.amazonaws.com. AWS rejects partial wildcards
#   (arn:aws:iam::111122223333:role/*), IAM groups and other strings; an IAM
#   unique id (AIDA..., AROA...) means the principal was deleted and the
#   statement matches nobody; Federated and CanonicalUser principals have no
#   meaning in a key policy.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying.html
# custom:
#   id: KMS025
#   name: invalid-principal
#   severity: medium
#   category: validation
#   remediation: >-
#     Write the full ARN of each user or role (use "Principal": "*" with an
#     ArnLike aws:PrincipalArn condition for patterns, and name the members
#     instead of a group); remove principals that no longer exist.
package kmsguard.rules.validation["invalid-principal"]

import data.kmsguard.iam.principal
import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	some k in ["Principal", "NotPrincipal"]
	is_object(s[k])
	some v in facts.as_list(object.get(s[k], "AWS", []))
	is_string(v)
	why := aws_problem(v)
	msg := sprintf("%s: %s %q %s", [facts.label(i), k, v, why])
}

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	some k in ["Principal", "NotPrincipal"]
	is_object(s[k])
	some v in facts.as_list(object.get(s[k], "Service", []))
	is_string(v)
	not regex.match(principal.service_pattern, v)
	msg := sprintf("%s: %s service %q is not a service principal (SERVICE.amazonaws.com or SERVICE.REGION.amazonaws.com, without wildcards)", [facts.label(i), k, v])
}

deny contains finding.new(metadata, i, msg) if {
	facts.key_policy
	some i, s in facts.raw_statements
	is_object(s)
	some k in ["Principal", "NotPrincipal"]
	is_object(s[k])
	some t in ["Federated", "CanonicalUser"]
	t in object.keys(s[k])
	msg := sprintf("%s: %s %s has no meaning in a key policy (only AWS and Service principals call KMS)", [facts.label(i), k, t])
}

aws_problem(v) := "is an IAM group: groups cannot be principals" if {
	facts.classify(v).kind == "group"
} else := "has a partial wildcard: AWS accepts \"*\" only as the whole principal" if {
	facts.classify(v).kind == "invalid"
	regex.match(`[*?]`, v)
} else := "is an IAM unique id: the principal it named was deleted, so the statement matches nobody" if {
	facts.classify(v).kind == "invalid"
	regex.match(`^A[A-Z0-9]{15,}$`, v)
} else := "is not an account id or the ARN of an account, user, role, assumed-role session or federated user" if {
	facts.classify(v).kind == "invalid"
}
