# METADATA
# title: Finding builder
# description: |
#   Builds the findings every rule reports (docs/lint-format.md, "Findings"):
#   the rule's METADATA (id, name, title, severity, category, description,
#   remediation, related resources), the statement and its Sid, and the
#   message. A rule package defines
#   metadata := finding.metadata(rego.metadata.chain()) once and reports
#   finding.new(metadata, i, msg).
package kmsguard.lint.finding

import data.kmsguard.lint.facts

# new(meta, i, msg): a finding of the rule whose metadata(...) is meta,
# about statement i (or null for the whole document). Everything but msg,
# statement and sid comes from the rule package's METADATA.
new(meta, i, msg) := object.union_n([meta, _location(i), {"msg": msg}])

# metadata(chain): the finding fields the METADATA of the rule package whose
# rego.metadata.chain() is chain gives (id, name, title, severity, ...).
metadata(chain) := _metadata_fields(_rule_annotations(chain))

_rule_annotations(chain) := [a |
	some entry in chain
	a := entry.annotations
	a.custom.id
][0]

_metadata_fields(a) := {
	"id": a.custom.id,
	"name": a.custom.name,
	"title": a.title,
	"severity": a.custom.severity,
	"category": a.custom.category,
	"description": trim_space(a.description),
	"remediation": trim_space(a.custom.remediation),
	"related_resources": [r.ref | some r in a.related_resources],
}

_location(null) := {}

_location(i) := object.union({"statement": i}, _sid_field(i)) if is_number(i)

_sid_field(i) := {"sid": facts.sids[i]} if {
	facts.sids[i]
} else := {}
