package kmsguard.authz_test

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

# ---- guardrail scope ------------------------------------------------------------------------
# Organizations, RCPs: "RCPs don't affect resources in the management
# account. They only affect resources in the member accounts within your
# organization." Service-linked roles are listed among the tasks and
# entities RCPs do not restrict (same page; its exact wording is not quoted
# here, docs/aws-rules.md#o-rcp records it).
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
# KMS: "Resource control policies in your organization do not apply to AWS
# managed keys." and "The kms:RetireGrant permission is not effective in an
# RCP". RCPs do apply to AWS service principals: the same page's example
# RCP "requires AWS service principals to access your customer managed KMS
# keys only when the request originates from your organization", which an
# RCP could not do if it did not apply to them (the issue's reading that
# RCPs skip service principals is not what AWS documents).
# https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
# Organizations, SCPs: "SCPs don't affect users or roles in the management
# account. They affect only the member accounts in your organization." and
# "SCPs do not affect any service-linked role."; SCPs limit IAM users and
# roles of member accounts, never AWS service principals.
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html

deny_all_rcp := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}

deny_all_scp := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}

slr_a := "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

test_rcps_skip_management_account_keys if {
	base := object.union(q(alice, "kms:Decrypt", kp([allow_to(alice, "kms:Decrypt")])), {"rcps": [[deny_all_rcp]]})
	d(base) == "ExplicitlyDenied"
	d(object.union(base, {"management_account": "111122223333"})) == "Allowed"
	d(object.union(base, {"management_account": "999999999999"})) == "ExplicitlyDenied"
}

test_rcps_skip_service_linked_roles if {
	base := object.union(q(slr_a, "kms:Decrypt", kp([allow_to(slr_a, "kms:Decrypt")])), {"rcps": [[deny_all_rcp]]})
	d(base) == "Allowed"

	# The same role called as a session with its full role ARN.
	sess := "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"
	d(object.union(base, {"principal": sess, "role_arn": slr_a})) == "Allowed"
}

test_rcps_apply_to_service_principals if {
	ct := kp([{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}])
	d(object.union(q("cloudtrail.amazonaws.com", "kms:GenerateDataKey", ct), {"rcps": [[deny_all_rcp]]})) == "ExplicitlyDenied"
}

test_scps_skip_management_account_principals if {
	base := object.union(q(alice, "kms:Decrypt", kp([allow_to(alice, "kms:Decrypt")])), {"scps": [[deny_all_scp]]})
	d(base) == "ExplicitlyDenied"
	d(object.union(base, {"management_account": "111122223333"})) == "Allowed"
	sess_base := object.union(base, {"principal": session, "key_policy": kp([allow_to(session, "kms:Decrypt")])})
	d(sess_base) == "ExplicitlyDenied"
	d(object.union(sess_base, {"management_account": "111122223333"})) == "Allowed"
}

test_management_account_must_be_an_account if {
	err(object.union(q(alice, "kms:Decrypt", default_policy), {"management_account": "o-abc"})) == "management_account: must be a 12-digit account id"
}

# ---- federated-user sessions ---------------------------------------------------------------
# IAM, "Session policies": with GetFederationToken, "If you do not pass a
# policy, the resulting federated user session has no permissions. The only
# exception is when the credentials are used to access a resource that has a
# resource-based policy that specifically references the federated user
# session in the Principal element of the policy."
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session

fed := "arn:aws:sts::111122223333:federated-user/bob"

session_allow_decrypt := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}

test_federated_without_session_policy if {
	# Delegation to IAM through the account principal: nothing without a session policy.
	base := object.union(q(fed, "kms:Decrypt", default_policy), {"identity_policies": [iam("kms:Decrypt")]})
	d(base) == "ImplicitlyDenied"
	d(object.union(base, {"session_policy": session_allow_decrypt})) == "Allowed"

	# Principal "*" does not name the session.
	star := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}])
	d(q(fed, "kms:Decrypt", star)) == "ImplicitlyDenied"
	d(object.union(q(fed, "kms:Decrypt", star), {"session_policy": session_allow_decrypt})) == "Allowed"

	# A key policy or grant naming the session itself applies.
	d(q(fed, "kms:Decrypt", kp([allow_to(fed, "kms:Decrypt")]))) == "Allowed"
	d(object.union(q(fed, "kms:Decrypt", kp([])), {"grants": [{"grantee_principal": fed, "operations": ["Decrypt"]}]})) == "Allowed"
	d(object.union(q(fed, "kms:Decrypt", kp([])), {"grants": [{"grantee_principal": "arn:aws:iam::111122223333:root", "operations": ["Decrypt"]}], "identity_policies": [iam("kms:Decrypt")]})) == "ImplicitlyDenied"
}

# ---- one principal, one answer ------------------------------------------------------------
# IAM policy evaluation logic: a resource-based policy (or grant) naming a
# role ARN is limited by the role session's permissions boundary and session
# policy; kmsguard reads a caller given as the role ARN as a session of it.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html

deny_nothing_boundary := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}

