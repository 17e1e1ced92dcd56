# METADATA
# title: Rule test helper
# description: |
#   What the tests of every rule (rego/kmsguard/rules/<category>/<name>/)
#   share: the finding a rule is expected to report, built from the rule's
#   own metadata (its METADATA as finding fields, the rule package's
#   metadata) and the place and message the test states. A test module, so
#   that the bundle kmsguard runs leaves it out.
package kmsguard.ruletest

# finding(meta, i, sid, msg): the expected finding about statement i with
# Sid sid (null: the statement has none).
finding(meta, i, sid, msg) := object.union(meta, {"statement": i, "sid": sid, "msg": msg}) if sid != null

finding(meta, i, null, msg) := object.union(meta, {"statement": i, "msg": msg})

# document_finding(meta, msg): the expected finding about the whole document.
document_finding(meta, msg) := object.union(meta, {"msg": msg})

test_finding if {
	meta := {"id": "KMS000", "severity": "low"}
	finding(meta, 2, "Sid", "m") == {"id": "KMS000", "severity": "low", "statement": 2, "sid": "Sid", "msg": "m"}
	finding(meta, 2, null, "m") == {"id": "KMS000", "severity": "low", "statement": 2, "msg": "m"}
	document_finding(meta, "m") == {"id": "KMS000", "severity": "low", "msg": "m"}
}
