package kmsguard.iam.pattern_test

import data.kmsguard.iam.pattern

# I-ACT / I-RES: * matches any run of characters, ? exactly one.
test_like if {
	pattern.like("kms:generatedatakey*", "kms:generatedatakeypairwithoutplaintext")
	pattern.like("kms:*", "kms:decrypt")
	pattern.like("kms:?ecrypt", "kms:decrypt")
	not pattern.like("kms:generatedatakey*", "kms:generatemac")
	not pattern.like("kms:create*", "kms:decrypt")
	pattern.like("kms:describekey", "kms:describekey")
}

# I-RES: in an ARN, wildcards work within segments and `*` can span `/` in
# the resource part.
test_resource_arn if {
	pattern.resource("arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	pattern.resource("*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	not pattern.resource("arn:aws:kms:*:444455556666:key/*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	not pattern.resource("arn:aws:kms:us-west-2:111122223333:alias/finance-key", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	pattern.resource("arn:aws:kms:us-west-2:111122223333:*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
}

# A resource pattern needs all six ARN components.
test_resource_not_arn if not pattern.resource("arn:aws:kms", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)

# I-VAR: policy variables in Resource resolve from the context.
test_resource_variables if {
	pattern.resource("arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/key}", "arn:aws:kms:us-west-2:111122223333:key/k1", {"aws:principaltag/key": ["k1"]}, true)
	not pattern.resource("arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/key}", "arn:aws:kms:us-west-2:111122223333:key/k1", {}, true)
}

test_expand if {
	pattern.expand("a-${aws:username}-b", {"aws:username": ["bob"]}) == "a-bob-b"
	pattern.expand("plain", {}) == "plain"
	pattern.expand("${x, 'dflt'}", {}) == "dflt"
	not pattern.expand("${aws:username}", {})
	not pattern.expand("${k}", {"k": ["a", "b"]})
}

test_arn_split if {
	pattern.arn_split("arn:aws:logs:us-west-2:111122223333:log-group:app:*") == ["arn", "aws", "logs", "us-west-2", "111122223333", "log-group:app:*"]
	not pattern.arn_split("arn:aws:logs")
}
