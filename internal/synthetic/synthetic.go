// Package synthetic builds deterministic synthetic snapshots for scale
// measurements (make scale) and sampled agreement tests.
package synthetic

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kmsguard/kmsguard/snapshot"
)

// Account is the account of the synthetic snapshot.
const Account = "111122223333"

// Snapshot builds a deterministic snapshot of one account with the given
// numbers of roles and keys: 20 teams, each with a key-use policy on its own
// keys; a few administrators and KMS power users; inline policies with
// encryption-context conditions; permissions boundaries; keys whose policies
// name their team's administrator and users (through S3 only), some shared
// with a partner account, some with grants.
func Snapshot(roles, keys int) map[string]any {
	const teams = 20
	doc := func(stmts ...map[string]any) map[string]any {
		list := make([]any, len(stmts))
		for i, s := range stmts {
			list[i] = s
		}
		return map[string]any{"Version": "2012-10-17", "Statement": list}
	}
	allow := func(actions, resource any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resource}
	}
	keyARN := func(j int) string {
		return fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-%05d", Account, j%teams, j)
	}
	roleARN := func(i int) string {
		return fmt.Sprintf("arn:aws:iam::%s:role/team-%02d/role-%05d", Account, i%teams, i)
	}
	admin := doc(allow("*", "*"))
	power := doc(allow("kms:*", "*"))
	teamUse := make([]map[string]any, teams)
	other := make([]map[string]any, 10)
	for t := range teams {
		teamUse[t] = doc(allow([]any{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"},
			fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/k-%02d-*", Account, t)))
	}
	for n := range other {
		other[n] = doc(allow([]any{"s3:GetObject", "s3:PutObject", fmt.Sprintf("dynamodb:Query%d", n)}, "*"),
			map[string]any{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "us-east-1"}}})
	}
	boundary := doc(allow([]any{"kms:Decrypt", "kms:Encrypt", "kms:DescribeKey", "s3:*", "ec2:*"}, "*"))

	principals := map[string]any{}
	roleIndex := map[string]any{}
	for i := range roles {
		pols := []any{other[i%10]}
		switch {
		case i%50 == 0:
			pols = append(pols, admin)
		case i%33 == 0:
			pols = append(pols, power)
		case i%5 < 2:
			pols = append(pols, teamUse[i%teams])
		}
		if i%10 == 3 {
			pols = append(pols, doc(map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:EncryptionContext:app": fmt.Sprintf("app-%d", i)}}}))
		}
		p := map[string]any{"identity_policies": pols}
		if i%5 == 4 {
			p["permissions_boundary"] = boundary
		}
		principals[roleARN(i)] = p
		roleIndex[fmt.Sprintf("%s:role-%05d", Account, i)] = roleARN(i)
	}
	keyMap := map[string]any{}
	for j := range keys {
		t := j % teams
		users := []any{roleARN((j * 7) % roles), roleARN((j*7 + teams) % roles), roleARN((j*7 + 2*teams) % roles)}
		stmts := []map[string]any{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + Account + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "Allow access for Key Administrators", "Effect": "Allow", "Principal": map[string]any{"AWS": roleARN(t)},
				"Action": []any{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}, "Resource": "*"},
			{"Sid": "Allow use of the key", "Effect": "Allow", "Principal": map[string]any{"AWS": users},
				"Action": []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, "Resource": "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
		}
		if j%5 == 0 {
			stmts = append(stmts, map[string]any{"Sid": "Partner", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::444455556666:root"},
				"Action": []any{"kms:Decrypt", "kms:DescribeKey"}, "Resource": "*"})
		}
		grants := []any{}
		if j%3 == 0 {
			grants = append(grants, map[string]any{"grant_id": "g-" + strconv.Itoa(j), "grantee_principal": roleARN((j * 13) % roles),
				"operations": []any{"Decrypt", "DescribeKey"}, "constraints": map[string]any{"encryption_context_subset": map[string]any{"app": "app-" + strconv.Itoa(j)}}})
		}
		keyMap[keyARN(j)] = map[string]any{
			"key_policy": doc(stmts...),
			"grants":     grants,
			"key": map[string]any{"aliases": []any{fmt.Sprintf("alias/k-%05d", j)}, "tags": map[string]any{"team": fmt.Sprintf("team-%02d", t)},
				"key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "multi_region": false, "key_manager": "CUSTOMER"},
		}
	}
	s := snapshot.New(time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC))
	s["keys"] = keyMap
	s["principals"] = principals
	s["roles"] = roleIndex
	s["accounts"] = map[string]any{Account: map[string]any{"scps": []any{[]any{doc(allow("*", "*"))}}}}
	// Round-trip through the snapshot reader, as the CLI loads a file.
	data, err := snapshot.Encode(s)
	if err != nil {
		panic(err)
	}
	parsed, err := snapshot.Parse(data)
	if err != nil {
		panic(err)
	}
	return parsed
}
