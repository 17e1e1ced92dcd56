package kmsguard.rules.validation["policy-size_test"]

import data.kmsguard.rules.validation["policy-size"] as rule
import data.kmsguard.ruletest

# The findings the rule is expected to report (data.kmsguard.ruletest).
finding(i, sid, msg) := ruletest.finding(rule.metadata, i, sid, msg)

document_finding(msg) := ruletest.document_finding(rule.metadata, msg)

# The default statement and one statement for each of 160 users: 43,058
# characters written compactly, generated here rather than written out.
_large_policy := {
	"Version": "2012-10-17",
	"Statement": array.concat([_root_statement], [_user_statement(i) | some i in numbers.range(0, 159)]),
}

_root_statement := {
	"Sid": "Enable IAM User Permissions",
	"Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111122223333:root"},
	"Action": "kms:*",
	"Resource": "*",
}

_user_statement(i) := {
	"Sid": sprintf("Allow use of the key for user number %04d", [i]),
	"Effect": "Allow",
	"Principal": {"AWS": sprintf("arn:aws:iam::111122223333:user/user-with-a-rather-long-name-%04d", [i])},
	"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
	"Resource": "*",
}

# docs/aws-rules.md#k-kpo: 32 KB
test_too_large if {
	rule.deny == {document_finding("the key policy is 43058 characters long even written compactly; KMS accepts at most 32768")} with input as _large_policy
}

test_default_policy if {
	rule.deny == set() with input as {"Version": "2012-10-17", "Statement": [_root_statement]}
}
