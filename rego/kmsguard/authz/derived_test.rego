package kmsguard.authz_test

import data.kmsguard.authz

# ---- keys filled in from the catalog's request_context table -------------------------------
# Each test cites the AWS sentence of its row in
# rego/kmsguard/catalog/data.json (request_context.rows).

answer_of(question) := a if {
	a := authz.decision with input as question
}

time_policy := kp([{
	"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*",
	"Condition": {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "NumericLessThan": {"aws:EpochTime": 1767225600}},
}])

# aws:CurrentTime / aws:EpochTime: "Use this key to compare the date and time
# of the request with the date and time that you specify in the policy."
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
test_time_keys_from_request_time if {
	base := q(alice, "kms:Decrypt", time_policy)
	before := answer_of(object.union(base, {"request_time": "2025-12-31T23:59:59Z"}))
	before.decision == "Allowed"
	before.request_time == "2025-12-31T23:59:59Z"
	d(object.union(base, {"request_time": "2026-01-01T00:00:00Z"})) == "ImplicitlyDenied"
	d(object.union(base, {"request_time": "2026-01-01T00:59:59+01:00"})) == "Allowed"
}

test_time_keys_default_to_now_and_are_echoed if {
	a := answer_of(q(alice, "kms:Decrypt", time_policy)) with time.now_ns as 1735689600000000000
	a.decision == "Allowed"
	a.request_time == "2025-01-01T00:00:00Z"
	b := answer_of(q(alice, "kms:Decrypt", time_policy)) with time.now_ns as 1798761600000000000
	b.decision == "ImplicitlyDenied"
	b.request_time == "2027-01-01T00:00:00Z"
}

test_no_request_time_when_no_policy_tests_time if {
	a := answer_of(q(alice, "kms:Decrypt", kp([allow_to(alice, "kms:Decrypt")])))
	a.decision == "Allowed"
	not a.request_time
}

test_given_time_keys_are_used_without_now if {
	a := answer_of(object.union(q(alice, "kms:Decrypt", time_policy), {"context": {"aws:CurrentTime": "2025-06-01T00:00:00Z", "aws:EpochTime": 1748736000}}))
	a.decision == "Allowed"
	not a.request_time
}

test_request_time_errors if {
	base := q(alice, "kms:Decrypt", time_policy)
	err(object.union(base, {"request_time": "2026-01-01"})) == "request_time: 2026-01-01 is not an RFC 3339 date and time (e.g. 2026-06-01T12:00:00Z)"
	err(object.union(base, {"request_time": 1767225600})) == "request_time: 1767225600 is not an RFC 3339 date and time (e.g. 2026-06-01T12:00:00Z)"
	err(object.union(base, {"request_time": "2026-01-01T00:00:00Z", "context": {"aws:EpochTime": 1767225601}})) == "context[\"aws:EpochTime\"]: \"1767225601\" contradicts request_time: 1767225600"
	d(object.union(base, {"request_time": "2025-01-01T00:00:00Z", "context": {"aws:CurrentTime": "2025-01-01T01:00:00+01:00"}})) == "Allowed"
}

# aws:SecureTransport: "All KMS API calls must be signed and be transmitted
# using Transport Layer Security (TLS)."
# https://docs.aws.amazon.com/kms/latest/APIReference/Welcome.html
tls_policy := kp([
	allow_to(alice, "kms:Decrypt"),
	{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
	{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Null": {"aws:SecureTransport": "true"}}},
])

test_secure_transport_is_always_true if {
	d(q(alice, "kms:Decrypt", tls_policy)) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", tls_policy), {"context": {"aws:SecureTransport": "TRUE"}})) == "Allowed"
	err(object.union(q(alice, "kms:Decrypt", tls_policy), {"context": {"aws:SecureTransport": false}})) == "context[\"aws:SecureTransport\"]: \"false\" contradicts every KMS request, which is sent over TLS: true"
}

# aws:ViaAWSService: true when a service uses forward access sessions on
# the principal's behalf, false for a direct call.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
direct_only := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}}])

test_via_aws_service_follows_via_service if {
	d(q(alice, "kms:Decrypt", direct_only)) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", direct_only), {"context": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", direct_only), {"context": {"aws:CalledVia": ["athena.amazonaws.com"]}})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", direct_only), {"context": {"aws:ViaAWSService": true}})) == "ImplicitlyDenied"
	err(object.union(q(alice, "kms:Decrypt", direct_only), {"context": {"kms:ViaService": "s3.us-west-2.amazonaws.com", "aws:ViaAWSService": false}})) == "context[\"aws:ViaAWSService\"]: \"false\" contradicts kms:ViaService / aws:CalledVia, which only a call through a service carries: true"
}

