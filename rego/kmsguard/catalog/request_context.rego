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
