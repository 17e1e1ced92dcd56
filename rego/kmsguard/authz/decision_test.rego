package kmsguard.authz_test

import data.kmsguard.authz

key := "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

alice := "arn:aws:iam::111122223333:user/alice"

carol := "arn:aws:iam::444455556666:user/carol"

session := "arn:aws:sts::111122223333:assumed-role/R/s1"

role := "arn:aws:iam::111122223333:role/R"

default_policy := {"Version": "2012-10-17", "Statement": [{
	"Sid": "Enable IAM User Permissions", "Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	"Action": "kms:*", "Resource": "*",
}]}

kp(statements) := {"Version": "2012-10-17", "Statement": statements}

allow_to(p, actions) := {"Effect": "Allow", "Principal": {"AWS": p}, "Action": actions, "Resource": "*"}

iam(actions) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": key}]}

q(p, a, policy) := {"principal": p, "action": a, "resource": key, "key_policy": policy}

d(question) := r if {
	answer := authz.decision with input as question
	r := answer.decision
}

# docs/aws-rules.md#k-def, docs/aws-rules.md#k-eval: the account principal enables IAM policies; IAM allows.
test_delegation_with_iam if d(object.union(q(alice, "kms:Decrypt", default_policy), {"identity_policies": [iam("kms:Decrypt")]})) == "Allowed"

# docs/aws-rules.md#k-eval example 1: enabling IAM grants nothing by itself.
test_delegation_without_iam if d(q(alice, "kms:Decrypt", default_policy)) == "ImplicitlyDenied"

# docs/aws-rules.md#k-kp: without the account statement, IAM allows have no effect.
test_iam_without_delegation if {
	p := kp([allow_to("arn:aws:iam::111122223333:user/bob", "kms:*")])
	d(object.union(q(alice, "kms:Decrypt", p), {"identity_policies": [iam("kms:*")]})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-kp: an IAM Deny works even when the key policy does not enable IAM.
test_iam_deny_without_delegation if {
	p := kp([allow_to(alice, "kms:Decrypt")])
	deny := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}
	answer := authz.decision with input as object.union(q(alice, "kms:Decrypt", p), {"identity_policies": [deny]})
	answer.decision == "ExplicitlyDenied"
	answer.reasons == [{"policy": "identity_policy", "index": 0, "statement": 0, "effect": "Deny"}]
}

# docs/aws-rules.md#k-dakp: a key policy naming the caller needs no IAM policy (same account).
test_direct_grant if d(q(alice, "kms:Encrypt", kp([allow_to(alice, "kms:Encrypt")]))) == "Allowed"

# docs/aws-rules.md#i-eval + docs/aws-rules.md#k-def: the root user is not subject to IAM's implicit deny.
test_root_user if d(q("111122223333", "kms:Decrypt", default_policy)) == "Allowed"

# docs/aws-rules.md#i-pb: a grant to a role ARN is limited by the role's boundary ...
test_role_grant_limited_by_boundary if {
	boundary := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
	d(object.union(q(session, "kms:Decrypt", kp([allow_to(role, "kms:Decrypt")])), {"permissions_boundary": boundary})) == "ImplicitlyDenied"
	d(q(session, "kms:Decrypt", kp([allow_to(role, "kms:Decrypt")]))) == "Allowed"
}

# ... a grant to the session ARN is not.
test_session_grant_not_limited if {
	boundary := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
	d(object.union(q(session, "kms:Decrypt", kp([allow_to(session, "kms:Decrypt")])), {"permissions_boundary": boundary})) == "Allowed"
}

# docs/aws-rules.md#i-pb: a session policy limits a grant to the role ARN.
test_role_grant_limited_by_session_policy if {
	sp := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}
	d(object.union(q(session, "kms:Decrypt", kp([allow_to(role, "kms:Decrypt")])), {"session_policy": sp})) == "ImplicitlyDenied"
}

cross_policy := kp([allow_to("arn:aws:iam::444455556666:root", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])])

