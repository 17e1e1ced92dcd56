# METADATA
# title: Lint
# description: |
#   The entry point of the rule pack (docs/lint-format.md): runs every rule
#   package under data.kmsguard.rules that the configuration leaves on, on
#   the input document, and returns their findings with the configured
#   severities. The rules build on two library packages: the shared facts
#   (data.kmsguard.lint.facts) and the finding builder
#   (data.kmsguard.lint.finding). Adding a rule means adding a directory:
#   nothing here lists the rules.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
package kmsguard.lint

import data.kmsguard.lint.facts

# METADATA
# title: Findings
# description: |
#   Every finding of every rule the configuration leaves on, for the input
#   document, sorted by statement index (document-level findings first),
#   then rule id, then message.
# entrypoint: true
findings := [f | some entry in sort(_keyed_findings); f := entry[3]]

_keyed_findings contains [_sort_key(f), f.id, f.msg, f] if {
	some raw in _rule_findings
	f := _configured(raw)
}

# _rule_findings: the deny and warn of every rule, or, when config.rules
# disables some, of every other rule: a disabled rule is left out before
# its deny and warn are evaluated (the entry point reads only its metadata,
# the rule's id, first). Without disabled rules no metadata is read.
_rule_findings contains f if {
	count(_disabled) == 0
	some category, name
	some f in data.kmsguard.rules[category][name].deny
}

_rule_findings contains f if {
	count(_disabled) == 0
	some category, name
	some f in data.kmsguard.rules[category][name].warn
}

_rule_findings contains f if {
	count(_disabled) > 0
	some category, name
	id := data.kmsguard.rules[category][name].metadata.id
	not id in _disabled
	some f in data.kmsguard.rules[category][name].deny
}

_rule_findings contains f if {
	count(_disabled) > 0
	some category, name
	id := data.kmsguard.rules[category][name].metadata.id
	not id in _disabled
	some f in data.kmsguard.rules[category][name].warn
}

# _disabled: the ids config.rules disables.
_disabled := {id | some id, r in facts.config.rules; r.disabled == true}

# _configured(f): the finding with the severity config.rules gives its rule.
_configured(f) := object.union(f, {"severity": s}) if {
	s := facts.config.rules[f.id].severity
	s in {"critical", "high", "medium", "low", "info"}
} else := f

_sort_key(f) := f.statement if is_number(object.get(f, "statement", null))

_sort_key(f) := -1 if not is_number(object.get(f, "statement", null))
