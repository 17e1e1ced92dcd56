package kmsguard.lint.facts_test

import data.kmsguard.catalog
import data.kmsguard.iam.pattern
import data.kmsguard.lint
import data.kmsguard.lint.facts
import data.kmsguard.lint_test

# ---- kind, account, configuration ----------------------------------------------------

test_kind_detected if {
	facts.kind == "key_policy" with input as lint_test.policy
	facts.kind == "identity_policy" with input as {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}
	facts.kind == "key_policy" with input as {"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}
}

test_kind_forced if {
	facts.kind == "identity_policy" with input as {"policy": lint_test.policy, "kind": "identity_policy"}
	facts.kind == "key_policy" with input as {"policy": {"Statement": []}, "kind": "key_policy"}
}

test_account_sources if {
	facts.account == "111122223333" with input as lint_test.policy
	facts.account == "444455556666" with input as {"policy": lint_test.policy, "key_arn": "arn:aws:kms:us-west-2:444455556666:key/k"}
	facts.account == "777788889999" with input as {"policy": lint_test.policy, "key_arn": lint_test.key_arn, "config": {"account": "777788889999"}}
	not facts.account_known with input as {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]}, "Action": "kms:*", "Resource": "*"}]}
}

test_config_reaches_rules if {
	doc := {"Version": "2012-10-17", "Statement": [lint_test.root_statement, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Dev"}, "Action": "kms:PutKeyPolicy", "Resource": "*"}]}
	not "KMS007" in {f.id | some f in lint.findings} with input as doc
	"KMS007" in {f.id | some f in lint.findings} with input as {"policy": doc, "config": {"admins": ["arn:aws:iam::111122223333:role/Admin"]}}
	facts.admins == {"arn:aws:iam::111122223333:root"} with input as {"policy": doc, "config": {"admins": ["111122223333"]}}
}

# ---- facts ---------------------------------------------------------------------------

test_facts_actions if {
	f := facts.at with input as {"Statement": [
		{"Effect": "Allow", "Principal": "*", "Action": ["kms:Create*", "KMS:DECRYPT"], "Resource": "*"},
		{"Effect": "Allow", "Principal": "*", "NotAction": "kms:*", "Resource": "*"},
		{"Effect": "Allow", "Principal": "*", "Action": ["kms:*Alias", "s3:*", "kms:Nothing*"], "Resource": "*"},
	]}
	f[0].actions == {"createalias", "creategrant", "createkey", "createcustomkeystore", "decrypt"}
	f[1].actions == set()
	f[2].actions == {"createalias", "deletealias", "updatealias"}
}

test_classify if {
	facts.classify("111122223333") == {"kind": "root", "account": "111122223333", "service_linked": false, "value": "111122223333", "key": "arn:aws:iam::111122223333:root"}
	facts.classify("arn:aws:iam::111122223333:group/Admins").kind == "group"
	facts.classify("arn:aws:iam::111122223333:role/*").kind == "invalid"
	facts.classify("arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling").service_linked
}

test_restricts_callers if {
	f := facts.at with input as {"Statement": [
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}},
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEqualsIfExists": {"kms:CallerAccount": "111122223333"}}},
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}},
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}}},
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc"}}},
	]}
	facts.restricts_callers(f[0])
	not facts.restricts_callers(f[1])
	not facts.restricts_callers(f[2])
	facts.restricts_callers(f[3])
	not facts.restricts_callers(f[4])
}

test_names if {
	facts.names({"decrypt", "encrypt"}) == "kms:Decrypt, kms:Encrypt"
	facts.names(facts.all_actions) == "every KMS action"
	facts.names({"decrypt", "encrypt", "sign", "verify", "describekey", "getpublickey", "generatemac"}) == "kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateMac, kms:GetPublicKey and 2 more"
}

# The literal action tables are what the catalogue gives.
test_tables_match_catalog if {
	facts.all_actions == facts.all_actions_from_catalog
	facts.key_actions == facts.key_actions_from_catalog
	facts.read_actions == facts.read_actions_from_catalog
	facts.crypto_actions == facts.crypto_actions_from_catalog
	facts.admin_write_actions == facts.admin_write_actions_from_catalog
	facts.cross_account_actions == facts.cross_account_actions_from_catalog
	facts.prefixed_actions == {concat("", ["kms:", a]): a | some a, _ in catalog.actions}
}

# covered is IAM's action matching: a pattern covers the actions whose
# "kms:" name it matches whole, "*" any run of characters, "?" one, every
# other character as itself (Action element,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
test_covered_is_iam_match if {
	patterns := [
		"*", "kms:*", "kms:decrypt", "kms:nothing", "kms:", "", "s3:*", "s3:getobject",
		"kms:get*", "kms:*key", "kms:*alias", "kms:create*", "kms:re*", "kms:generatedatakey*", "kms:*e*y*",
		"kms:?ecrypt", "kms:decrypt?", "kms:d?crypt*", "?", "??????????????*", "*crypt", "k*", "km?:*",
		"kms*:decrypt", "*:decrypt", "x*:decrypt", "kms:*:*", "*:*", "kms:.*", "kms:de.rypt", "kms:(decrypt)*",
		"kms:[d]ecrypt*", "kms:de{c,x}rypt*", `kms:d\ecrypt*`, "kms:decrypt|sign*", "kms:^decrypt*",
		"kms:decrypt$*", "kms:+*", "kms:ü*", `kms:\\*`, "kms:decrypt\\",
		"kms:nothing*", "kms:decrypt*", "kms:decryptx*", "kms:**", "kms:?*", "kms:get?*", "kms:&*",
	]
	every p in patterns {
		facts.covered([p]) == {a | some a, _ in catalog.actions; pattern.like(p, concat("", ["kms:", a]))}
	}
	{p | some p in patterns; facts.matches_an_action(p)} == {p | some p in patterns; count(facts.covered([p])) > 0}
	facts.covered(patterns) == facts.all_actions
	facts.covered(["kms:get*", "kms:decrypt", "s3:*", "", "kms:(decrypt)*"]) == {a | some a in facts.all_actions; startswith(a, "get")} | {"decrypt"}
	facts.covered([]) == set()
	facts.covered(set()) == set()
}

# Every known key with a type, every kms: key of the catalogue's actions.
test_key_types if {
	facts.key_type("kms:viaservice") == "String"
	facts.key_type("kms:encryptioncontext:aws:logs:arn") == "String"
	facts.key_type("aws:principaltag/team") == "String"
	facts.key_type("aws:sourcearn") == "ARN"
	not facts.key_type("kms:encryptioncontext:")
	not facts.key_type("kms:viaservices")
}

# A statement whose conditions never hold grants nothing: not live.
test_live_allows if {
	facts.live_allows == {0} with input as {"Statement": [
		lint_test.root_statement,
		{"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "*"}}},
	]}
}