# docs/aws-rules.md#k-xacct: cross-account use needs the key policy and the caller's IAM policy.
test_cross_account if {
	d(q(carol, "kms:Decrypt", cross_policy)) == "ImplicitlyDenied"
	d(object.union(q(carol, "kms:Decrypt", cross_policy), {"identity_policies": [iam("kms:Decrypt")]})) == "Allowed"
}

# docs/aws-rules.md#k-xacct: even an external principal named in the key policy needs IAM.
test_cross_account_named_principal if {
	p := kp([allow_to("arn:aws:iam::444455556666:role/Ext", "kms:Decrypt")])
	d(q("arn:aws:sts::444455556666:assumed-role/Ext/s1", "kms:Decrypt", p)) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-xacct: IAM can delegate only actions the key policy gave the account.
test_cross_account_subset if d(object.union(q(carol, "kms:Encrypt", kp([allow_to("arn:aws:iam::444455556666:root", "kms:Decrypt")])), {"identity_policies": [iam("kms:Encrypt")]})) == "ImplicitlyDenied"

# docs/aws-rules.md#k-xacct, API: operations that are not cross-account capable never work.
test_cross_account_incapable if {
	p := kp([allow_to("arn:aws:iam::444455556666:root", "kms:*")])
	answer := authz.decision with input as object.union(q(carol, "kms:ScheduleKeyDeletion", p), {"identity_policies": [iam("kms:*")]})
	answer.decision == "ImplicitlyDenied"
	"kms:ScheduleKeyDeletion cannot be used across accounts: the caller is in account 444455556666, the key in account 111122223333" in answer.missing
}

# docs/aws-rules.md#i-prin: "*" covers every principal; other accounts still need IAM.
test_everyone if {
	p := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}])
	d(q(alice, "kms:Decrypt", p)) == "Allowed"
	d(q(carol, "kms:Decrypt", p)) == "ImplicitlyDenied"
	d(object.union(q(carol, "kms:Decrypt", p), {"identity_policies": [iam("kms:Decrypt")]})) == "Allowed"
}

# docs/aws-rules.md#k-kpo: a statement without Resource has no effect.
test_statement_without_resource if d(q(alice, "kms:Decrypt", kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:*"}]))) == "ImplicitlyDenied"

# docs/aws-rules.md#i-notact: NotAction allows everything except what it lists.
test_not_action if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "NotAction": ["kms:Decrypt", "kms:ReEncrypt*"], "Resource": "*"}])
	d(q(alice, "kms:Encrypt", p)) == "Allowed"
	d(q(alice, "kms:ReEncryptFrom", p)) == "ImplicitlyDenied"
}

# docs/aws-rules.md#i-eval: an explicit deny in the key policy wins over an IAM allow.
test_key_policy_deny_wins if {
	p := kp([default_policy.Statement[0], {"Sid": "NoDecrypt", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}])
	answer := authz.decision with input as object.union(q(alice, "kms:Decrypt", p), {"identity_policies": [iam("kms:Decrypt")]})
	answer.decision == "ExplicitlyDenied"
	answer.reasons == [{"policy": "key_policy", "statement": 1, "sid": "NoDecrypt", "effect": "Deny"}]
}

# docs/aws-rules.md#k-cond: kms:ViaService is absent on direct calls.
test_via_service if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-west-2.amazonaws.com"}}}])
	d(q(alice, "kms:Decrypt", p)) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"kms:ViaService": "ec2.us-west-2.amazonaws.com"}})) == "Allowed"
}

