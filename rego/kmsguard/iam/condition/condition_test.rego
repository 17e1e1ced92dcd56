package kmsguard.iam.condition_test

import data.kmsguard.iam.condition

ctx := {
	"aws:sourceip": ["203.0.113.7"],
	"kms:viaservice": ["s3.us-west-2.amazonaws.com"],
	"kms:encryptioncontext:appname": ["ExampleApp"],
	"kms:encryptioncontextkeys": ["AppName", "Project"],
	"aws:tagkeys": [],
	"kms:schedulekeydeletionpendingwindowindays": ["30"],
	"aws:currenttime": ["2026-06-01T12:00:00Z"],
	"kms:grantisforawsresource": ["true"],
	"aws:sourcearn": ["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"],
	"aws:username": ["bob"],
	"aws:principaltag/team": ["blue"],
}

ok(op, key, v) if condition.test(op, key, v, ctx, true)

# docs/aws-rules.md#i-ops: StringEquals is exact and case-sensitive.
test_string_equals_case_sensitive if {
	ok("StringEquals", "kms:ViaService", "s3.us-west-2.amazonaws.com")
	not ok("StringEquals", "kms:ViaService", "S3.us-west-2.amazonaws.com")
}

# docs/aws-rules.md#i-cond: condition key names are case-insensitive.
test_key_names_case_insensitive if ok("StringEquals", "KMS:VIASERVICE", "s3.us-west-2.amazonaws.com")

# docs/aws-rules.md#i-ops: StringEqualsIgnoreCase ignores the value's case.
test_string_equals_ignore_case if ok("StringEqualsIgnoreCase", "kms:ViaService", "S3.US-WEST-2.amazonaws.com")

# docs/aws-rules.md#i-multi: several values of one key are ORed.
test_values_or if ok("StringEquals", "kms:ViaService", ["ec2.us-west-2.amazonaws.com", "s3.us-west-2.amazonaws.com"])

# docs/aws-rules.md#i-multi: a negated operator with several values is a NOR.
test_negated_values_nor if {
	not ok("StringNotEquals", "kms:ViaService", ["ec2.us-west-2.amazonaws.com", "s3.us-west-2.amazonaws.com"])
	ok("StringNotEquals", "kms:ViaService", ["ec2.us-west-2.amazonaws.com", "lambda.us-west-2.amazonaws.com"])
}

# docs/aws-rules.md#i-ops: a missing key makes a positive operator false and a negated one true.
test_missing_key if {
	not ok("StringEquals", "aws:SourceVpce", "vpce-1a2b3c")
	ok("StringNotEquals", "aws:SourceVpce", "vpce-1a2b3c")
	ok("NumericNotEquals", "kms:Missing", "1")
	ok("NotIpAddress", "aws:VpcSourceIp", "10.0.0.0/8")
	ok("ArnNotLike", "aws:Missing", "arn:aws:s3:::x")
}

# docs/aws-rules.md#i-ops: ...IfExists is true when the key is absent, normal when present.
test_if_exists if {
	ok("StringEqualsIfExists", "aws:SourceVpce", "vpce-1a2b3c")
	ok("StringNotEqualsIfExists", "aws:SourceVpce", "vpce-1a2b3c")
	not ok("StringEqualsIfExists", "kms:ViaService", "ec2.us-west-2.amazonaws.com")
}

# docs/aws-rules.md#i-ops: StringLike: * and ? anywhere, whole string, case-sensitive.
test_string_like if {
	ok("StringLike", "kms:ViaService", "s3.*.amazonaws.com")
	ok("StringLike", "kms:ViaService", "s?.us-west-2.amazonaws.com")
	not ok("StringLike", "kms:ViaService", "*.us-east-1.*")
	ok("StringLike", "kms:ViaService", "s3.*com")
	not ok("StringLike", "kms:ViaService", "S3.*")
	ok("StringNotLike", "kms:ViaService", "ec2.*")
}

# StringLike treats only * and ? as special: glob brackets are literal.
test_string_like_literal_brackets if {
	condition.test("StringLike", "k", "a[b]*", {"k": ["a[b]c"]}, true)
	not condition.test("StringLike", "k", "a[b]*", {"k": ["abc"]}, true)
}

