# METADATA
# title: Rules on templates and plans
# description: |
#   For stock conftest, which passes a whole file as the input: when the
#   file is a CloudFormation template or a Terraform plan, every rule of
#   data.kmsguard.rules runs on each policy document extracted from it
#   (data.kmsguard.extract.documents), as `kmsguard check` does, and each
#   finding names the document (where, resource). The rules themselves see a
#   template or a plan as no policy, so no finding comes from the file's own
#   structure. `kmsguard check` does not use this package.
# related_resources:
#   - https://www.conftest.dev/
package kmsguard.rules_templates

import data.kmsguard.lint.extract

deny contains object.union(f, {"where": d.where, "resource": d.resource}) if {
	extract.container
	some d in extract.documents
	some category, name
	some f in data.kmsguard.rules[category][name].deny with input as d.input
}

warn contains object.union(f, {"where": d.where, "resource": d.resource}) if {
	extract.container
	some d in extract.documents
	some category, name
	some f in data.kmsguard.rules[category][name].warn with input as d.input
}