# docs/aws-rules.md#k-abac: aws:ResourceTag is not supported in key policies (treated as absent).
test_resource_tag_in_key_policy if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/Project": "Alpha"}}}])
	d(object.union(q(alice, "kms:Decrypt", p), {"key": {"tags": {"Project": "Alpha"}}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-cond: kms:ResourceAliases works in IAM policies, from the key's aliases.
test_resource_aliases_in_iam if {
	pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "arn:aws:kms:*:111122223333:key/*", "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/finance-key"}}}]}
	d(object.union(q(alice, "kms:GenerateDataKey", default_policy), {"identity_policies": [pol], "key": {"aliases": ["alias/finance-key"]}})) == "Allowed"
	d(object.union(q(alice, "kms:GenerateDataKey", default_policy), {"identity_policies": [pol], "key": {"aliases": ["alias/other"]}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#i-gkeys: aws:PrincipalArn is the role ARN for a role session.
test_principal_arn_for_session if {
	p := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": role}}}])
	d(q(session, "kms:Decrypt", p)) == "Allowed"
}

# docs/aws-rules.md#i-var, docs/aws-rules.md#i-gkeys: aws:username exists only for IAM users.
test_username_variable if {
	p := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}}}])
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"kms:EncryptionContext:user": "alice"}})) == "Allowed"
	d(object.union(q(alice, "kms:Decrypt", p), {"context": {"kms:EncryptionContext:user": "bob"}})) == "ImplicitlyDenied"
	d(object.union(q(session, "kms:Decrypt", p), {"context": {"kms:EncryptionContext:user": "s1"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-cond: encryption-context key names are case-insensitive in conditions.
test_encryption_context_condition if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:GenerateDataKey", "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:appname": "ExampleApp"}}}])
	d(object.union(q(alice, "kms:GenerateDataKey", p), {"context": {"kms:EncryptionContext:AppName": "ExampleApp"}})) == "Allowed"
	d(object.union(q(alice, "kms:GenerateDataKey", p), {"context": {"kms:EncryptionContext:AppName": "exampleapp"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-cond: kms:EncryptionContextKeys is derived from the pairs given.
test_encryption_context_keys_derived if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:GenerateDataKey", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]}}}])
	d(q(alice, "kms:GenerateDataKey", p)) == "Allowed"
	d(object.union(q(alice, "kms:GenerateDataKey", p), {"context": {"kms:EncryptionContext:AppName": "a", "kms:EncryptionContext:Project": "b"}})) == "ImplicitlyDenied"
}

# ---- service principals ------------------------------------------------------------

logs := "logs.us-west-2.amazonaws.com"

logs_policy := kp([{"Effect": "Allow", "Principal": {"Service": logs}, "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:log-group:app"}}}])

# docs/aws-rules.md#s-cwl: the encryption context pins the log group.
test_service_principal_condition if {
	d(object.union(q(logs, "kms:GenerateDataKey", logs_policy), {"context": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:log-group:app"}})) == "Allowed"
	d(object.union(q(logs, "kms:GenerateDataKey", logs_policy), {"context": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:111122223333:log-group:other"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#s-cwl, docs/aws-rules.md#i-prin: the account principal does not cover service principals.
test_service_not_covered_by_account if d(q(logs, "kms:GenerateDataKey", default_policy)) == "ImplicitlyDenied"

# A service principal has no identity policies.
test_service_with_identity_policy_is_error if {
	answer := authz.decision with input as object.union(q(logs, "kms:GenerateDataKey", logs_policy), {"identity_policies": []})
	answer.error == "identity_policies: a service principal has no identity policies, boundary or session policy"
}

# ---- grants ------------------------------------------------------------------------------

grant(ops, constraints) := {"grantee_principal": role, "operations": ops, "constraints": constraints, "grant_id": "g1"}

# docs/aws-rules.md#k-cgrant: EncryptionContextSubset — every constraint pair, extra pairs allowed.
test_grant_subset if {
	g := grant(["Decrypt"], {"encryption_context_subset": {"Department": "IT"}})
	base := object.union(q(session, "kms:Decrypt", kp([allow_to("arn:aws:iam::111122223333:user/bob", "kms:*")])), {"grants": [g]})
	answer := authz.decision with input as object.union(base, {"context": {"kms:EncryptionContext:Department": "IT", "kms:EncryptionContext:Purpose": "Test"}})
	answer.decision == "Allowed"
	answer.reasons == [{"policy": "grant", "index": 0, "effect": "Allow", "grant_id": "g1"}]
	d(object.union(base, {"context": {"kms:EncryptionContext:department": "IT"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-cgrant: EncryptionContextEquals forbids extra pairs.
test_grant_equals if {
	g := grant(["Decrypt"], {"encryption_context_equals": {"Department": "IT"}})
	base := object.union(q(session, "kms:Decrypt", default_policy), {"grants": [g]})
	d(object.union(base, {"context": {"kms:EncryptionContext:Department": "IT"}})) == "Allowed"
	d(object.union(base, {"context": {"kms:EncryptionContext:Department": "IT", "kms:EncryptionContext:Purpose": "Test"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-grant: only grant operations can be granted; docs/aws-rules.md#k-cgrant: constraints are
# ignored for DescribeKey.
test_grant_operations if {
	g := grant(["Decrypt", "DescribeKey", "CreateGrant"], {"encryption_context_subset": {"Department": "IT"}})
	d(object.union(q(session, "kms:ScheduleKeyDeletion", default_policy), {"grants": [g]})) == "ImplicitlyDenied"
	d(object.union(q(session, "kms:DescribeKey", default_policy), {"grants": [g]})) == "Allowed"
}

# docs/aws-rules.md#k-cgrant: a grant's CreateGrant passes on only its own operations.
test_grant_child_operations if {
	g := grant(["Decrypt", "CreateGrant"], {})
	d(object.union(q(session, "kms:CreateGrant", default_policy), {"grants": [g], "context": {"kms:GrantOperations": ["Decrypt"]}})) == "Allowed"
	d(object.union(q(session, "kms:CreateGrant", default_policy), {"grants": [g], "context": {"kms:GrantOperations": ["Decrypt", "Encrypt"]}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-cond: a key-policy deny overrides grants.
test_deny_overrides_grant if {
	p := kp([{"Effect": "Deny", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}}}])
	d(object.union(q(session, "kms:Decrypt", p), {"grants": [grant(["Decrypt"], {})], "context": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}})) == "ExplicitlyDenied"
}

# docs/aws-rules.md#s-asg: a grant is a path across accounts without IAM.
test_cross_account_grant if {
	slr := "arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	g := {"grantee_principal": slr, "operations": ["Decrypt", "Encrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "DescribeKey", "GenerateDataKey"]}
	d(q(slr, "kms:Decrypt", cross_policy)) == "ImplicitlyDenied"
	d(object.union(q(slr, "kms:Decrypt", cross_policy), {"grants": [g]})) == "Allowed"
}

# docs/aws-rules.md#k-mgrant: the retiring principal may retire; kms:RetireGrant in a key
# policy has no effect.
test_retire_grant if {
	bob := "arn:aws:iam::111122223333:user/bob"
	g := {"grantee_principal": role, "operations": ["Decrypt"], "retiring_principal": bob}
	d(object.union(q(bob, "kms:RetireGrant", kp([allow_to(alice, "kms:*")])), {"grants": [g]})) == "Allowed"
	d(object.union(q(alice, "kms:RetireGrant", kp([allow_to(alice, "kms:RetireGrant")])), {"grants": [g]})) == "ImplicitlyDenied"
}

# ---- guardrails ----------------------------------------------------------------------------

allow_all := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

# docs/aws-rules.md#i-eval: an SCP deny wins; SCP levels without an allow deny implicitly.
test_scps if {
	base := object.union(q(alice, "kms:ScheduleKeyDeletion", default_policy), {"identity_policies": [iam("kms:ScheduleKeyDeletion")]})
	deny := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}]}
	s3only := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
	d(object.union(base, {"scps": [[allow_all], [allow_all]]})) == "Allowed"
	d(object.union(base, {"scps": [[allow_all, deny]]})) == "ExplicitlyDenied"
	d(object.union(base, {"scps": [[allow_all], [s3only]]})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#o-scp: SCPs do not affect service-linked roles or service principals.
test_scps_skip_slr if {
	slr := "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	deny := {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}
	d(object.union(q(slr, "kms:Decrypt", kp([allow_to(slr, "kms:Decrypt")])), {"scps": [[deny]]})) == "Allowed"
}

rcp := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
	"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}, "Bool": {"aws:PrincipalIsAWSService": "false"}},
}]}

# docs/aws-rules.md#k-rcp: an RCP perimeter denies outsiders, exempts service principals, and
# does not apply to kms:RetireGrant.
test_rcps if {
	d(object.union(q(carol, "kms:Decrypt", cross_policy), {"identity_policies": [iam("kms:Decrypt")], "rcps": [[rcp]]})) == "ExplicitlyDenied"
	ct := kp([{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}])
	d(object.union(q("cloudtrail.amazonaws.com", "kms:GenerateDataKey", ct), {"rcps": [[rcp]]})) == "Allowed"
	g := {"grantee_principal": role, "operations": ["Decrypt"], "retiring_principal": carol}
	d(object.union(q(carol, "kms:RetireGrant", default_policy), {"grants": [g], "rcps": [[rcp]]})) == "Allowed"
}

# docs/aws-rules.md#k-rcp: RCPs do not apply to AWS managed keys.
test_rcps_skip_aws_managed_keys if d(object.union(q(carol, "kms:Decrypt", cross_policy), {"identity_policies": [iam("kms:Decrypt")], "rcps": [[rcp]], "key": {"key_manager": "AWS"}})) == "Allowed"

# docs/aws-rules.md#k-vpce: the endpoint policy must also allow the request.
test_vpc_endpoint_policy if {
	base := object.union(q(alice, "kms:Decrypt", default_policy), {"identity_policies": [iam("kms:Decrypt")]})
	describe_only := kp([{"Effect": "Allow", "Principal": "*", "Action": "kms:DescribeKey", "Resource": "*"}])
	d(object.union(base, {"vpc_endpoint_policy": describe_only})) == "ImplicitlyDenied"
	d(object.union(base, {"vpc_endpoint_policy": kp([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}])})) == "Allowed"
}

# docs/aws-rules.md#i-notprin: Deny + NotPrincipal always denies a caller with a boundary.
test_not_principal_with_boundary if {
	p := kp([default_policy.Statement[0], {"Effect": "Deny", "NotPrincipal": {"AWS": [role, "arn:aws:iam::111122223333:root", session]}, "Action": "kms:PutKeyPolicy", "Resource": "*"}])
	base := object.union(q(session, "kms:PutKeyPolicy", p), {"identity_policies": [iam("kms:PutKeyPolicy")]})
	d(base) == "Allowed"
	d(object.union(base, {"permissions_boundary": allow_all})) == "ExplicitlyDenied"
}

# ---- actions with extra requirements -------------------------------------------------------

# docs/aws-rules.md#k-perm: IAM-only actions are decided by identity policies on "*".
test_account_action if {
	pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*", "Condition": {"StringEquals": {"kms:KeyOrigin": "AWS_KMS"}}}]}
	d(object.union(q(alice, "kms:CreateKey", default_policy), {"identity_policies": [pol]})) == "Allowed"
	d(object.union(q(alice, "kms:CreateKey", default_policy), {"identity_policies": [pol], "context": {"kms:KeyOrigin": "EXTERNAL"}})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:CreateKey", default_policy), {"identity_policies": [iam("kms:CreateKey")]})) == "ImplicitlyDenied"
}

# API:ReplicateKey: also kms:CreateKey in IAM.
test_replicate_key if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:ReplicateKey", "Resource": "*", "Condition": {"StringEquals": {"kms:ReplicaRegion": ["us-east-1", "eu-west-3"]}}}])
	create := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"}]}
	d(object.union(q(alice, "kms:ReplicateKey", p), {"identity_policies": [create], "context": {"kms:ReplicaRegion": "us-east-1"}})) == "Allowed"
	d(object.union(q(alice, "kms:ReplicateKey", p), {"identity_policies": [create], "context": {"kms:ReplicaRegion": "ap-south-1"}})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:ReplicateKey", p), {"context": {"kms:ReplicaRegion": "us-east-1"}})) == "ImplicitlyDenied"
}

# docs/aws-rules.md#k-perm: alias operations need the alias authorized in IAM as well.
test_alias_action if {
	p := kp([allow_to(alice, "kms:CreateAlias")])
	alias_pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:CreateAlias", "Resource": "arn:aws:kms:us-west-2:111122223333:alias/*"}]}
	d(q(alice, "kms:CreateAlias", p)) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:CreateAlias", p), {"identity_policies": [alias_pol]})) == "Allowed"
}

# docs/aws-rules.md#k-cond: request-parameter keys take their default when omitted.
test_request_defaults if {
	p := kp([{"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*", "Condition": {"NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": 30}}}])
	d(q(alice, "kms:ScheduleKeyDeletion", p)) == "Allowed"
	d(object.union(q(alice, "kms:ScheduleKeyDeletion", p), {"context": {"kms:ScheduleKeyDeletionPendingWindowInDays": 7}})) == "ImplicitlyDenied"
}

# ---- malformed questions ------------------------------------------------------------------------

err(question) := e if {
	answer := authz.decision with input as question
	e := answer.error
}

test_errors if {
	err({}) == "action: missing; key_policy: missing (neither the question nor the loaded data has a key policy for this key); principal: missing; resource: missing"
	err(q(alice, "kms:Decrypt*", default_policy)) == "action: \"kms:Decrypt*\" is not a KMS action (expected kms:Name, e.g. kms:Decrypt, with no wildcards)"
	err(q(alice, "kms:Decrypts", default_policy)) == "action: \"kms:Decrypts\" is not a KMS action"
	err(q("alice", "kms:Decrypt", default_policy)) == "principal: \"alice\" is not a principal (expected an IAM user, role, assumed-role or federated-user ARN, an account root ARN or 12-digit account id, or a service principal such as logs.us-east-1.amazonaws.com)"
	err(object.union(q(alice, "kms:Decrypt", default_policy), {"resource": "arn:aws:kms:us-west-2:111122223333:alias/x"})) == "resource: \"arn:aws:kms:us-west-2:111122223333:alias/x\" is not a KMS key ARN (expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)"
	startswith(err(object.union(q(alice, "kms:Decrypt", default_policy), {"extra": 1})), "extra: unknown field")
	err(q(alice, "kms:Decrypt", "{")) == "key_policy: policy is not valid JSON"
	err(object.union(q(alice, "kms:Decrypt", default_policy), {"grants": [{"grantee_principal": role}]})) == "grants[0].operations: must be a non-empty list of grant operations"
	err(object.union(q(alice, "kms:Decrypt", default_policy), {"context": {"a": {}}})) == "context[\"a\"]: must be a string, boolean, number or a list of strings"
}

# A key policy given as a JSON string (GetKeyPolicy output) is parsed.
test_key_policy_string if d(object.union(q(alice, "kms:Decrypt", json.marshal(default_policy)), {"identity_policies": [json.marshal(iam("kms:Decrypt"))]})) == "Allowed"

test_id_echoed if {
	a1 := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"id": "x"})
	a1.id == "x"
	a2 := authz.decision with input as object.union(q(alice, "kms:Decrypt*", default_policy), {"id": "x"})
	a2.id == "x"
}

# Action names are case-insensitive (docs/aws-rules.md#i-act).
test_action_case if d(q(alice, "KMS:decrypt", kp([allow_to(alice, "kms:DECRYPT")]))) == "Allowed"

test_explain if {
	e := authz.explain with input as object.union(q(alice, "kms:Decrypt", default_policy), {"grants": [grant(["Encrypt"], {})]})
	e.decision.decision == "ImplicitlyDenied"
	e.statements == [{"policy": "key_policy", "statement": 0, "sid": "Enable IAM User Permissions", "effect": "Allow", "action": true, "principal": true, "resource": true, "conditions": true, "failed_conditions": [], "applies": true}]
	e.grants == [{"policy": "grant", "index": 0, "grant_id": "g1", "effect": "Allow", "grantee": false, "operation": false, "constraints": true, "applies": false}]
}

# ---- stored data (docs/snapshot-format.md) --------------------------------------------------

snap := {
	"version": 1,
	"keys": {key: {"key_policy": default_policy, "key": {"aliases": ["alias/finance-key"]}}},
	"principals": {
		"arn:aws:iam::111122223333:role/team/R": {"identity_policies": [iam("kms:Decrypt")]},
		alice: {"identity_policies": [iam("kms:Encrypt")]},
	},
	"roles": {"111122223333:R": "arn:aws:iam::111122223333:role/team/R"},
	"accounts": {"111122223333": {"scps": [[allow_all]]}},
}

stored_d(question) := r if {
	answer := authz.decision with input as question with data.kmsguard.snapshot as snap
	r := answer.decision
}

# A question may carry only principal, action and resource: the key policy,
# the caller's identity policies (a session finds its role, path included)
# and SCPs come from the store.
test_stored_data if {
	stored_d({"principal": session, "action": "kms:Decrypt", "resource": key}) == "Allowed"
	stored_d({"principal": session, "action": "kms:Encrypt", "resource": key}) == "ImplicitlyDenied"
	stored_d({"principal": alice, "action": "kms:Encrypt", "resource": key}) == "Allowed"
}

# What the question gives wins over the store.
test_question_wins_over_store if stored_d({"principal": alice, "action": "kms:Encrypt", "resource": key, "identity_policies": []}) == "ImplicitlyDenied"

test_stored_key_missing if {
	answer := authz.decision with input as {"principal": alice, "action": "kms:Encrypt", "resource": "arn:aws:kms:us-west-2:111122223333:key/other"} with data.kmsguard.snapshot as snap
	answer.error == "key_policy: missing (neither the question nor the loaded data has a key policy for this key)"
}

# docs/aws-rules.md#i-var: a NotResource whose variable has no value invalidates the statement;
# an Allow then allows nothing (rather than everything).
test_not_resource_unresolved_variable if {
	pol := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "NotResource": "arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/keyid}"}]}
	d(object.union(q(alice, "kms:Decrypt", default_policy), {"identity_policies": [pol]})) == "ImplicitlyDenied"
	d(object.union(q(alice, "kms:Decrypt", default_policy), {"identity_policies": [pol], "context": {"aws:PrincipalTag/keyid": "other"}})) == "Allowed"
}

# ---- organizations from stored data --------------------------------------------------------
# aws:PrincipalOrgID and aws:ResourceOrgID are in the request context only
# when the principal's (the resource's) account is a member of an
# organization (IAM User Guide, "AWS global condition context keys"). A
# snapshot that records an account's organization_id decides them; a
# question's context still wins.

org_id := "o-abc1234567"

org_snap := {
	"version": 1,
	"keys": {key: {"key_policy": kp([{
		"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
	}])}},
	"principals": {
		carol: {"identity_policies": [{"Version": "2012-10-17", "Statement": [{
			"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
			"Condition": {"StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}},
		}]}]},
		"arn:aws:iam::555555555555:user/erin": {"identity_policies": [iam("kms:Decrypt")]},
	},
	"accounts": {
		"111122223333": {"organization_id": org_id},
		"444455556666": {"organization_id": org_id},
		"555555555555": {"organization_id": null},
	},
}

org_d(question) := r if {
	answer := authz.decision with input as question with data.kmsguard.snapshot as org_snap
	r := answer.decision
}

# aws:PrincipalOrgPaths and aws:ResourceOrgPaths are the paths of the
# principal's (the key's) account in its organization, "o-ORG/r-ROOT/ou-.../"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths):
# a snapshot that records an account's org_path decides them.
org_path_snap := {
	"version": 1,
	"keys": {key: {"key_policy": kp([{
		"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
		"Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc1234567/r-ab12/ou-ab12-11111111/*"}},
	}])}},
	"principals": {
		carol: {"identity_policies": [{"Version": "2012-10-17", "Statement": [{
			"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
			"Condition": {"ForAnyValue:StringEquals": {"aws:ResourceOrgPaths": "o-abc1234567/r-ab12/"}},
		}]}]},
		"arn:aws:iam::555555555555:user/erin": {"identity_policies": [iam("kms:Decrypt")]},
	},
	"accounts": {
		"111122223333": {"organization_id": org_id, "org_path": "o-abc1234567/r-ab12/"},
		"444455556666": {"organization_id": org_id, "org_path": "o-abc1234567/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"},
		"555555555555": {"organization_id": org_id, "org_path": "o-abc1234567/r-ab12/ou-ab12-33333333/"},
	},
}

org_path_d(question) := r if {
	answer := authz.decision with input as question with data.kmsguard.snapshot as org_path_snap
	r := answer.decision
}

test_org_paths_from_stored_accounts if {
	org_path_d({"principal": carol, "action": "kms:Decrypt", "resource": key}) == "Allowed"
	org_path_d({"principal": "arn:aws:iam::555555555555:user/erin", "action": "kms:Decrypt", "resource": key}) == "ImplicitlyDenied"
	org_path_d({"principal": carol, "action": "kms:Decrypt", "resource": key, "context": {"aws:PrincipalOrgPaths": ["o-abc1234567/r-ab12/ou-ab12-33333333/"]}}) == "ImplicitlyDenied"
}

test_org_ids_from_stored_accounts if {
	org_d({"principal": carol, "action": "kms:Decrypt", "resource": key}) == "Allowed"
	org_d({"principal": "arn:aws:iam::555555555555:user/erin", "action": "kms:Decrypt", "resource": key}) == "ImplicitlyDenied"
	org_d({"principal": "arn:aws:iam::666666666666:user/frank", "action": "kms:Decrypt", "resource": key, "identity_policies": [iam("kms:Decrypt")]}) == "ImplicitlyDenied"
	org_d({"principal": carol, "action": "kms:Decrypt", "resource": key, "context": {"aws:PrincipalOrgID": "o-other00000"}}) == "ImplicitlyDenied"
}

# docs/decision-format.md (question fields): the id is echoed back; an empty id is left out, as an error answer's is.
test_id_echoed_unless_empty if {
	with_id := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"id": "q-1"})
	with_id.id == "q-1"
	empty := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"id": ""})
	not "id" in object.keys(empty)
	empty.decision == "ImplicitlyDenied"
	bad := authz.decision with input as object.union(q(alice, "kms:Decrypt", "not a policy"), {"id": ""})
	not "id" in object.keys(bad)
	bad.error != ""
}

# A context key given twice in different cases is an error (condition key
# names are case-insensitive:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html),
# whatever the two values: the answer names the key and nothing else fails.
test_context_key_twice_is_an_error if {
	every ctx in [
		{"kms:EncryptionContext:app": "a", "kms:encryptioncontext:APP": "a"},
		{"kms:EncryptionContext:app": "a", "kms:encryptioncontext:APP": "b"},
		{"D": "", "d": []},
	] {
		d := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"context": ctx})
		not d.decision
		contains(d.error, "is given twice")
	}
}

# A key with two tags whose names differ only in case is an error: tag keys
# are case-sensitive in KMS
# (https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html)
# but not in aws:ResourceTag/<key>, which matches a tag of either case "but
# not both"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourcetag).
test_key_tag_twice_is_an_error if {
	every tags in [{"Env": "a", "env": "a"}, {"Env": "a", "env": "b"}] {
		d := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"key": {"tags": tags}})
		not d.decision
		d.error == "key.tags: \"env\" is given twice in different cases (tag keys are case-insensitive in conditions)"
	}
	d := authz.decision with input as object.union(q(alice, "kms:Decrypt", default_policy), {"key": {"tags": {"Env": "a", "team": "b"}}})
	not d.error
	d.decision == "ImplicitlyDenied"
}