test_role_grant_same_answer_as_session if {
	g := {"grantee_principal": role, "operations": ["Decrypt"]}
	for_role := object.union(q(role, "kms:Decrypt", kp([])), {"grants": [g], "permissions_boundary": deny_nothing_boundary})
	for_session := object.union(for_role, {"principal": session})
	d(for_role) == "ImplicitlyDenied"
	d(for_session) == "ImplicitlyDenied"
	d(object.union(for_role, {"permissions_boundary": allow_all})) == "Allowed"
	d(object.union(for_session, {"permissions_boundary": allow_all})) == "Allowed"
}

# ---- RetireGrant by a retiring account -------------------------------------------------------
# KMS, "Retiring and revoking grants": when the retiring principal is an
# account, the account can delegate kms:RetireGrant to its IAM principals.
# https://docs.aws.amazon.com/kms/latest/developerguide/grant-manage.html

test_retiring_account_delegates if {
	g := {"grantee_principal": role, "operations": ["Decrypt"], "retiring_principal": "arn:aws:iam::444455556666:root"}
	retire_pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:RetireGrant", "Resource": "*"}]}
	d(object.union(q(carol, "kms:RetireGrant", default_policy), {"grants": [g]})) == "ImplicitlyDenied"
	d(object.union(q(carol, "kms:RetireGrant", default_policy), {"grants": [g], "identity_policies": [retire_pol]})) == "Allowed"
}

# ---- grant chains --------------------------------------------------------------------------
# KMS API CreateGrant, Constraints: "If a grant with a grant constraint
# includes the CreateGrant operation, the constraint requires that any grants
# created with the CreateGrant permission have an equally strict or stricter
# encryption context constraint."
# https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
# KMS, "Creating grants" (Granting CreateGrant permission): a grantee can
# pass on only operations of its own grant.
# https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html

parent_subset := {"grantee_principal": alice, "operations": ["CreateGrant", "Decrypt"], "constraints": {"encryption_context_subset": {"dept": "IT"}}}

child(constraints) := {"grantee_principal": role, "operations": ["Decrypt"], "constraints": constraints}

chain(parent, c) := object.union(q(alice, "kms:CreateGrant", kp([])), {"grants": [parent], "grant": c})

test_grant_chain_constraints if {
	d(chain(parent_subset, child({"encryption_context_subset": {"dept": "IT"}}))) == "Allowed"
	d(chain(parent_subset, child({"encryption_context_subset": {"dept": "IT", "app": "x"}}))) == "Allowed"
	d(chain(parent_subset, child({"encryption_context_equals": {"dept": "IT"}}))) == "Allowed"
	d(chain(parent_subset, child({"encryption_context_subset": {"app": "x"}}))) == "ImplicitlyDenied"
	d(chain(parent_subset, {"grantee_principal": role, "operations": ["Decrypt"]})) == "ImplicitlyDenied"

	parent_equals := object.union(parent_subset, {"constraints": {"encryption_context_equals": {"dept": "IT"}}})
	d(chain(parent_equals, child({"encryption_context_equals": {"dept": "IT"}}))) == "Allowed"
	d(chain(parent_equals, child({"encryption_context_subset": {"dept": "IT"}}))) == "ImplicitlyDenied"

	# Operations must come from the parent grant.
	d(chain(parent_subset, object.union(child({"encryption_context_subset": {"dept": "IT"}}), {"operations": ["Encrypt"]}))) == "ImplicitlyDenied"

	# Without the child described, a constrained parent allows no CreateGrant.
	d(object.union(q(alice, "kms:CreateGrant", kp([])), {"grants": [parent_subset], "context": {"kms:GrantOperations": ["Decrypt"]}})) == "ImplicitlyDenied"

	# A key-policy allow for CreateGrant is not limited that way.
	d(object.union(q(alice, "kms:CreateGrant", kp([allow_to(alice, "kms:CreateGrant")])), {"grant": child({})})) == "Allowed"
}

# The CreateGrant context comes from the described grant; a contradicting
# context value is an error naming both.
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
test_grant_context_from_described_grant if {
	p := kp([{
		"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:CreateGrant", "Resource": "*",
		"Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "Decrypt"]}, "StringEquals": {"kms:GranteePrincipal": role}},
	}])
	d(object.union(q(alice, "kms:CreateGrant", p), {"grant": child({})})) == "Allowed"
	d(object.union(q(alice, "kms:CreateGrant", p), {"grant": object.union(child({}), {"operations": ["Sign"]})})) == "ImplicitlyDenied"
	err(object.union(q(alice, "kms:CreateGrant", p), {"grant": child({}), "context": {"kms:GranteePrincipal": alice}})) == sprintf("context[\"kms:GranteePrincipal\"]: %s contradicts the described grant ([\"%s\"])", [alice, role])
	err(object.union(q(alice, "kms:Decrypt", p), {"grant": child({})})) == "grant: only a kms:CreateGrant question describes the grant it creates"
}

