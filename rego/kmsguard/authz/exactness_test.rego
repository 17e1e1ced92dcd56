package kmsguard.authz_test

import data.kmsguard.authz

# ---- context values must fit their key's type ----------------------------------------------
# IAM: "aws:SourceIp" is of type IP address, numeric keys compare numbers,
# Date keys W3C ISO 8601 dates or epoch seconds, Bool keys true or false.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# A value of the wrong type matched no policy value, so a Deny behind a
# negated operator (or one comparing the value) was skipped: it is an error.

deny_bad_network := kp([
	allow_to(alice, "kms:Decrypt"),
	{
		"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
		"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
	},
])

test_context_ip_must_be_an_address if {
	base := q(alice, "kms:Decrypt", deny_bad_network)
	d(object.union(base, {"context": {"aws:SourceIp": "203.0.113.7"}})) == "ExplicitlyDenied"
	d(object.union(base, {"context": {"aws:SourceIp": "198.51.100.7"}})) == "Allowed"
	err(object.union(base, {"context": {"aws:SourceIp": "203.0.113.7 "}})) == "context[\"aws:SourceIp\"]: 203.0.113.7  is not an IPv4 or IPv6 address (IP key)"
	err(object.union(base, {"context": {"aws:SourceIp": "203.0.113.0/24"}})) == "context[\"aws:SourceIp\"]: 203.0.113.0/24 is not an IPv4 or IPv6 address (IP key)"
}

deny_short_window := kp([
	allow_to(alice, "kms:ScheduleKeyDeletion"),
	{
		"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
		"Condition": {"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": 30}},
	},
])

test_context_numeric_must_be_a_count if {
	base := q(alice, "kms:ScheduleKeyDeletion", deny_short_window)
	d(object.union(base, {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": 7}})) == "ExplicitlyDenied"
	d(object.union(base, {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": "7"}})) == "ExplicitlyDenied"
	err(object.union(base, {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": "7days"}})) == "context[\"kms:ScheduleKeyDeletionPendingWindowInDays\"]: 7days is not a whole number of 0 or more (Numeric key)"
	err(object.union(base, {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": -7}})) == "context[\"kms:ScheduleKeyDeletionPendingWindowInDays\"]: -7 is not a whole number of 0 or more (Numeric key)"
	err(object.union(base, {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": true}})) == "context[\"kms:ScheduleKeyDeletionPendingWindowInDays\"]: true is not a whole number of 0 or more (Numeric key)"
}

test_context_bool_must_be_true_or_false if {
	p := kp([
		allow_to(alice, "kms:Decrypt"),
		{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
	])
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:MultiFactorAuthPresent": false}})) == "ExplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:MultiFactorAuthPresent": "FALSE"}})) == "ExplicitlyDenied"
	err(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:MultiFactorAuthPresent": "no"}})) == "context[\"aws:MultiFactorAuthPresent\"]: no is not true or false (Bool key)"
}

test_context_date_and_arn if {
	p := kp([allow_to(alice, "kms:Decrypt")])
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:TokenIssueTime": "2026-01-02T03:04:05Z", "aws:SourceArn": "arn:aws:s3:::bucket"}})) == "Allowed"
	err(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:TokenIssueTime": "yesterday"}})) == "context[\"aws:TokenIssueTime\"]: yesterday is not a W3C ISO 8601 date or epoch seconds (Date key)"
	err(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:SourceArn": "bucket"}})) == "context[\"aws:SourceArn\"]: bucket is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
}

# ---- keys the requested action never carries --------------------------------------------------
# KMS permissions reference / Service Authorization Reference: each KMS
# condition key is in the request context only for the operations listed for
# it; kms:GrantIsForAWSResource only for CreateGrant, ListGrants and
# RevokeGrant, kms:EncryptionContext:* only for operations with an
# encryption context.
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html

test_context_key_action_never_carries if {
	p := kp([allow_to(alice, "kms:*")])
	err(object.union(q(alice, "kms:PutKeyPolicy", p), {"context": {"kms:GrantIsForAWSResource": true}})) == "context[\"kms:GrantIsForAWSResource\"]: a kms:PutKeyPolicy request never carries this key"
	err(object.union(q(alice, "kms:PutKeyPolicy", p), {"context": {"kms:EncryptionContext:dept": "IT"}})) == "context[\"kms:EncryptionContext:dept\"]: a kms:PutKeyPolicy request never carries this key"
	err(object.union(q(alice, "kms:Decrypt", p), {"context": {"kms:NoSuchKey": "x"}})) == "context[\"kms:NoSuchKey\"]: a kms:Decrypt request never carries this key"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"kms:EncryptionContext:dept": "IT", "kms:ViaService": "s3.us-west-2.amazonaws.com"}})) == "Allowed"
	d(object.union(q(alice, "kms:CreateGrant", p), {"context": {"kms:GrantIsForAWSResource": true}})) == "Allowed"

	# Global keys are not limited per action.
	d(object.union(q(alice, "kms:PutKeyPolicy", p), {"context": {"aws:SourceVpce": "vpce-1"}})) == "Allowed"
}
