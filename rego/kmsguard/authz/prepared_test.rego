package kmsguard.authz_test

import data.kmsguard.authz

# Prepared entries (prepared.rego) only save work: every answer is the same
# with and without them. The snapshot below mixes stored key policies,
# identity policies, a boundary, SCPs and RCPs, one of them invalid.

bad_policy := {"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "kms:Decrypt", "Resource": "*"}]}

deny_decrypt := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}

other_key := "arn:aws:kms:us-west-2:111122223333:key/other"

bob := "arn:aws:iam::111122223333:user/bob"

prep_snap := {
	"version": 1,
	"keys": {
		key: {"key_policy": default_policy},
		other_key: {"key_policy": kp([allow_to(alice, "kms:*")])},
	},
	"principals": {
		"arn:aws:iam::111122223333:role/team/R": {"identity_policies": [iam("kms:Decrypt")], "permissions_boundary": iam("kms:Encrypt")},
		alice: {"identity_policies": [iam("kms:Encrypt"), iam("kms:Decrypt")]},
		bob: {"identity_policies": [bad_policy]},
	},
	"roles": {"111122223333:R": "arn:aws:iam::111122223333:role/team/R"},
	"accounts": {"111122223333": {"scps": [[allow_all], [allow_all]], "rcps": [[deny_decrypt]]}},
}

prep_questions := [
	{"principal": alice, "action": "kms:Encrypt", "resource": key},
	{"principal": alice, "action": "kms:Decrypt", "resource": key},
	{"principal": alice, "action": "kms:Encrypt", "resource": other_key},
	{"principal": session, "action": "kms:Decrypt", "resource": key},
	{"principal": session, "action": "kms:Encrypt", "resource": key},
	{"principal": bob, "action": "kms:Encrypt", "resource": key},
	{"principal": alice, "action": "kms:Encrypt", "resource": key, "identity_policies": [bad_policy]},
	{"principal": alice, "action": "kms:Encrypt", "resource": key, "key_policy": kp([allow_to(bob, "kms:*")])},
	{"principal": alice, "action": "kms:Encrypt", "resource": key, "scps": [[allow_all, bad_policy]]},
]

answer_with(question, prepared) := answer if {
	answer := authz.decision with input as question
		with data.kmsguard.snapshot as prep_snap
		with data.kmsguard.prepared as prepared
}

test_prepare_changes_no_answer if {
	prepared := authz.prepare with data.kmsguard.snapshot as prep_snap
	every question in prep_questions {
		answer_with(question, prepared) == answer_with(question, {})
	}
}

# The questions above reach every kind of answer, including an error from
# a stored document, so the comparison covers each path.
test_prepare_questions_cover_answers if {
	prepared := authz.prepare with data.kmsguard.snapshot as prep_snap
	kinds := {object.get(answer_with(question, prepared), "decision", "error") | some question in prep_questions}
	kinds == {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "error"}
	answer_with(prep_questions[5], prepared).error == "identity_policies[0].Statement[0].Effect: Permit is not \"Allow\" or \"Deny\""
}

# An entry is used for the document it was made from: a (forged) entry for
# the stored key policy decides; the same entry made from another document
# is ignored, so stale entries cannot change an answer.
test_prepared_entry_used_only_for_its_document if {
	question := {"principal": "arn:aws:iam::111122223333:user/dave", "action": "kms:Encrypt", "resource": other_key}
	answer_with(question, {}).decision == "ImplicitlyDenied"
	lax := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}])
	forged := {"keys": {other_key: {"key_policy": {
		"document": prep_snap.keys[other_key].key_policy,
		"statements": data.kmsguard.iam.policy.statements(lax),
		"errors": [],
	}}}}
	answer_with(question, forged).decision == "Allowed"
	stale := json.patch(forged, [{"op": "replace", "path": ["keys", other_key, "key_policy", "document"], "value": lax}])
	answer_with(question, stale).decision == "ImplicitlyDenied"
}

# Entries for a question's own documents (prepare_question, kept by the
# runner at prepared.question) change no answer either, for every policy
# field, valid or not.
inline_questions := [
	object.union(q(alice, "kms:Decrypt", default_policy), {
		"identity_policies": [iam("kms:Decrypt"), iam("kms:Encrypt")],
		"permissions_boundary": iam("kms:*"),
		"session_policy": iam("kms:Decrypt"),
		"scps": [[allow_all], [allow_all, deny_decrypt_identity]],
		"rcps": [[deny_decrypt]],
		"vpc_endpoint_policy": kp([allow_to("*", "kms:*")]),
	}),
	object.union(q(alice, "kms:Encrypt", default_policy), {"identity_policies": [iam("kms:Encrypt")], "scps": [[allow_all]]}),
	object.union(q(alice, "kms:Encrypt", default_policy), {"identity_policies": [bad_policy], "session_policy": bad_policy}),
	object.union(q(alice, "kms:Encrypt", bad_policy), {"vpc_endpoint_policy": bad_policy, "rcps": [[bad_policy]]}),
	object.union(q(session, "kms:Encrypt", kp([allow_to(role, "kms:*")])), {"permissions_boundary": iam("kms:Decrypt")}),
]

deny_decrypt_identity := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}

inline_answer(question, prepared) := answer if {
	answer := authz.decision with input as question with data.kmsguard.prepared as prepared
}

test_prepare_question_changes_no_answer if {
	every question in inline_questions {
		entries := authz.prepare_question with input as question
		inline_answer(question, {"question": entries}) == inline_answer(question, {})
	}
	kinds := {object.get(inline_answer(question, {}), "decision", "error") | some question in inline_questions}
	kinds == {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "error"}
}

# Question entries are used: forged statements for the key policy decide.
test_question_entries_used if {
	question := q(alice, "kms:Decrypt", kp([allow_to(bob, "kms:*")]))
	inline_answer(question, {}).decision == "ImplicitlyDenied"
	lax := kp([allow_to(alice, "kms:*")])
	forged := {"question": {"key_policy": {"document": question.key_policy, "statements": data.kmsguard.iam.policy.statements(lax), "errors": []}}}
	inline_answer(question, forged).decision == "Allowed"
}