# aws:CalledViaFirst / aws:CalledViaLast: the first and last service of the
# chain aws:CalledVia lists.
test_called_via_first_and_last if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:CalledViaFirst": "athena.amazonaws.com", "aws:CalledViaLast": "dynamodb.amazonaws.com"}}}])
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:CalledVia": ["athena.amazonaws.com", "dynamodb.amazonaws.com"]}})) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:CalledVia": ["dynamodb.amazonaws.com"]}})) == "ImplicitlyDenied"
	err(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:CalledVia": ["athena.amazonaws.com"], "aws:CalledViaLast": "dynamodb.amazonaws.com"}})) == "context[\"aws:CalledViaLast\"]: \"dynamodb.amazonaws.com\" contradicts the last service of aws:CalledVia: athena.amazonaws.com"
}

# aws:PrincipalServiceNamesList: "This key provides a list of all service
# principal names that belong to the service."
test_principal_service_names_list if {
	p := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalServiceNamesList": "logs.us-west-2.amazonaws.com"}}}])
	d(q("logs.us-west-2.amazonaws.com", "kms:Decrypt", p)) == "Allowed"
	d(q("s3.amazonaws.com", "kms:Decrypt", p)) == "ImplicitlyDenied"
	d(object.union(q("logs.us-west-2.amazonaws.com", "kms:Decrypt", p), {"context": {"aws:PrincipalServiceNamesList": ["logs.amazonaws.com", "logs.us-west-2.amazonaws.com"]}})) == "Allowed"
	err(object.union(q("s3.amazonaws.com", "kms:Decrypt", p), {"context": {"aws:PrincipalServiceNamesList": ["logs.us-west-2.amazonaws.com"]}})) == "context[\"aws:PrincipalServiceNamesList\"]: \"logs.us-west-2.amazonaws.com\" contradicts the calling service principal: s3.amazonaws.com"
}

# kms:MultiRegion: "multi-Region keys have a distinctive key ID that begins
# with mrk-." https://docs.aws.amazon.com/kms/latest/developerguide/mrk-how-it-works.html
mrk_key := "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"

single_region_only := kp([
	allow_to(alice, "kms:Decrypt"),
	{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"kms:MultiRegion": "true"}}},
])

test_multi_region_from_key_id if {
	d(q(alice, "kms:Decrypt", single_region_only)) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", single_region_only), {"resource": mrk_key})) == "ExplicitlyDenied"
	err(object.union(q(alice, "kms:Decrypt", single_region_only), {"resource": mrk_key, "context": {"kms:MultiRegion": false}})) == "context[\"kms:MultiRegion\"]: \"false\" contradicts the key id and metadata: true"

	# The key's metadata, when given, is what DescribeKey says: it wins.
	d(object.union(q(alice, "kms:Decrypt", single_region_only), {"key": {"multi_region": true}})) == "ExplicitlyDenied"
}

# kms:EncryptionAlgorithm: data keys are encrypted under a symmetric
# encryption KMS key (API_GenerateDataKey); Encrypt's and Decrypt's
# EncryptionAlgorithm defaults to SYMMETRIC_DEFAULT for symmetric keys
# (API_Encrypt, API_Decrypt), and "This type of condition works even when
# the parameter doesn't appear in the request" (conditions-kms.html).
symmetric_only := kp([
	allow_to(alice, ["kms:Decrypt", "kms:GenerateDataKey", "kms:Sign"]),
	{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}},
	{"Effect": "Deny", "Principal": "*", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*", "Condition": {"Null": {"kms:EncryptionAlgorithm": "true"}}},
])

test_encryption_algorithm_defaults if {
	d(q(alice, "kms:GenerateDataKey", symmetric_only)) == "Allowed"
	d(q(alice, "kms:Decrypt", symmetric_only)) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", symmetric_only), {"key": {"key_spec": "RSA_2048"}})) == "ExplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", symmetric_only), {"context": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}})) == "ExplicitlyDenied"

	# Sign carries no kms:EncryptionAlgorithm: the IfExists Deny applies.
	d(q(alice, "kms:Sign", symmetric_only)) == "ExplicitlyDenied"
}