# docs/aws-rules.md#i-ops: ArnLike matches per segment; StringLike across segments (docs/aws-rules.md#t49).
test_arn_like_per_segment if {
	ok("StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*")
	not ok("ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*")
	ok("ArnLike", "aws:SourceArn", "arn:aws:someservice:*:999999999999:store/*")
	ok("ArnEquals", "aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:*")
	ok("ArnNotEquals", "aws:SourceArn", "arn:aws:other:*:*:*")
}

# docs/aws-rules.md#i-ops: a value that is not an ARN never matches an ARN operator.
test_arn_like_not_an_arn if not condition.test("ArnLike", "k", "arn:aws:*:*:*:*", {"k": ["not-an-arn"]}, true)

# docs/aws-rules.md#i-ops: numeric comparisons, integers and decimals.
test_numeric if {
	ok("NumericEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "30")
	ok("NumericGreaterThanEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", 30)
	not ok("NumericLessThan", "kms:ScheduleKeyDeletionPendingWindowInDays", "30")
	ok("NumericLessThanEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "30.5")
	ok("NumericGreaterThan", "kms:ScheduleKeyDeletionPendingWindowInDays", "7")
	ok("NumericNotEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "7")
	not ok("NumericEquals", "kms:ViaService", "30")
}

# docs/aws-rules.md#i-ops: dates as ISO 8601 or epoch seconds.
test_dates if {
	ok("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z")
	ok("DateLessThan", "aws:CurrentTime", "1893456000")
	ok("DateEquals", "aws:CurrentTime", "2026-06-01T12:00:00Z")
	ok("DateNotEquals", "aws:CurrentTime", "2026-06-01")
	ok("DateGreaterThanEquals", "aws:CurrentTime", "2026-06-01")
	not ok("DateLessThanEquals", "aws:CurrentTime", "2026-05-31T23:59:59Z")
}

# docs/aws-rules.md#i-ops: Bool compares true/false, given as strings or JSON booleans.
test_bool if {
	ok("Bool", "kms:GrantIsForAWSResource", "true")
	ok("Bool", "kms:GrantIsForAWSResource", true)
	not ok("Bool", "kms:GrantIsForAWSResource", false)
	not ok("Bool", "aws:MultiFactorAuthPresent", "false")
}

# docs/aws-rules.md#i-ops: IpAddress with CIDRs; a bare address is a /32.
test_ip if {
	ok("IpAddress", "aws:SourceIp", "203.0.113.0/24")
	ok("IpAddress", "aws:SourceIp", "203.0.113.7")
	not ok("IpAddress", "aws:SourceIp", "198.51.100.0/24")
	ok("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")
	not ok("NotIpAddress", "aws:SourceIp", ["198.51.100.0/24", "203.0.113.0/24"])
	condition.test("IpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:sourceip": ["2001:db8::1"]}, true)
}

# docs/aws-rules.md#i-ops: BinaryEquals compares the base64 text.
test_binary if condition.test("BinaryEquals", "k", "QmluYXJ5VmFsdWU=", {"k": ["QmluYXJ5VmFsdWU="]}, true)

# docs/aws-rules.md#i-ops: Null true = key absent, false = key present.
test_null if {
	ok("Null", "kms:BypassPolicyLockoutSafetyCheck", "true")
	not ok("Null", "kms:BypassPolicyLockoutSafetyCheck", "false")
	ok("Null", "kms:EncryptionContextKeys", false)
	not ok("Null", "kms:EncryptionContextKeys", "true")
}

# docs/aws-rules.md#i-multi: ForAllValues is true when every request value matches, and when
# the key is absent or empty.
test_for_all_values if {
	ok("ForAllValues:StringEquals", "kms:EncryptionContextKeys", ["AppName", "Project", "Other"])
	not ok("ForAllValues:StringEquals", "kms:EncryptionContextKeys", ["AppName"])
	ok("ForAllValues:StringEquals", "aws:TagKeys", ["x"])
	ok("ForAllValues:StringEquals", "kms:Missing", ["x"])
}

# docs/aws-rules.md#i-multi: ForAnyValue is true when some request value matches; false when
# the key is absent or empty.
test_for_any_value if {
	ok("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ["Project"])
	not ok("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", ["Other"])
	not ok("ForAnyValue:StringEquals", "aws:TagKeys", ["x"])
	not ok("ForAnyValue:StringEquals", "kms:Missing", ["x"])
}

# docs/aws-rules.md#i-mvex: negated operators under set operators test each request value
# against all policy values.
test_set_negated if {
	condition.test("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:tagkeys": ["key2:audit"]}, true)
	not condition.test("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:tagkeys": ["key1:legal"]}, true)
	condition.test("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {}, true)
	ok("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ["AppName"])
	not ok("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ["AppName", "Project"])
}

# A plain operator on a multivalued key: some value matches (negated: none).
test_plain_operator_on_multivalued_key if {
	ok("StringEquals", "kms:EncryptionContextKeys", "Project")
	not ok("StringNotEquals", "kms:EncryptionContextKeys", "Project")
}

# docs/aws-rules.md#i-var: policy variables resolve from the request context.
test_policy_variables if {
	condition.test("StringEquals", "k", "${aws:username}", {"k": ["bob"], "aws:username": ["bob"]}, true)
	not condition.test("StringEquals", "k", "${aws:username}", {"k": ["alice"], "aws:username": ["bob"]}, true)
	not ok("StringEquals", "kms:EncryptionContext:AppName", "Example${aws:username}")
}

# docs/aws-rules.md#i-var: a variable that cannot be resolved matches nothing: positive
# operators fail, negated ones pass.
test_unresolved_variable if {
	not condition.test("StringEquals", "k", "${aws:username}", {"k": ["bob"]}, true)
	condition.test("StringNotEquals", "k", "${aws:username}", {"k": ["bob"]}, true)
}

# docs/aws-rules.md#i-var: defaults, and the ${*} ${?} ${$} escapes (literal in StringLike).
test_variable_default_and_escapes if {
	condition.test("StringEquals", "k", "${aws:PrincipalTag/dept, 'company-wide'}", {"k": ["company-wide"]}, true)
	condition.test("StringEquals", "k", "${aws:PrincipalTag/team, 'company-wide'}", {"k": ["blue"], "aws:principaltag/team": ["blue"]}, true)
	condition.test("StringLike", "k", "a${*}b", {"k": ["a*b"]}, true)
	not condition.test("StringLike", "k", "a${*}b", {"k": ["axxb"]}, true)
	condition.test("StringEquals", "k", "cost${$}", {"k": ["cost$"]}, true)
	condition.test("StringLike", "k", "q${?}", {"k": ["q?"]}, true)
}

# docs/aws-rules.md#i-var: before Version 2012-10-17 ${...} is literal text.
test_variables_need_version if {
	condition.test("StringEquals", "k", "${aws:username}", {"k": ["${aws:username}"], "aws:username": ["bob"]}, false)
	not condition.test("StringEquals", "k", "${aws:username}", {"k": ["bob"], "aws:username": ["bob"]}, false)
}

# docs/aws-rules.md#i-var: variables are not expanded in numeric operators.
test_no_variables_in_numeric if not condition.test("NumericEquals", "k", "${n}", {"k": ["5"], "n": ["5"]}, true)

# docs/aws-rules.md#i-cond: operators AND, keys AND.
test_block_and if {
	condition.block_ok({"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}, "Bool": {"kms:GrantIsForAWSResource": "true"}}, ctx, true)
	not condition.block_ok({"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com", "aws:username": "alice"}}, ctx, true)
	condition.block_ok({}, ctx, true)
}

test_failures_name_the_failed_test if {
	f := condition.failures({"StringEquals": {"kms:ViaService": "ec2.us-west-2.amazonaws.com", "aws:username": "bob"}}, ctx, true)
	f == [{"operator": "StringEquals", "key": "kms:ViaService", "values": "ec2.us-west-2.amazonaws.com"}]
}

test_operator_names if {
	condition.valid_op("ForAnyValue:StringNotEqualsIgnoreCaseIfExists")
	condition.valid_op("stringequals")
	not condition.valid_op("StringEqualz")
	not condition.valid_op("NullIfExists")
	not condition.valid_op("ForAllValues:Null")
}

# An unknown operator never passes (validation reports it as an error).
test_unknown_operator_fails if not ok("StringEqualz", "kms:ViaService", "s3.us-west-2.amazonaws.com")
