package kmsguard.lint.extract_test

import data.kmsguard.lint.extract

# The stand-in stack is the catalog's (catalog.cloudformation, and the
# stand-in partition's row of catalog.partitions), as policyfile reads it:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
test_pseudo_parameters_from_the_catalog if {
	extract.pseudo == {
		"AWS::AccountId": "123456789012",
		"AWS::Region": "us-east-1",
		"AWS::Partition": "aws",
		"AWS::URLSuffix": "amazonaws.com",
	}
}

test_stand_in_stack_follows_the_catalog if {
	extract.pseudo["AWS::Region"] == "cn-north-1" with data.kmsguard.catalog.cloudformation as {
		"stand_in_account_id": "444455556666",
		"stand_in_partition": "aws-cn",
	}
	extract.arn_formats["AWS::KMS::Key"] == "arn:aws-cn:kms:cn-north-1:444455556666:key/%s" with data.kmsguard.catalog.cloudformation as {
		"stand_in_account_id": "444455556666",
		"stand_in_partition": "aws-cn",
	}
}

test_get_att_arn_of_a_role if {
	extract.get_att("R", "Arn") == "arn:aws:iam::123456789012:role/kmsguard-unresolved-R" with input as {"Resources": {"R": {"Type": "AWS::IAM::Role"}}}
}
