# METADATA
# title: KMS catalog, computed views
# description: |
#   Views of the catalog data (data.json) that other packages read. The
#   facts stay in data.json; these rules only reshape them.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
#   - https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html
package kmsguard.catalog

# request_defaults[action]: the documented defaults of request parameters
# of each action (request_context rows with fixed values for named actions
# and no key-spec limit), key -> values.
request_defaults := {a: {r.key: r.value |
	some r in data.kmsguard.catalog.request_context.rows
	r.value
	a in object.get(r, "actions", [])
	not r.key_specs
} |
	some row in data.kmsguard.catalog.request_context.rows
	row.value
	some a in object.get(row, "actions", [])
	not row.key_specs
}

# multivalued(k): condition key k (lower case) is multivalued: its type is
# ArrayOfString, AWS's type for keys that hold a list of values.
multivalued(k) if data.kmsguard.catalog.condition_keys.types[k] == "ArrayOfString"

# carries(act, k): requests for catalog action act can carry key k: a key
# every action carries (condition_keys.every_action), one of the action's
# condition_keys, or a key under one of its prefixes ("kms:EncryptionContext:").
carries(_, k) if k in data.kmsguard.catalog.condition_keys.every_action

carries(act, k) if k in act.condition_keys

carries(act, k) if {
	some prefix in act.condition_keys
	endswith(prefix, ":")
	startswith(k, prefix)
	count(k) > count(prefix)
}

# iam_only(k): condition key k (lower case) is one KMS supports only in IAM
# policies, never present in a key policy's request context
# (iam_only_condition_prefixes: a name ending in "/" is a prefix).
iam_only(k) if {
	some p in data.kmsguard.catalog.iam_only_condition_prefixes
	_names_key(p, k)
}

_names_key(p, k) if p == k

_names_key(p, k) if {
	endswith(p, "/")
	startswith(k, p)
}

# example_key_arn(partition, account): the key a question without a resource
# asks about, a key of the account in the partition's default Region
# (partitions rows); undefined for a partition the catalog does not know.
example_key_arn(partition, account) := sprintf("arn:%s:kms:%s:%s:key/%s", [
	partition, r.default_region, account,
	data.kmsguard.catalog.partitions.example_key_id,
]) if {
	some r in data.kmsguard.catalog.partitions.rows
	r.partition == partition
}
