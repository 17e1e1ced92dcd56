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

import data.kmsguard.lint

warn contains lint.finding(rego.metadata.chain(), null, msg) if {
	lint.is_document
	not "Version" in object.keys(lint.document)
	msg := sprintf("the policy has no Version, so the 2008-10-17 policy language applies%s; add \"Version\": \"2012-10-17\"", [variables_note])
}

warn contains lint.finding(rego.metadata.chain(), null, msg) if {
	lint.document.Version == "2008-10-17"
	msg := sprintf("the policy uses the old policy language version 2008-10-17%s; use \"2012-10-17\"", [variables_note])
}

variables_note := ": its ${...} policy variables are literal text" if {
	contains(json.marshal(lint.document.Statement), "${")
} else := ""
