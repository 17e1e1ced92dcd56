package kmsguard.iam.pattern_test

import data.kmsguard.iam.pattern

# docs/aws-rules.md#i-act / docs/aws-rules.md#i-res: * matches any run of characters, ? exactly one.
test_like if {
	pattern.like("kms:generatedatakey*", "kms:generatedatakeypairwithoutplaintext")
	pattern.like("kms:*", "kms:decrypt")
	pattern.like("kms:?ecrypt", "kms:decrypt")
	not pattern.like("kms:generatedatakey*", "kms:generatemac")
	not pattern.like("kms:create*", "kms:decrypt")
	pattern.like("kms:describekey", "kms:describekey")
}

# docs/aws-rules.md#i-res: in an ARN, wildcards work within segments and `*` can span `/` in
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

# docs/aws-rules.md#i-var: policy variables in Resource resolve from the context.
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

# docs/aws-rules.md#i-var: in a Resource ARN, variables are resolved only in the resource part
# after the fifth colon; elsewhere ${...} is plain text and matches nothing.
test_resource_variables_only_after_fifth_colon if {
	not pattern.resource("arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/*", "arn:aws:kms:us-east-1:111122223333:key/k1", {"aws:principalaccount": ["111122223333"]}, true)
	not pattern.resource("arn:aws:kms:${aws:RequestedRegion}:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/k1", {"aws:requestedregion": ["us-east-1"]}, true)
}

# docs/aws-rules.md#i-var: only single-valued keys can be policy variables.
test_multivalued_key_is_no_variable if {
	not pattern.expand("${kms:EncryptionContextKeys}", {"kms:encryptioncontextkeys": ["k"]})
	pattern.expand("${kms:EncryptionContextKeys, 'none'}", {"kms:encryptioncontextkeys": ["k"]}) == "none"
}

# docs/aws-rules.md#i-res: a `*` that ends a segment expands past colon boundaries.
test_resource_trailing_wildcard_crosses_colons if {
	pattern.resource("arn:aws:kms:*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	pattern.resource("arn:aws:kms:us-west-2:*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	not pattern.resource("arn:aws:s3:*", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
	not pattern.resource("arn:aws:kms", "arn:aws:kms:us-west-2:111122223333:key/1234", {}, true)
}

test_resolvable if {
	pattern.resolvable("arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/k}", {"aws:principaltag/k": ["v"]}, true)
	not pattern.resolvable("arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/k}", {}, true)
	pattern.resolvable("arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/k}", {}, false)
}

# Which keys are multivalued comes from the catalog's condition-key types:
# ArrayOfString, the type the Service Authorization Reference gives
# multivalued keys (aws:PrincipalServiceNamesList "provides a list of all
# service principal names").
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
test_multivalued_keys_from_the_catalog if {
	not pattern.expand("${aws:PrincipalServiceNamesList}", {"aws:principalservicenameslist": ["logs.amazonaws.com"]})
	not pattern.expand("${aws:VpceOrgPaths}", {"aws:vpceorgpaths": ["o-1/r-1/"]})
	pattern.expand("${aws:PrincipalServiceName}", {"aws:principalservicename": ["logs.amazonaws.com"]}) == "logs.amazonaws.com"
}