# ---- context that contradicts the principal or the key ------------------------------------
# The request context of a request holds the caller's and the key's
# properties (aws:PrincipalArn, aws:PrincipalAccount, ...: IAM global
# condition keys page); a question that gives other values describes a
# request AWS cannot receive: an error naming both values.
test_context_contradicting_the_caller if {
	base := q(alice, "kms:Decrypt", default_policy)
	err(object.union(base, {"context": {"aws:PrincipalAccount": "444455556666"}})) == "context[\"aws:PrincipalAccount\"]: \"444455556666\" contradicts the caller's account: 111122223333"
	err(object.union(base, {"context": {"kms:CallerAccount": "444455556666"}})) == "context[\"kms:CallerAccount\"]: \"444455556666\" contradicts the caller's account: 111122223333"
	err(object.union(base, {"context": {"aws:PrincipalArn": carol}})) == "context[\"aws:PrincipalArn\"]: \"arn:aws:iam::444455556666:user/carol\" contradicts the caller's principal ARN: arn:aws:iam::111122223333:user/alice"
	err(object.union(base, {"context": {"aws:username": "bob"}})) == "context[\"aws:username\"]: \"bob\" contradicts the caller's user name: alice"
	err(object.union(base, {"context": {"aws:PrincipalType": "AssumedRole"}})) == "context[\"aws:PrincipalType\"]: \"AssumedRole\" contradicts the caller's principal type: User"
	err(object.union(base, {"context": {"aws:PrincipalIsAWSService": true}})) == "context[\"aws:PrincipalIsAWSService\"]: \"true\" contradicts whether the caller is an AWS service principal: false"
	err(object.union(base, {"context": {"aws:ResourceAccount": "444455556666"}})) == "context[\"aws:ResourceAccount\"]: \"444455556666\" contradicts the key's account: 111122223333"
	err(object.union(q("111122223333", "kms:Decrypt", default_policy), {"context": {"aws:userid": "AIDAEXAMPLE"}})) == "context[\"aws:userid\"]: \"AIDAEXAMPLE\" contradicts the caller's user id: 111122223333"
	err(object.union(q("logs.us-west-2.amazonaws.com", "kms:Decrypt", default_policy), {"context": {"aws:PrincipalServiceName": "s3.amazonaws.com"}})) == "context[\"aws:PrincipalServiceName\"]: \"s3.amazonaws.com\" contradicts the calling service principal: logs.us-west-2.amazonaws.com"
	agreeing := {"context": {"aws:PrincipalAccount": "111122223333", "aws:PrincipalIsAWSService": "FALSE"}}
	d(object.union(q(alice, "kms:Decrypt", kp([allow_to(alice, "kms:Decrypt")])), agreeing)) == "Allowed"
}

test_context_contradicting_the_key_metadata if {
	base := object.union(q(alice, "kms:Decrypt", default_policy), {"key": {"key_spec": "SYMMETRIC_DEFAULT", "tags": {"Project": "Alpha"}}})
	err(object.union(base, {"context": {"kms:KeySpec": "RSA_2048"}})) == "context[\"kms:KeySpec\"]: \"RSA_2048\" contradicts the key's metadata (key): SYMMETRIC_DEFAULT"
	err(object.union(base, {"context": {"aws:ResourceTag/Project": "Beta"}})) == "context[\"aws:ResourceTag/Project\"]: \"Beta\" contradicts the key's metadata (key): Alpha"
}

# A session's role path is unknown without role_arn: aws:PrincipalArn with a
# path agrees; another role does not.
test_session_principal_arn_with_path if {
	base := q(session, "kms:Decrypt", default_policy)
	d(object.union(base, {"context": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/team/R"}})) == "ImplicitlyDenied"
	err(object.union(base, {"context": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/team/Other"}})) == "context[\"aws:PrincipalArn\"]: \"arn:aws:iam::111122223333:role/team/Other\" contradicts the caller's principal ARN: arn:aws:iam::111122223333:role/R"
	with_role := object.union(base, {"role_arn": "arn:aws:iam::111122223333:role/R"})
	err(object.union(with_role, {"context": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/team/R"}})) == "context[\"aws:PrincipalArn\"]: \"arn:aws:iam::111122223333:role/team/R\" contradicts the caller's principal ARN: arn:aws:iam::111122223333:role/R"
}
