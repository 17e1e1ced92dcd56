package kmsguard.authz

# caller_key_names is the set of keys _caller_keys derives from the caller
# (apart from the organization keys, which come from loaded data): every
# kind of caller together derives exactly these names, so the public list
# and the derivation cannot drift apart.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
test_caller_key_names_are_the_derived_keys if {
	callers := [
		"arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:root",
		"arn:aws:iam::111122223333:role/app",
		"arn:aws:sts::111122223333:assumed-role/app/session",
		"arn:aws:sts::111122223333:federated-user/bob",
		"s3.amazonaws.com",
	]
	derived := {k |
		some p in callers
		some k, _ in _derived_caller_keys with input as {"principal": p}
	}
	derived - {"aws:principalorgid", "aws:principalorgpaths"} == caller_key_names
}