# KMS API CreateGrant, Operations: the GrantOperation values are spelled
# Decrypt, Encrypt, ...; another spelling is rejected.
test_grant_operation_spelling if {
	err(object.union(q(alice, "kms:Decrypt", kp([])), {"grants": [{"grantee_principal": alice, "operations": ["decrypt"]}]})) == "grants[0].operations: \"decrypt\" is not spelled as KMS spells the operation (Decrypt)"
}

# ---- malformed principals, Principal objects and condition values ----------------------------
# IAM names: user and role names use [A-Za-z0-9+=,.@_-], 1-64 characters;
# role session names 2-64, federated-user names 2-32 of the same characters.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html

test_principal_name_characters if {
	some bad in [
		"arn:aws:iam::111122223333:user/ali ce",
		"arn:aws:iam::111122223333:user/alice\u0000",
		"arn:aws:iam::111122223333:user/al\u200bice",
		"arn:aws:iam::111122223333:role/Rölle",
		"arn:aws:iam::111122223333:role/path with space/R",
		"arn:aws:sts::111122223333:assumed-role/R/s\t1",
		"arn:aws:sts::111122223333:assumed-role/R/x",
		"arn:aws:sts::111122223333:federated-user/b",
		"arn:aws:sts::111122223333:federated-user/bob\n",
		"arn:aws:iam::111122223333:user/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	]
	startswith(err(q(bad, "kms:Decrypt", default_policy)), "principal: ")
}

test_principal_names_iam_allows if {
	every good in [
		"arn:aws:iam::111122223333:user/a+b=c,d.e@f_g-h",
		"arn:aws:iam::111122223333:role/team/sub/R",
		"arn:aws:sts::111122223333:assumed-role/R/i-0123456789abcdef0",
		"arn:aws:sts::111122223333:federated-user/bob@example.com",
	] {
		d(q(good, "kms:Decrypt", default_policy)) == "ImplicitlyDenied"
	}
}

# IAM JSON element reference (Principal): a Principal names principals; an
# empty object names none. Condition: a key needs at least one value.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
test_empty_principal_and_condition_values if {
	err(q(alice, "kms:Decrypt", kp([{"Effect": "Deny", "Principal": {}, "Action": "kms:*", "Resource": "*"}]))) == "key_policy.Statement[0].Principal: an empty object names no principal"
	err(q(alice, "kms:Decrypt", kp([{"Effect": "Deny", "NotPrincipal": {}, "Action": "kms:*", "Resource": "*"}]))) == "key_policy.Statement[0].NotPrincipal: an empty object names no principal"
	err(q(alice, "kms:Decrypt", kp([allow_to(alice, "kms:Decrypt"), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpce": []}}}]))) == "key_policy.Statement[1].Condition.StringNotEquals[\"aws:SourceVpce\"]: an empty list of condition values"
}

# ---- deprecated key-spec keys ---------------------------------------------------------------
# KMS condition keys: kms:CustomerMasterKeySpec and kms:CustomerMasterKeyUsage
# are deprecated and replaced by kms:KeySpec and kms:KeyUsage; they hold the
# same values.
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-customer-master-key-spec
test_deprecated_key_spec_keys if {
	p := kp([{
		"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*",
		"Condition": {"StringEquals": {"kms:CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "kms:CustomerMasterKeyUsage": "ENCRYPT_DECRYPT"}},
	}])
	d(object.union(q(alice, "kms:Decrypt", p), {"key": {"key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT"}})) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", p), {"key": {"key_spec": "RSA_2048", "key_usage": "ENCRYPT_DECRYPT"}})) == "ImplicitlyDenied"
	create := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*", "Condition": {"StringEquals": {"kms:CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"}}}]}
	d(object.union(q(alice, "kms:CreateKey", default_policy), {"identity_policies": [create]})) == "Allowed"
	d(object.union(q(alice, "kms:CreateKey", default_policy), {"identity_policies": [create], "context": {"kms:KeySpec": "RSA_2048"}})) == "ImplicitlyDenied"
}

# ---- value grammar -------------------------------------------------------------------------
# IAM condition operators (Date): dates in "one of the W3C implementations of
# the ISO 8601 date formats" or epoch (UNIX) time.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
# https://www.w3.org/TR/NOTE-datetime
test_date_profiles if {
	p := kp([{
		"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*",
		"Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2026-01"}, "DateLessThan": {"aws:TokenIssueTime": "2026-02-01T00:00+01:00"}},
	}])
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:TokenIssueTime": "2026-01-15T10:30Z"}})) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:TokenIssueTime": "2026-01-31T23:30:00Z"}})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"aws:TokenIssueTime": "1768473000"}})) == "Allowed"
}

# IAM Resource element: wildcards may appear in any segment of an ARN but
# the service; such a pattern is an error, never a match.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
test_resource_service_wildcard if {
	pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:*:us-west-2:111122223333:key/*"}]}
	err(object.union(q(alice, "kms:Decrypt", default_policy), {"identity_policies": [pol]})) == "identity_policies[0].Statement[0].Resource: \"arn:aws:*:us-west-2:111122223333:key/*\" has a wildcard in the service part of the ARN"
}
