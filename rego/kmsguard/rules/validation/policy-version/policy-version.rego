# METADATA
# title: Policy has no Version or the old 2008-10-17 version
# description: >-
#   Without "Version": "2012-10-17" a policy is read with the 2008-10-17
#   policy language: policy variables such as ${aws:username} are literal
#   text, so conditions and resources that use them do not work as written.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
# custom:
#   id: KMS002
#   name: policy-version
#   severity: low
#   category: validation
#   remediation: >-
#     Add "Version": "2012-10-17" as the first element of the document.
package kmsguard.rules.validation["policy-version"]

import data.kmsguard.lint.facts
import data.kmsguard.lint.finding

# metadata: the finding fields of this rule's METADATA; the entry point
# reads its id to leave a disabled rule out before it runs.
metadata := finding.metadata(rego.metadata.chain())

warn contains finding.new(metadata, null, msg) if {
	facts.is_document
	not "Version" in object.keys(facts.document)
	msg := sprintf("the policy has no Version, so the 2008-10-17 policy language applies%s; add \"Version\": \"2012-10-17\"", [variables_note])
}

warn contains finding.new(metadata, null, msg) if {
	facts.document.Version == "2008-10-17"
	msg := sprintf("the policy uses the old policy language version 2008-10-17%s; use \"2012-10-17\"", [variables_note])
}

variables_note := ": its ${...} policy variables are literal text" if {
	contains(json.marshal(facts.document.Statement), "${")
} else := ""
