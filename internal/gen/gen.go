// Package gen generates decision questions (docs/decision-format.md) for
// the tests that compare evaluators: the conformance test against
// @cloud-copilot/iam-simulate (conformance/), the differential and fuzz
// tests of the native engine, and the load generator. The questions are
// ones both kmsguard and iam-simulate can answer: every context key
// kmsguard derives and iam-simulate does not is given explicitly, with the
// value kmsguard would derive, and the shapes on which iam-simulate is known
// to be questionable (shared/iam-simulate-notes.md item 7) are not
// generated.
package gen

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strings"

	kmsrego "github.com/kmsguard/kmsguard/rego"
)

// Accounts, Regions and names used by the generator.
const (
	acctA = "111122223333" // key owner in most questions; member of o-a1b2c3d4e5
	acctB = "444455556666" // the other account
	orgA  = "o-a1b2c3d4e5"
	orgB  = "o-zz9988xx77"
)

// Category names, in the order questions are drawn.
const (
	CatRootDelegation = "root-delegation"
	CatDirectGrant    = "direct-grant"
	CatCrossAccount   = "cross-account"
	CatService        = "service-principal"
	CatViaService     = "via-service"
	CatEncContext     = "encryption-context"
	CatNotElements    = "not-action-principal"
	CatWildcards      = "wildcards"
	CatOperators      = "operators"
	CatGuardrails     = "guardrails"
)

type category struct {
	name   string
	weight int
	build  func(b *qb)
}

var categories = []category{
	{CatRootDelegation, 14, buildRootDelegation},
	{CatDirectGrant, 12, buildDirectGrant},
	{CatCrossAccount, 13, buildCrossAccount},
	{CatService, 10, buildService},
	{CatViaService, 8, buildViaService},
	{CatEncContext, 9, buildEncContext},
	{CatNotElements, 7, buildNotElements},
	{CatWildcards, 7, buildWildcards},
	{CatOperators, 10, buildOperators},
	{CatGuardrails, 10, buildGuardrails},
}

// CategoryOf returns the category of a generated question (the part of its
// id before the slash).
func CategoryOf(q map[string]any) string {
	id, _ := q["id"].(string)
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}

// Generate returns n questions in kmsguard's format, deterministic for a
// given seed. Each question's id is "category/number".
func Generate(n int, seed uint64) []map[string]any {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, c := range categories {
		total += c.weight
	}
	out := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		x := r.IntN(total)
		var cat category
		for _, c := range categories {
			if x < c.weight {
				cat = c
				break
			}
			x -= c.weight
		}
		b := &qb{r: r}
		cat.build(b)
		out = append(out, b.question(fmt.Sprintf("%s/%05d", cat.name, i)))
	}
	return out
}

// ---------------------------------------------------------------------------
// Actions

// Key-bound actions that kmsguard decides from the key policy, identity
// policies and guardrails alone. Left out on purpose: IAM-only actions
// (CreateKey, ListKeys, ...), alias operations, ReplicateKey and RetireGrant,
// which kmsguard decides by documented extra rules that a one-resource
// simulation cannot express (docs/decision-format.md).
var (
	// crossCapable and sameAccountOnly come from kmsguard's action catalogue
	// (rego/kmsguard/catalog/data.json), so the known-difference predicate
	// and the policy agree by construction.
	crossCapable, sameAccountOnly = catalogKeyActions()
	// Actions with an EncryptionContext parameter.
	ecActions = []string{
		"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
		"GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
		"GenerateDataKeyPairWithoutPlaintext", "CreateGrant",
	}
	useActions   = []string{"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "DescribeKey"}
	adminActions = []string{"DescribeKey", "PutKeyPolicy", "GetKeyPolicy", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "TagResource", "UntagResource", "EnableKeyRotation", "UpdateKeyDescription", "ListResourceTags"}
)

// catalogKeyActions splits the catalogue's key-bound actions into those AWS
// lets another account use and the rest; ReplicateKey is left out (kmsguard
// decides it with an extra IAM requirement, see docs/decision-format.md).
func catalogKeyActions() (cross, same []string) {
	data, err := fs.ReadFile(kmsrego.FS, "kmsguard/catalog/data.json")
	if err != nil {
		panic(fmt.Sprintf("conformance: read the action catalogue: %v", err))
	}
	var catalog struct {
		Actions map[string]struct {
			Name         string `json:"name"`
			Scope        string `json:"scope"`
			CrossAccount bool   `json:"cross_account"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(data, &catalog); err != nil {
		panic(fmt.Sprintf("conformance: parse the action catalogue: %v", err))
	}
	for _, a := range catalog.Actions {
		switch {
		case a.Scope != "key" || a.Name == "ReplicateKey":
		case a.CrossAccount:
			cross = append(cross, a.Name)
		default:
			same = append(same, a.Name)
		}
	}
	sort.Strings(cross)
	sort.Strings(same)
	return cross, same
}

// CrossAccountCapable reports whether AWS lets another account use the action
// on a key (docs/aws-rules.md#s3-2).
func CrossAccountCapable(action string) bool {
	name := strings.TrimPrefix(strings.ToLower(action), "kms:")
	for _, a := range crossCapable {
		if strings.ToLower(a) == name {
			return true
		}
	}
	return false
}

func isECAction(a string) bool {
	for _, x := range ecActions {
		if x == a {
			return true
		}
	}
	return false
}

// Action patterns used in policies: [pattern, actions it covers are found by
// matching].
var actionPatterns = []string{
	"kms:*", "kms:Generate*", "kms:GenerateDataKey*", "kms:*Key", "kms:ReEncrypt*",
	"kms:Describe*", "kms:Get*", "kms:List*", "kms:Enable*", "kms:Disable*", "kms:*crypt",
	"kms:De?rypt", "kms:?ncrypt", "kms:Sign", "kms:Verify*", "kms:*Grant*", "*",
	"kms:Put*", "kms:*Tag*", "kms:Schedule*", "kms:Re*",
}

// ---------------------------------------------------------------------------
// Question builder

type keyInfo struct {
	account, region, arn, id string
}

type caller struct {
	kind      string // user, session, role, federated, root, service
	principal string // as given in the question
	account   string
	arn       string // aws:PrincipalArn
	roleARN   string // role of a session or role caller
	session   string // session ARN of an assumed-role caller
	username  string // IAM users
	service   string // service principals
}

func (c caller) isIAM() bool { return c.kind != "service" }

// canHavePolicies: the caller has identity policies (for a federated user,
// those of the IAM user who federated).
func (c caller) canHavePolicies() bool {
	return c.kind == "user" || c.kind == "session" || c.kind == "role" || c.kind == "federated" || c.kind == "slr"
}

// canHaveBoundary: boundaries are given to users and roles only.
func (c caller) canHaveBoundary() bool {
	return c.kind == "user" || c.kind == "session" || c.kind == "role"
}

type qb struct {
	r        *rand.Rand
	key      keyInfo
	c        caller
	action   string
	ctx      map[string]any
	kp       []any // key policy statements
	identity []any // identity policy documents
	boundary map[string]any
	scps     []any
	rcps     []any
	// requestTime, when set, is the question's request_time (kmsguard
	// derives aws:CurrentTime and aws:EpochTime from it; the oracle is given
	// them).
	requestTime string
	// starAllow is set when the key policy has an Allow for "*"; such a
	// statement is never combined with a permissions boundary or a service
	// caller (questionable in iam-simulate, see iam-simulate-notes.md item 7).
	starAllow bool
}

func (b *qb) question(id string) map[string]any {
	q := map[string]any{
		"id":         id,
		"principal":  b.c.principal,
		"action":     b.actionName(),
		"resource":   b.key.arn,
		"context":    b.ctx,
		"key_policy": policy(b.kp),
	}
	if len(b.identity) > 0 {
		q["identity_policies"] = b.identity
	}
	if b.boundary != nil {
		q["permissions_boundary"] = b.boundary
	}
	if len(b.scps) > 0 {
		q["scps"] = b.scps
	}
	if len(b.rcps) > 0 {
		q["rcps"] = b.rcps
	}
	if b.requestTime != "" {
		q["request_time"] = b.requestTime
	}
	return q
}

// actionName writes the request action, now and then in another case.
func (b *qb) actionName() string {
	a := "kms:" + b.action
	if b.chance(0.04) {
		return strings.ToLower(a)
	}
	return a
}

func policy(stmts []any) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

func (b *qb) chance(p float64) bool { return b.r.Float64() < p }
func (b *qb) intn(n int) int        { return b.r.IntN(n) }
func pick[T any](b *qb, xs []T) T   { return xs[b.r.IntN(len(xs))] }

func (b *qb) pickN(xs []string, lo, hi int) []string {
	n := lo + b.intn(hi-lo+1)
	perm := b.r.Perm(len(xs))
	out := make([]string, 0, n)
	for _, i := range perm[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

func other(acct string) string {
	if acct == acctA {
		return acctB
	}
	return acctA
}

var keyIDs = []string{
	"1234abcd-12ab-34cd-56ef-1234567890ab",
	"0987dcba-09fe-87dc-65ba-ab0987654321",
	"mrk-1234abcd12ab34cd56ef1234567890ab",
	"f1e2d3c4-b5a6-4789-9abc-def012345678",
}

func (b *qb) newKey(account string) {
	region := "us-east-1"
	switch b.intn(10) {
	case 0:
		region = "us-west-2"
	case 1:
		region = "eu-west-1"
	}
	id := pick(b, keyIDs)
	b.key = keyInfo{account: account, region: region, id: id,
		arn: fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, account, id)}
}

var (
	usersA     = []string{"alice", "bob", "dave"}
	usersB     = []string{"carol", "erin"}
	rolesA     = []string{"App", "Admin", "DataReader", "Ops"}
	rolesB     = []string{"Ext", "Partner"}
	sessions   = []string{"s1", "i-0abc1234def567890", "botocore-session-1700000000", "alice@example.com"}
	federateds = []string{"fed-frank", "partner-gina"}
)

func usersOf(acct string) []string {
	if acct == acctA {
		return usersA
	}
	return usersB
}

func rolesOf(acct string) []string {
	if acct == acctA {
		return rolesA
	}
	return rolesB
}

// newCaller picks an IAM caller of the given kind in acct.
func (b *qb) newCaller(acct, kind string) {
	c := caller{kind: kind, account: acct}
	switch kind {
	case "user":
		name := pick(b, usersOf(acct))
		path := ""
		if b.chance(0.08) {
			path = "engineering/"
		}
		c.principal = fmt.Sprintf("arn:aws:iam::%s:user/%s%s", acct, path, name)
		c.arn = c.principal
		c.username = name
	case "session":
		role := pick(b, rolesOf(acct))
		c.roleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, role)
		c.session = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", acct, role, pick(b, sessions))
		c.principal = c.session
		c.arn = c.roleARN
	case "role":
		role := pick(b, rolesOf(acct))
		c.roleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, role)
		c.principal = c.roleARN
		c.arn = c.roleARN
	case "federated":
		c.principal = fmt.Sprintf("arn:aws:sts::%s:federated-user/%s", acct, pick(b, federateds))
		c.arn = c.principal
	case "slr":
		c.roleARN = fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", acct)
		c.principal = c.roleARN
		c.arn = c.roleARN
	case "root":
		c.arn = fmt.Sprintf("arn:aws:iam::%s:root", acct)
		c.principal = c.arn
		if b.chance(0.4) {
			c.principal = acct
		}
	default:
		panic("unknown caller kind " + kind)
	}
	b.c = c
}

func (b *qb) randomIAMCaller(acct string, rootP float64) {
	if b.chance(rootP) {
		b.newCaller(acct, "root")
		return
	}
	switch x := b.intn(100); {
	case x < 40:
		b.newCaller(acct, "user")
	case x < 75:
		b.newCaller(acct, "session")
	case x < 90:
		b.newCaller(acct, "role")
	default:
		b.newCaller(acct, "federated")
	}
}

var services = []string{
	"logs.%s.amazonaws.com", "cloudtrail.amazonaws.com", "iotfleetwise.amazonaws.com",
}

func (b *qb) serviceCaller(name string) {
	b.c = caller{kind: "service", principal: name, service: name}
}

// principalType is the aws:PrincipalType kmsguard derives.
func (c caller) principalType() string {
	switch c.kind {
	case "user":
		return "User"
	case "session", "role", "slr":
		return "AssumedRole"
	case "federated":
		return "FederatedUser"
	case "root":
		return "Account"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Request context

var (
	viaServices = []string{
		"s3.%s.amazonaws.com", "ec2.%s.amazonaws.com", "secretsmanager.%s.amazonaws.com",
		"rds.%s.amazonaws.com", "dynamodb.%s.amazonaws.com", "lambda.us-west-2.amazonaws.com",
	}
	sourceIPs = []string{"203.0.113.7", "203.0.113.200", "198.51.100.14", "10.1.2.3", "192.0.2.10", "2001:db8::1", "2001:db8:1234::77"}
	cidrs     = []string{"203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8", "192.0.2.10/32", "192.0.2.10", "2001:db8::/32", "203.0.113.128/25"}
	times     = []string{"2024-06-01T00:00:00Z", "2025-03-15T10:00:00Z", "2026-01-10T08:30:00Z", "2026-07-04T12:00:00Z"}
	dateVals  = []string{"2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z", "2026-01-10T08:30:00Z", "2026-12-31T23:59:59Z", "2025-03-15T10:00:00Z", "2025-03-15", "2026-01-10T09:30:00+01:00", "2026-01-10T08:30:00.000Z"}
	// aws:EpochTime values of times, and policy values in epoch seconds.
	epochOf   = map[string]int64{"2024-06-01T00:00:00Z": 1717200000, "2025-03-15T10:00:00Z": 1742032800, "2026-01-10T08:30:00Z": 1768033800, "2026-07-04T12:00:00Z": 1783166400}
	epochVals = []string{"1735689600", "1742032800", "1768033800", "1798761599", "1700000000"}
	// Encryption-context key names, as callers spell them.
	ecKeyNames = []string{"AppName", "appname", "Project", "Department", "aws:s3:arn", "aws:logs:arn", "aws:ebs:id", "user"}
	ecValues   = map[string][]string{
		"appname":            {"ExampleApp", "exampleapp", "Billing", "Payroll-v2"},
		"project":            {"Alpha", "Beta", "alpha", "Gamma-7"},
		"department":         {"IT", "Finance", "it"},
		"aws:s3:arn":         {"arn:aws:s3:::finance-bucket/report.csv", "arn:aws:s3:::finance-bucket", "arn:aws:s3:::other-bucket/x"},
		"aws:logs:arn":       {"arn:aws:logs:%s:%s:log-group:app", "arn:aws:logs:%s:%s:log-group:other", "arn:aws:logs:%s:%s:anomaly-detector:ad1"},
		"aws:ebs:id":         {"vol-0123456789abcdef0", "snap-0fedcba9876543210"},
		"user":               {"alice", "bob", "carol"},
		"aws:cloudtrail:arn": {"arn:aws:cloudtrail:%s:%s:trail/finance", "arn:aws:cloudtrail:%s:%s:trail/other"},
	}
	tagKeys   = []string{"Project", "Owner", "CostCenter", "project", "aws-backup"}
	tagValues = []string{"Alpha", "Beta", "alice", "1234"}
	grantOps  = []string{"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant", "RetireGrant"}
	algos     = []string{"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"}
)

func (b *qb) regional(pattern string) string {
	if strings.Contains(pattern, "%s") {
		return fmt.Sprintf(pattern, b.key.region)
	}
	return pattern
}

func (b *qb) ecValue(name string) string {
	v := pick(b, ecValues[strings.ToLower(name)])
	if strings.Contains(v, "%s") {
		acct := b.key.account
		if b.chance(0.2) {
			acct = other(acct)
		}
		v = fmt.Sprintf(v, b.key.region, acct)
	}
	return v
}

// baseContext fills the context keys kmsguard derives (with the values it
// derives) plus request keys an AWS request would carry.
func (b *qb) baseContext() {
	ctx := map[string]any{
		"aws:RequestedRegion": b.key.region,
		"aws:ResourceAccount": b.key.account,
	}
	b.ctx = ctx
	if b.c.kind == "service" {
		ctx["aws:PrincipalIsAWSService"] = true
		ctx["aws:PrincipalServiceName"] = b.c.service
		if b.chance(0.5) {
			ctx["aws:SecureTransport"] = true
		}
		b.requestTimeContext()
		b.actionContext(false)
		return
	}
	ctx["aws:PrincipalArn"] = b.c.arn
	ctx["aws:PrincipalAccount"] = b.c.account
	ctx["kms:CallerAccount"] = b.c.account
	ctx["aws:PrincipalType"] = b.c.principalType()
	ctx["aws:PrincipalIsAWSService"] = false
	if b.c.username != "" {
		ctx["aws:username"] = b.c.username
	}
	// Every KMS request is sent over TLS: aws:SecureTransport is true,
	// given or derived (false would be an error).
	if b.chance(0.5) {
		ctx["aws:SecureTransport"] = true
	}
	b.requestTimeContext()
	via := b.chance(0.3)
	if via {
		ctx["kms:ViaService"] = b.regional(pick(b, viaServices))
		ctx["aws:ViaAWSService"] = true
	} else if b.chance(0.5) {
		ctx["aws:ViaAWSService"] = false
	}
	if b.chance(0.7) {
		ctx["aws:SourceIp"] = pick(b, sourceIPs)
	}
	if b.c.account == acctA && b.chance(0.75) {
		ctx["aws:PrincipalOrgID"] = orgA
		if b.chance(0.5) {
			ctx["aws:PrincipalOrgPaths"] = []any{orgA + "/r-ab12/ou-ab12-11111111/" + pick(b, []string{"", "ou-ab12-22222222/"})}
		}
	} else if b.c.account == acctB && b.chance(0.3) {
		ctx["aws:PrincipalOrgID"] = orgB
	}
	if b.c.kind != "root" && b.chance(0.3) {
		ctx["aws:PrincipalTag/team"] = pick(b, []string{"payments", "platform", "Payments"})
	}
	if b.c.kind != "root" && b.chance(0.2) {
		ctx["aws:PrincipalTag/keyid"] = pick(b, []string{b.key.id, b.key.id, keyIDs[0], keyIDs[1]})
	}
	if b.c.kind != "root" && b.chance(0.25) {
		mfa := b.chance(0.5)
		ctx["aws:MultiFactorAuthPresent"] = mfa
		if mfa {
			ctx["aws:MultiFactorAuthAge"] = pick(b, []int{30, 900, 4000, 86400})
		}
	}
	b.actionContext(via)
}

// requestTimeContext gives the time of the request: as request_time (from
// which kmsguard derives aws:CurrentTime and aws:EpochTime) or as context
// keys. A question that tests the time always has one, so that no answer
// depends on the clock.
func (b *qb) requestTimeContext() {
	t := pick(b, times)
	if b.chance(0.5) {
		b.requestTime = t
		return
	}
	b.ctx["aws:CurrentTime"] = t
	if b.chance(0.8) {
		b.ctx["aws:EpochTime"] = epochOf[t]
	}
}

// actionContext adds the request-parameter keys of the action. Keys whose
// parameter has a default are always given (kmsguard fills defaults,
// iam-simulate does not).
func (b *qb) actionContext(via bool) {
	ctx := b.ctx
	a := b.action
	if isECAction(a) {
		if b.chance(0.7) {
			names := b.pickN(ecKeyNames, 1, 3)
			seen := map[string]bool{}
			var keys []any
			for _, n := range names {
				if seen[strings.ToLower(n)] {
					continue
				}
				seen[strings.ToLower(n)] = true
				ctx["kms:EncryptionContext:"+n] = b.ecValue(n)
				keys = append(keys, n)
			}
			ctx["kms:EncryptionContextKeys"] = keys
		}
		if a != "CreateGrant" && b.chance(0.5) {
			ctx["kms:EncryptionAlgorithm"] = pick(b, algos)
		}
	}
	switch a {
	case "CreateGrant":
		ops := b.pickN(grantOps, 1, 3)
		l := make([]any, len(ops))
		for i, o := range ops {
			l[i] = o
		}
		ctx["kms:GrantOperations"] = l
		ctx["kms:GranteePrincipal"] = fmt.Sprintf("arn:aws:iam::%s:role/%s", b.key.account, pick(b, rolesA))
		ctx["kms:GrantIsForAWSResource"] = via
	case "ListGrants", "RevokeGrant":
		ctx["kms:GrantIsForAWSResource"] = via
	case "ScheduleKeyDeletion":
		ctx["kms:ScheduleKeyDeletionPendingWindowInDays"] = pick(b, []int{7, 10, 14, 30})
	case "EnableKeyRotation":
		ctx["kms:RotationPeriodInDays"] = pick(b, []int{90, 180, 365, 730})
	case "PutKeyPolicy":
		ctx["kms:BypassPolicyLockoutSafetyCheck"] = b.chance(0.2)
	case "TagResource", "UntagResource":
		ks := b.pickN(tagKeys, 1, 2)
		seen := map[string]bool{}
		var l []any
		for _, k := range ks {
			if seen[strings.ToLower(k)] {
				continue
			}
			seen[strings.ToLower(k)] = true
			l = append(l, k)
			if a == "TagResource" {
				ctx["aws:RequestTag/"+k] = pick(b, tagValues)
			}
		}
		ctx["aws:TagKeys"] = l
	}
}

// ---------------------------------------------------------------------------
// Conditions

type atom func(b *qb) (op, key string, val any, ok bool)

// values returns one or two candidate values; the first is the context value
// when one exists and a coin says so, so that conditions match about half of
// the time.
func (b *qb) values(key string, pool []string, hit float64) any {
	var vs []string
	if cur, ok := b.ctx[key].(string); ok && b.chance(hit) {
		vs = append(vs, cur)
	} else {
		vs = append(vs, pick(b, pool))
	}
	if b.chance(0.3) {
		vs = append(vs, pick(b, pool))
	}
	if len(vs) == 1 && b.chance(0.7) {
		return vs[0]
	}
	l := make([]any, len(vs))
	for i, v := range vs {
		l[i] = v
	}
	return l
}

func (b *qb) regionalPool(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = b.regional(p)
	}
	return out
}

func atomViaService(b *qb) (string, string, any, bool) {
	pool := b.regionalPool(viaServices)
	switch x := b.intn(8); x {
	case 0, 1:
		return pick(b, []string{"StringEquals", "StringEqualsIfExists"}), "kms:ViaService", b.values("kms:ViaService", pool, 0.6), true
	case 2:
		return pick(b, []string{"StringNotEquals", "StringNotEqualsIfExists"}), "kms:ViaService", b.values("kms:ViaService", pool, 0.6), true
	case 3, 4:
		likes := []string{"s3.*.amazonaws.com", "*.amazonaws.com", "ec2.us-?ast-1.amazonaws.com", b.regional("*.%s.amazonaws.com"), "secrets*", "*"}
		return pick(b, []string{"StringLike", "StringNotLike", "StringLikeIfExists"}), "kms:ViaService", pick(b, likes), true
	case 5:
		v := b.values("kms:ViaService", pool, 0.6)
		if s, ok := v.(string); ok {
			v = strings.ToUpper(s[:1]) + s[1:]
		}
		return pick(b, []string{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}), "kms:ViaService", v, true
	case 6:
		return "Null", "kms:ViaService", pick(b, []string{"true", "false"}), true
	default:
		return "Bool", "aws:ViaAWSService", pick(b, []any{"true", "false", true}), true
	}
}

func atomCallerAccount(b *qb) (string, string, any, bool) {
	if !b.c.isIAM() {
		return "", "", nil, false
	}
	op := pick(b, []string{"StringEquals", "StringEquals", "StringNotEquals", "StringLike"})
	return op, pick(b, []string{"kms:CallerAccount", "aws:PrincipalAccount"}), b.values("kms:CallerAccount", []string{acctA, acctB}, 0.6), true
}

func atomPrincipalArn(b *qb) (string, string, any, bool) {
	if !b.c.isIAM() {
		return "", "", nil, false
	}
	acct := b.c.account
	if b.chance(0.2) {
		acct = other(acct)
	}
	pool := []string{
		fmt.Sprintf("arn:aws:iam::%s:role/*", acct),
		fmt.Sprintf("arn:aws:iam::%s:user/*", acct),
		fmt.Sprintf("arn:aws:iam::*:role/%s", pick(b, rolesOf(acct))),
		fmt.Sprintf("arn:aws:iam::%s:*", acct),
		fmt.Sprintf("arn:aws:iam::%s:user/%s", acct, pick(b, usersOf(acct))),
		fmt.Sprintf("arn:aws:iam::%s:root", acct),
		fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, pick(b, rolesOf(acct))),
	}
	op := pick(b, []string{"ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "StringLike", "ArnLikeIfExists"})
	if op == "ArnEquals" || op == "ArnNotEquals" {
		// exact values only
		pool = []string{pool[4], pool[5], pool[6]}
	}
	return op, "aws:PrincipalArn", b.values("aws:PrincipalArn", pool, 0.5), true
}

func atomPrincipalMisc(b *qb) (string, string, any, bool) {
	if !b.c.isIAM() {
		return "", "", nil, false
	}
	switch b.intn(7) {
	case 5:
		// a policy variable in an ARN operator (a known difference of
		// iam-simulate)
		if b.chance(0.15) {
			return pick(b, []string{"ArnLike", "ArnNotLike"}), "aws:PrincipalArn", pick(b, []string{
				"arn:aws:iam::${aws:PrincipalAccount}:*", "arn:aws:iam::${aws:PrincipalAccount}:role/*"}), true
		}
		return pick(b, []string{"StringLike", "StringEquals"}), "aws:PrincipalArn", pick(b, []string{
			"arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}", "arn:aws:iam::*:user/${aws:username}", "${aws:PrincipalArn}"}), true
	case 6:
		return pick(b, []string{"ForAnyValue:StringLike", "ForAllValues:StringLike", "ForAnyValue:StringEquals"}), "aws:PrincipalOrgPaths", pick(b, []any{
			orgA + "/r-ab12/ou-ab12-11111111/*", []any{orgA + "/*", orgB + "/*"}, orgA + "/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"}), true
	case 0:
		return "StringEquals", "aws:PrincipalType", b.values("aws:PrincipalType", []string{"User", "AssumedRole", "Account", "FederatedUser"}, 0.5), true
	case 1:
		return pick(b, []string{"StringEquals", "StringNotEqualsIfExists", "StringNotEquals"}), "aws:PrincipalOrgID", b.values("aws:PrincipalOrgID", []string{orgA, orgB}, 0.6), true
	case 2:
		return "StringLike", "aws:PrincipalOrgID", pick(b, []string{"o-a1*", "o-*", "o-zz?988xx77"}), true
	case 3:
		return pick(b, []string{"StringEquals", "StringEqualsIgnoreCase", "StringLike"}), "aws:PrincipalTag/team", b.values("aws:PrincipalTag/team", []string{"payments", "platform", "pay*"}, 0.5), true
	default:
		return "Bool", "aws:PrincipalIsAWSService", pick(b, []any{"false", "true", false}), true
	}
}

func atomSourceIP(b *qb) (string, string, any, bool) {
	if !b.c.isIAM() {
		return "", "", nil, false
	}
	op := pick(b, []string{"IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists"})
	if b.chance(0.02) {
		return op, "aws:SourceIp", "0.0.0.0/0", true // a known difference of iam-simulate
	}
	return op, "aws:SourceIp", b.values("", cidrs, 0), true
}

func atomTime(b *qb) (string, string, any, bool) {
	op := pick(b, []string{"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "DateEquals", "DateNotEquals"})
	if b.chance(0.25) {
		// epoch seconds on both sides
		return op, "aws:EpochTime", pick(b, epochVals), true
	}
	if b.chance(0.025) {
		// epoch seconds against an ISO 8601 request time (a known
		// difference of iam-simulate)
		return op, "aws:CurrentTime", pick(b, epochVals), true
	}
	return op, "aws:CurrentTime", pick(b, dateVals), true
}

func atomBool(b *qb) (string, string, any, bool) {
	if !b.c.isIAM() {
		return pick(b, []string{"Bool", "BoolIfExists"}), "aws:SecureTransport", pick(b, []any{"true", "false", true, false}), true
	}
	switch b.intn(4) {
	case 0:
		return pick(b, []string{"Bool", "BoolIfExists"}), "aws:SecureTransport", pick(b, []any{"true", "false", true, false}), true
	case 3:
		// kms:MultiRegion, derived from the key id (mrk-).
		return pick(b, []string{"Bool", "BoolIfExists"}), "kms:MultiRegion", pick(b, []any{"true", "false", true, false}), true
	case 1:
		return pick(b, []string{"Bool", "BoolIfExists"}), "aws:MultiFactorAuthPresent", pick(b, []any{"true", "false"}), true
	default:
		return pick(b, []string{"NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericLessThanIfExists"}), "aws:MultiFactorAuthAge", pick(b, []any{"3600", 600, "86400"}), true
	}
}

func atomNull(b *qb) (string, string, any, bool) {
	keys := []string{"kms:ViaService", "aws:SourceIp", "aws:PrincipalOrgID", "aws:MultiFactorAuthAge"}
	if isECAction(b.action) {
		keys = append(keys, "kms:EncryptionContextKeys", "kms:EncryptionContext:AppName", "kms:encryptioncontext:project")
	}
	if !b.c.isIAM() {
		keys = []string{"aws:SourceArn", "aws:SourceAccount"}
		if isECAction(b.action) {
			keys = append(keys, "kms:EncryptionContextKeys", "kms:EncryptionContext:aws:logs:arn")
		}
	}
	return "Null", pick(b, keys), pick(b, []any{"true", "false", true}), true
}

// spell writes an encryption-context key name in the case a policy author
// might use.
func (b *qb) spell(name string) string {
	switch b.intn(4) {
	case 0:
		return strings.ToLower(name)
	case 1:
		if !strings.HasPrefix(name, "aws:") {
			return strings.ToUpper(name[:1]) + name[1:]
		}
	}
	return name
}

func atomEC(b *qb) (string, string, any, bool) {
	if !isECAction(b.action) {
		return "", "", nil, false
	}
	name := pick(b, ecKeyNames)
	// Reuse a key the request carries most of the time.
	if ks, ok := b.ctx["kms:EncryptionContextKeys"].([]any); ok && b.chance(0.7) {
		name = ks[b.intn(len(ks))].(string)
	}
	prefix := pick(b, []string{"kms:EncryptionContext:", "kms:EncryptionContext:", "kms:encryptioncontext:"})
	key := prefix + b.spell(name)
	cur, _ := b.ctx["kms:EncryptionContext:"+name].(string)
	val := func() string {
		if cur != "" && b.chance(0.6) {
			return cur
		}
		return b.ecValue(name)
	}
	lname := strings.ToLower(name)
	switch x := b.intn(9); {
	case x < 3:
		return pick(b, []string{"StringEquals", "StringEquals", "StringEqualsIfExists"}), key, val(), true
	case x == 3:
		if lname == "user" {
			// docs/aws-rules.md#k-cond's example; aws:username exists for IAM users only.
			if b.chance(0.25) {
				return "StringNotEquals", key, "${aws:username}", true
			}
			return "StringEquals", key, "${aws:username}", true
		}
		return "StringNotEquals", key, val(), true
	case x == 4:
		v := val()
		if len(v) > 3 {
			v = v[:len(v)-2] + "*"
		}
		return pick(b, []string{"StringLike", "StringNotLike"}), key, v, true
	case x == 5:
		return pick(b, []string{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}), key, strings.ToUpper(val()), true
	case x == 6 && (lname == "aws:logs:arn" || lname == "aws:s3:arn"):
		pat := val()
		if b.chance(0.5) {
			if i := strings.LastIndexAny(pat, ":/"); i > 0 {
				pat = pat[:i+1] + "*"
			}
		}
		return pick(b, []string{"ArnLike", "ArnEquals", "ArnNotLike"}), key, pat, true
	case x == 7:
		return "Null", key, pick(b, []string{"true", "false"}), true
	default:
		return "StringEquals", key, val(), true
	}
}

func atomECKeys(b *qb) (string, string, any, bool) {
	if !isECAction(b.action) {
		return "", "", nil, false
	}
	op := pick(b, []string{
		"ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringLike",
		"ForAnyValue:StringLike", "ForAllValues:StringNotEquals", "ForAnyValue:StringNotEquals",
		"ForAllValues:StringEqualsIgnoreCase", "ForAnyValue:StringNotLike",
	})
	names := b.pickN(ecKeyNames, 1, 3)
	if ks, ok := b.ctx["kms:EncryptionContextKeys"].([]any); ok && b.chance(0.5) {
		names = append(names, ks[0].(string))
	}
	l := make([]any, 0, len(names))
	for _, n := range names {
		if strings.HasSuffix(op, "Like") && b.chance(0.4) && len(n) > 3 {
			n = n[:3] + "*"
		}
		l = append(l, n)
	}
	return op, pick(b, []string{"kms:EncryptionContextKeys", "kms:encryptioncontextkeys"}), l, true
}

func atomAction(b *qb) (string, string, any, bool) {
	switch b.action {
	case "ScheduleKeyDeletion":
		op := pick(b, []string{"NumericGreaterThanEquals", "NumericLessThan", "NumericEquals", "NumericNotEquals", "NumericGreaterThan", "NumericLessThanEquals"})
		return op, "kms:ScheduleKeyDeletionPendingWindowInDays", pick(b, []any{"7", 14, "30", "10", 20}), true
	case "EnableKeyRotation":
		op := pick(b, []string{"NumericLessThanEquals", "NumericGreaterThan", "NumericEquals"})
		return op, "kms:RotationPeriodInDays", pick(b, []any{"180", 365, "90"}), true
	case "CreateGrant":
		switch b.intn(3) {
		case 0:
			return "Bool", "kms:GrantIsForAWSResource", pick(b, []any{"true", true, "false"}), true
		case 1:
			l := []any{}
			for _, o := range b.pickN(grantOps, 1, 4) {
				l = append(l, o)
			}
			return pick(b, []string{"ForAllValues:StringEquals", "ForAnyValue:StringEquals"}), "kms:GrantOperations", l, true
		default:
			return pick(b, []string{"StringEquals", "ArnLike"}), "kms:GranteePrincipal", pick(b, []string{
				fmt.Sprintf("arn:aws:iam::%s:role/App", b.key.account), fmt.Sprintf("arn:aws:iam::%s:role/*", b.key.account),
			}), true
		}
	case "ListGrants", "RevokeGrant":
		return "Bool", "kms:GrantIsForAWSResource", pick(b, []any{"true", "false"}), true
	case "PutKeyPolicy":
		return "Bool", "kms:BypassPolicyLockoutSafetyCheck", pick(b, []any{"true", "false"}), true
	case "TagResource", "UntagResource":
		if b.action == "TagResource" && b.chance(0.4) {
			k := pick(b, tagKeys)
			return pick(b, []string{"StringEquals", "StringLike"}), "aws:RequestTag/" + b.spell(k), pick(b, tagValues), true
		}
		l := []any{}
		for _, k := range b.pickN(tagKeys, 1, 3) {
			l = append(l, k)
		}
		return pick(b, []string{"ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringLike", "ForAnyValue:StringNotEquals"}), "aws:TagKeys", l, true
	}
	if isECAction(b.action) && b.action != "CreateGrant" {
		return pick(b, []string{"StringEquals", "StringNotEquals", "StringEqualsIfExists"}), "kms:EncryptionAlgorithm", b.values("kms:EncryptionAlgorithm", algos, 0.5), true
	}
	return "", "", nil, false
}

func atomSource(b *qb) (string, string, any, bool) {
	if b.c.isIAM() {
		return "", "", nil, false
	}
	acct := b.key.account
	if b.chance(0.2) {
		acct = other(acct)
	}
	switch b.intn(5) {
	case 0, 1:
		arn, _ := b.ctx["aws:SourceArn"].(string)
		if arn == "" || b.chance(0.3) {
			arn = b.sourceArn(acct)
		}
		op := pick(b, []string{"ArnEquals", "StringEquals", "ArnLike"})
		return op, "aws:SourceArn", arn, true
	case 2:
		pats := []string{
			fmt.Sprintf("arn:aws:%s:*:%s:*", b.serviceArnPrefix(), acct),
			fmt.Sprintf("arn:aws:%s:%s:%s:*", b.serviceArnPrefix(), b.key.region, acct),
		}
		return pick(b, []string{"ArnLike", "StringLike", "ArnNotLike"}), "aws:SourceArn", pick(b, pats), true
	case 3:
		return pick(b, []string{"StringEquals", "StringLike", "StringNotEquals"}), "aws:SourceAccount", acct, true
	default:
		return "StringEquals", "aws:PrincipalServiceName", b.values("aws:PrincipalServiceName", []string{b.regional(services[0]), services[1], services[2]}, 0.6), true
	}
}

// condition builds a Condition block from one or two atoms.
func (b *qb) condition(atoms ...atom) map[string]any {
	n := 1
	if b.chance(0.3) {
		n = 2
	}
	cond := map[string]any{}
	for tries := 0; n > 0 && tries < 20; tries++ {
		op, key, val, ok := pick(b, atoms)(b)
		if !ok {
			continue
		}
		m, _ := cond[op].(map[string]any)
		if m == nil {
			m = map[string]any{}
			cond[op] = m
		}
		if _, dup := m[key]; dup {
			continue
		}
		m[key] = val
		n--
	}
	if len(cond) == 0 {
		return nil
	}
	return cond
}

var allAtoms = []atom{atomViaService, atomCallerAccount, atomPrincipalArn, atomPrincipalMisc, atomSourceIP, atomTime, atomBool, atomNull, atomEC, atomECKeys, atomAction, atomSource}

// ---------------------------------------------------------------------------
// Statements

func stmt(sid, effect string, principal any, action any, cond map[string]any) map[string]any {
	s := map[string]any{"Effect": effect, "Action": action, "Resource": "*"}
	if sid != "" {
		s["Sid"] = sid
	}
	if principal != nil {
		s["Principal"] = principal
	}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}

// keyResource is the Resource of a key-policy statement: "*" or this key.
func (b *qb) keyResource(s map[string]any) map[string]any {
	switch b.intn(20) {
	case 0:
		s["Resource"] = b.key.arn
	case 1:
		s["Resource"] = []any{b.key.arn}
	case 2:
		s["Resource"] = fmt.Sprintf("arn:aws:kms:*:%s:key/*", b.key.account)
	}
	return s
}

func (b *qb) acctPrincipal(acct string) any {
	switch b.intn(5) {
	case 0:
		return map[string]any{"AWS": acct}
	case 1:
		return map[string]any{"AWS": []any{"arn:aws:iam::" + acct + ":root"}}
	default:
		return map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"}
	}
}

func arnPrincipal(arns ...string) any {
	if len(arns) == 1 {
		return map[string]any{"AWS": arns[0]}
	}
	l := make([]any, len(arns))
	for i, a := range arns {
		l[i] = a
	}
	return map[string]any{"AWS": l}
}

func (b *qb) star() any {
	b.starAllow = true
	if b.chance(0.5) {
		return "*"
	}
	return map[string]any{"AWS": "*"}
}

func (b *qb) defaultStatement() map[string]any {
	return b.keyResource(stmt("Enable IAM User Permissions", "Allow", b.acctPrincipal(b.key.account), "kms:*", nil))
}

// actionsFor returns an Action value that covers the request action (cover
// true) or, most of the time, does not.
func (b *qb) actionsFor(cover bool) any {
	a := b.action
	if cover {
		switch x := b.intn(10); {
		case x < 4:
			if b.chance(0.15) {
				return strings.ToUpper("kms:"+a[:1]) + strings.ToLower(a[1:])
			}
			return "kms:" + a
		case x < 7:
			l := []any{"kms:" + a}
			for _, o := range b.pickN(useActions, 1, 3) {
				if o != a {
					l = append(l, "kms:"+o)
				}
			}
			b.r.Shuffle(len(l), func(i, j int) { l[i], l[j] = l[j], l[i] })
			return l
		default:
			for tries := 0; tries < 30; tries++ {
				p := pick(b, actionPatterns)
				if actionMatches(p, "kms:"+a) {
					return p
				}
			}
			return "kms:*"
		}
	}
	for tries := 0; tries < 30; tries++ {
		var cand any
		if b.chance(0.5) {
			cand = pick(b, actionPatterns)
		} else {
			l := []any{}
			for _, o := range b.pickN(append(append([]string{}, useActions...), adminActions...), 1, 3) {
				l = append(l, "kms:"+o)
			}
			cand = l
		}
		if !actionValueMatches(cand, "kms:"+a) {
			return cand
		}
	}
	return "s3:GetObject"
}

func actionValueMatches(v any, action string) bool {
	switch x := v.(type) {
	case string:
		return actionMatches(x, action)
	case []any:
		for _, e := range x {
			if actionMatches(e.(string), action) {
				return true
			}
		}
	}
	return false
}

// actionMatches is IAM's case-insensitive glob for actions (used only to
// steer the generator, never to predict answers).
func actionMatches(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

func glob(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if glob(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && glob(p[1:], s[1:])
	default:
		return s != "" && p[0] == s[0] && glob(p[1:], s[1:])
	}
}

// identityResource is a Resource value for identity policies; match says
// whether it should cover the key.
func (b *qb) identityResource(match bool) any {
	k := b.key
	if match {
		return pick(b, []any{
			"*", k.arn, k.arn,
			fmt.Sprintf("arn:aws:kms:*:%s:key/*", k.account),
			fmt.Sprintf("arn:aws:kms:%s:%s:key/%s*", k.region, k.account, k.id[:4]),
			fmt.Sprintf("arn:aws:kms:%s:*:key/*", k.region),
			fmt.Sprintf("arn:aws:kms:%s-?????-?:%s:key/*", k.region[:2], k.account),
			"arn:aws:kms:*:*:*",
			[]any{fmt.Sprintf("arn:aws:kms:%s:%s:key/00000000-0000-0000-0000-000000000000", k.region, k.account), k.arn},
			fmt.Sprintf("arn:aws:kms:*:%s:key/${aws:PrincipalTag/keyid}", k.account),
		})
	}
	return pick(b, []any{
		fmt.Sprintf("arn:aws:kms:%s:%s:key/00000000-0000-0000-0000-000000000000", k.region, k.account),
		fmt.Sprintf("arn:aws:kms:%s:%s:alias/*", k.region, k.account),
		fmt.Sprintf("arn:aws:kms:*:%s:key/*", other(k.account)),
		fmt.Sprintf("arn:aws:kms:ap-south-1:%s:key/*", k.account),
		"arn:aws:s3:::finance-bucket/*",
	})
}

// identityStatement is one identity-policy statement about the request.
func (b *qb) identityStatement(effect string, cover bool, condP float64, atoms ...atom) map[string]any {
	s := map[string]any{"Effect": effect}
	if b.chance(0.3) {
		s["Sid"] = fmt.Sprintf("S%d", b.intn(100))
	}
	if cover || b.chance(0.5) {
		s["Action"] = b.actionsFor(cover)
		s["Resource"] = b.identityResource(cover || b.chance(0.5))
		if cover && b.chance(0.15) {
			s["Resource"] = b.identityResource(false)
		}
	} else {
		s["Action"] = b.actionsFor(true)
		s["Resource"] = b.identityResource(false)
	}
	if b.chance(0.07) {
		delete(s, "Resource")
		// No policy variables in NotResource: with the variable's key
		// absent, AWS's documentation leaves the outcome open.
		nr := b.identityResource(b.chance(0.3))
		for tries := 0; tries < 10; tries++ {
			if js, _ := json.Marshal(nr); !strings.Contains(string(js), "${") {
				break
			}
			nr = b.identityResource(b.chance(0.3))
		}
		s["NotResource"] = nr
	}
	if len(atoms) == 0 {
		atoms = allAtoms
	}
	if b.chance(condP) {
		if c := b.condition(atoms...); c != nil {
			s["Condition"] = c
		}
	}
	return s
}

// identityPolicies gives the caller 0-3 identity policies; allowP is the
// chance that some statement allows the request (before conditions).
func (b *qb) identityPolicies(allowP, denyP, condP float64, atoms ...atom) {
	if !b.c.canHavePolicies() {
		return
	}
	var stmts []any
	if b.chance(allowP) {
		stmts = append(stmts, b.identityStatement("Allow", true, condP, atoms...))
	}
	for i := b.intn(2); i > 0; i-- {
		stmts = append(stmts, b.identityStatement("Allow", false, condP, atoms...))
	}
	if b.chance(denyP) {
		stmts = append(stmts, b.identityStatement("Deny", b.chance(0.6), 0.6, atoms...))
	}
	if len(stmts) == 0 {
		return
	}
	b.r.Shuffle(len(stmts), func(i, j int) { stmts[i], stmts[j] = stmts[j], stmts[i] })
	// Split the statements over one or two policies.
	if len(stmts) > 1 && b.chance(0.5) {
		cut := 1 + b.intn(len(stmts)-1)
		b.identity = append(b.identity, b.shape(policy(stmts[:cut])), b.shape(policy(stmts[cut:])))
	} else {
		b.identity = append(b.identity, b.shape(policy(stmts)))
	}
}

// shape varies the form of a policy document: a lone statement as an
// object, and, for a policy with variables, now and then an older Version
// (variables are then literal text; a known difference of iam-simulate).
func (b *qb) shape(doc map[string]any) map[string]any {
	stmts := doc["Statement"].([]any)
	if len(stmts) == 1 && b.chance(0.1) {
		doc["Statement"] = stmts[0]
	}
	if js, _ := json.Marshal(doc); strings.Contains(string(js), "${") && b.chance(0.02) {
		if b.chance(0.5) {
			doc["Version"] = "2008-10-17"
		} else {
			delete(doc, "Version")
		}
	}
	return doc
}

// boundaryPolicy gives the caller a permissions boundary.
func (b *qb) boundaryPolicy(allowP, denyP float64) {
	if !b.c.canHaveBoundary() || b.starAllow {
		return
	}
	var stmts []any
	switch {
	case b.chance(allowP):
		s := map[string]any{"Effect": "Allow", "Action": b.actionsFor(true), "Resource": "*"}
		if b.chance(0.2) {
			if c := b.condition(atomViaService, atomBool, atomSourceIP, atomTime); c != nil {
				s["Condition"] = c
			}
		}
		stmts = append(stmts, s)
	default:
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": pick(b, []any{"s3:*", []any{"s3:*", "ec2:*"}, b.actionsFor(false)}), "Resource": "*"})
	}
	if b.chance(denyP) {
		s := map[string]any{"Effect": "Deny", "Action": b.actionsFor(b.chance(0.6)), "Resource": "*"}
		if b.chance(0.5) {
			if c := b.condition(allAtoms...); c != nil {
				s["Condition"] = c
			}
		}
		stmts = append(stmts, s)
	}
	b.boundary = policy(stmts)
}

var fullAWSAccess = policy([]any{map[string]any{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}})

// scpLevels adds 1-3 SCP levels; a level may lack an allow for the request,
// and may deny it.
func (b *qb) scpLevels(noAllowP, denyP float64) {
	if b.c.kind == "service" && b.chance(0.5) {
		// SCPs do not apply to service principals; say so now and then.
		noAllowP, denyP = 0.5, 0.8
	}
	n := 1 + b.intn(3)
	for i := 0; i < n; i++ {
		var level []any
		switch {
		case b.chance(noAllowP / float64(n)):
			level = append(level, policy([]any{map[string]any{"Effect": "Allow", "Action": pick(b, []any{"s3:*", "ec2:*", b.actionsFor(false)}), "Resource": "*"}}))
		case b.chance(0.7):
			level = append(level, fullAWSAccess)
		default:
			level = append(level, policy([]any{map[string]any{"Effect": "Allow", "Action": b.actionsFor(true), "Resource": "*"}}))
		}
		if b.chance(denyP / float64(n)) {
			s := map[string]any{"Effect": "Deny", "Action": b.actionsFor(b.chance(0.7)), "Resource": "*"}
			if b.chance(0.6) {
				if c := b.condition(atomPrincipalArn, atomPrincipalMisc, atomViaService, atomBool, atomSourceIP, atomCallerAccount, atomAction); c != nil {
					s["Condition"] = c
				}
			}
			if b.chance(0.2) {
				s["Resource"] = b.identityResource(b.chance(0.6))
			}
			level = append(level, policy([]any{s}))
		}
		b.scps = append(b.scps, level)
	}
}

// rcpLevels adds 1-3 RCP levels of Deny statements (RCPFullAWSAccess is
// implied at every level).
func (b *qb) rcpLevels(denyP float64) {
	n := 1 + b.intn(3)
	for i := 0; i < n; i++ {
		level := []any{}
		if b.chance(denyP / float64(n)) {
			level = append(level, policy([]any{b.rcpDeny()}))
		}
		b.rcps = append(b.rcps, level)
	}
}

func (b *qb) rcpDeny() map[string]any {
	var cond map[string]any
	switch b.intn(5) {
	case 0: // docs/aws-rules.md#k-rcp data perimeter
		cond = map[string]any{
			"StringNotEqualsIfExists": map[string]any{"aws:PrincipalOrgID": orgA},
			"Bool":                    map[string]any{"aws:PrincipalIsAWSService": "false"},
		}
	case 1:
		cond = map[string]any{"BoolIfExists": map[string]any{"aws:SecureTransport": "false"}}
	case 2: // confused deputy
		cond = map[string]any{
			"StringNotEqualsIfExists": map[string]any{"aws:SourceAccount": acctA},
			"Null":                    map[string]any{"aws:SourceAccount": "false"},
			"Bool":                    map[string]any{"aws:PrincipalIsAWSService": "true"},
		}
	case 3:
		cond = map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalAccount": []any{acctA}}, "BoolIfExists": map[string]any{"aws:PrincipalIsAWSService": "false"}}
	default:
		cond = b.condition(atomViaService, atomBool, atomTime, atomEC, atomSource)
	}
	s := map[string]any{"Effect": "Deny", "Principal": "*", "Action": b.actionsFor(b.chance(0.8)), "Resource": "*"}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}

func (b *qb) pickAction(sameAccount bool) {
	if sameAccount && b.chance(0.3) {
		b.action = pick(b, sameAccountOnly)
		return
	}
	if b.chance(0.5) {
		b.action = pick(b, useActions)
		return
	}
	b.action = pick(b, crossCapable)
}

// ---------------------------------------------------------------------------
// Categories

// Default key policy (or a partial delegation to the account) and identity
// policies with or without the action.
func buildRootDelegation(b *qb) {
	b.newKey(pick(b, []string{acctA, acctA, acctA, acctB}))
	b.randomIAMCaller(b.key.account, 0.15)
	b.pickAction(true)
	b.baseContext()
	if b.chance(0.6) {
		b.kp = append(b.kp, b.defaultStatement())
	} else {
		s := stmt("AccountDelegation", "Allow", b.acctPrincipal(b.key.account), b.actionsFor(b.chance(0.7)), nil)
		if b.chance(0.5) {
			s["Condition"] = b.condition(atomViaService, atomCallerAccount, atomBool, atomTime, atomAction, atomEC)
		}
		b.kp = append(b.kp, b.keyResource(s))
	}
	if b.chance(0.4) {
		admin := fmt.Sprintf("arn:aws:iam::%s:role/Admin", b.key.account)
		b.kp = append(b.kp, stmt("Allow access for Key Administrators", "Allow", arnPrincipal(admin),
			[]any{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}, nil))
	}
	b.identityPolicies(0.65, 0.1, 0.3)
	if b.chance(0.15) {
		b.boundaryPolicy(0.6, 0.2)
	}
	if b.chance(0.2) {
		b.scpLevels(0.2, 0.3)
	}
}

// Key policy names the caller (user, role, session) directly.
func buildDirectGrant(b *qb) {
	b.newKey(acctA)
	switch x := b.intn(10); {
	case x < 4:
		b.newCaller(acctA, "user")
	case x < 8:
		b.newCaller(acctA, "session")
	case x < 9:
		b.newCaller(acctA, "role")
	default:
		b.newCaller(acctA, "federated")
	}
	b.pickAction(true)
	b.baseContext()
	if b.chance(0.5) {
		b.kp = append(b.kp, b.defaultStatement())
	}
	var named []string
	switch b.c.kind {
	case "user", "federated":
		named = []string{b.c.principal}
	case "session":
		if b.chance(0.6) {
			named = []string{b.c.roleARN}
		} else {
			named = []string{b.c.session}
		}
	case "role":
		named = []string{b.c.roleARN}
		if b.chance(0.2) {
			// a session of the role: does not cover the role's other sessions
			named = []string{strings.Replace(strings.Replace(b.c.roleARN, ":iam::", ":sts::", 1), ":role/", ":assumed-role/", 1) + "/s1"}
		}
	}
	if b.chance(0.06) {
		// unique ids (of deleted principals) match nothing; partial
		// wildcards are not generated: AWS rejects such a policy, and so
		// does kmsguard (an error, which the oracle does not give).
		named = []string{pick(b, []string{"AIDAJQABLZS4A3QDU576Q", "AROADBQP57FF2AEXAMPLE"})}
	}
	if b.chance(0.25) {
		// someone else
		named = []string{fmt.Sprintf("arn:aws:iam::%s:user/%s", acctA, pick(b, usersA)), fmt.Sprintf("arn:aws:iam::%s:role/%s", acctA, pick(b, rolesA))}[b.intn(2):][:1]
	}
	if b.chance(0.3) {
		named = append(named, fmt.Sprintf("arn:aws:iam::%s:role/Ops", acctA))
	}
	s := stmt(pick(b, []string{"", "Allow use of the key"}), "Allow", arnPrincipal(named...), b.actionsFor(b.chance(0.75)), nil)
	if b.chance(0.35) {
		s["Condition"] = b.condition(allAtoms...)
	}
	b.kp = append(b.kp, b.keyResource(s))
	if b.chance(0.15) {
		// Principal "*" scoped by condition
		c := map[string]any{pick(b, []string{"ArnLike", "ArnEquals", "StringEquals"}): map[string]any{"aws:PrincipalArn": b.values("aws:PrincipalArn", []string{
			fmt.Sprintf("arn:aws:iam::%s:role/App", acctA), fmt.Sprintf("arn:aws:iam::%s:user/alice", acctA)}, 0.5)}}
		if b.chance(0.5) {
			c = map[string]any{"StringEquals": map[string]any{"kms:CallerAccount": acctA, "aws:PrincipalOrgID": orgA}}
		}
		b.kp = append(b.kp, stmt("", "Allow", b.star(), b.actionsFor(b.chance(0.7)), c))
	}
	if b.chance(0.15) {
		b.kp = append(b.kp, stmt("DenyDirect", "Deny", arnPrincipal(named[0]), b.actionsFor(b.chance(0.5)), b.condition(allAtoms...)))
	}
	b.identityPolicies(0.4, 0.15, 0.3)
	if b.chance(0.3) {
		b.boundaryPolicy(0.5, 0.2)
	}
	if b.chance(0.15) {
		b.scpLevels(0.2, 0.3)
	}
}

// Key policy trusts the other account (its root or one of its principals).
func buildCrossAccount(b *qb) {
	keyAcct := acctA
	if b.chance(0.2) {
		keyAcct = acctB
	}
	b.newKey(keyAcct)
	b.randomIAMCaller(other(keyAcct), 0.1)
	if b.c.kind == "federated" {
		b.newCaller(other(keyAcct), "user")
	}
	if b.chance(0.035) {
		b.action = pick(b, sameAccountOnly) // not cross-account capable
	} else {
		b.pickAction(false)
	}
	b.baseContext()
	b.kp = append(b.kp, b.defaultStatement())
	cover := b.chance(0.8)
	var actions any
	if b.chance(0.3) {
		actions = "kms:*"
	} else {
		actions = b.actionsFor(cover)
	}
	switch x := b.intn(10); {
	case x < 5:
		b.kp = append(b.kp, b.keyResource(stmt("Allow use of the key by the other account", "Allow", b.acctPrincipal(b.c.account), actions, nil)))
	case x < 8:
		var named string
		switch b.c.kind {
		case "user":
			named = b.c.principal
		case "session", "role":
			named = b.c.roleARN
			if b.c.kind == "session" && b.chance(0.3) {
				named = b.c.session
			}
		default:
			named = b.c.arn
		}
		if b.chance(0.2) {
			named = fmt.Sprintf("arn:aws:iam::%s:role/%s", b.c.account, pick(b, rolesOf(b.c.account)))
		}
		b.kp = append(b.kp, stmt("ExternalPrincipal", "Allow", arnPrincipal(named), actions, nil))
	default:
		c := map[string]any{"StringEquals": map[string]any{"kms:CallerAccount": b.values("kms:CallerAccount", []string{acctA, acctB}, 0.7)}}
		b.kp = append(b.kp, stmt("AnyoneInAccount", "Allow", b.star(), actions, c))
	}
	if b.chance(0.2) {
		last := b.kp[len(b.kp)-1].(map[string]any)
		last["Condition"] = b.condition(atomViaService, atomCallerAccount, atomPrincipalArn, atomEC, atomBool)
	}
	b.identityPolicies(0.7, 0.1, 0.2)
	if b.chance(0.1) {
		b.boundaryPolicy(0.6, 0.2)
	}
	if b.chance(0.15) {
		b.scpLevels(0.2, 0.3)
	}
	if b.chance(0.15) {
		b.rcpLevels(0.7)
	}
}

func (b *qb) serviceArnPrefix() string {
	switch {
	case strings.HasPrefix(b.c.service, "logs."):
		return "logs"
	case strings.HasPrefix(b.c.service, "cloudtrail"):
		return "cloudtrail"
	default:
		return "iotfleetwise"
	}
}

func (b *qb) sourceArn(acct string) string {
	switch b.serviceArnPrefix() {
	case "logs":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", b.key.region, acct, pick(b, []string{"app", "other"}))
	case "cloudtrail":
		return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", b.key.region, acct, pick(b, []string{"finance", "other"}))
	default:
		return fmt.Sprintf("arn:aws:iotfleetwise:%s:%s:vehicle/%s", b.key.region, acct, pick(b, []string{"car-1", "car-2"}))
	}
}

// Service principals with confused-deputy conditions.
func buildService(b *qb) {
	b.newKey(acctA)
	svc := b.regional(pick(b, services))
	b.serviceCaller(svc)
	b.action = pick(b, []string{"GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "Encrypt", "Decrypt", "DescribeKey", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "GenerateDataKeyPair"})
	b.baseContext()
	// Confused-deputy keys of the request.
	if b.chance(0.85) {
		acct := b.key.account
		if b.chance(0.25) {
			acct = acctB
		}
		b.ctx["aws:SourceArn"] = b.sourceArn(acct)
		b.ctx["aws:SourceAccount"] = acct
	}
	if isECAction(b.action) && b.chance(0.7) {
		var ecKey string
		switch b.serviceArnPrefix() {
		case "logs":
			ecKey = "aws:logs:arn"
		case "cloudtrail":
			ecKey = "aws:cloudtrail:arn"
		}
		if ecKey != "" {
			v, _ := b.ctx["aws:SourceArn"].(string)
			if v == "" || b.chance(0.2) {
				v = b.sourceArn(b.key.account)
			}
			b.ctx["kms:EncryptionContext:"+ecKey] = v
			keys, _ := b.ctx["kms:EncryptionContextKeys"].([]any)
			b.ctx["kms:EncryptionContextKeys"] = append(keys, ecKey)
		}
	}
	b.kp = append(b.kp, b.defaultStatement())
	named := svc
	if b.chance(0.2) {
		named = b.regional(pick(b, []string{services[0], services[1], services[2], "logs.us-west-2.amazonaws.com", "logs.amazonaws.com"}))
	}
	var principal any = map[string]any{"Service": named}
	switch x := b.intn(10); {
	case x < 2:
		principal = map[string]any{"Service": []any{named, "delivery.logs.amazonaws.com"}}
	case x == 2:
		principal = map[string]any{"Service": named, "AWS": "arn:aws:iam::" + b.key.account + ":root"}
	}
	var actions any
	switch b.serviceArnPrefix() {
	case "logs":
		actions = []any{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
	case "cloudtrail":
		actions = pick(b, []any{"kms:GenerateDataKey*", []any{"kms:GenerateDataKey*", "kms:DescribeKey"}})
	default:
		actions = []any{"kms:GenerateDataKey*", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant"}
	}
	if b.chance(0.15) {
		actions = b.actionsFor(b.chance(0.5))
	}
	s := stmt("AllowService", "Allow", principal, actions, nil)
	if b.chance(0.85) {
		cond := map[string]any{}
		acct := b.key.account
		switch b.serviceArnPrefix() {
		case "logs":
			cond[pick(b, []string{"ArnEquals", "ArnLike"})] = map[string]any{
				"kms:EncryptionContext:aws:logs:arn": pick(b, []string{
					fmt.Sprintf("arn:aws:logs:%s:%s:log-group:app", b.key.region, acct),
					fmt.Sprintf("arn:aws:logs:%s:%s:*", b.key.region, acct),
				})}
		case "cloudtrail":
			cond["StringLike"] = map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", acct)}
			if b.chance(0.7) {
				cond["StringEquals"] = map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/finance", b.key.region, acct)}
			}
		default:
			cond["StringLike"] = map[string]any{"aws:SourceAccount": acct}
			cond["ArnLike"] = map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:iotfleetwise:%s:%s:*", b.key.region, acct)}
		}
		if b.chance(0.3) {
			for op, kv := range b.condition(atomSource, atomBool, atomNull, atomECKeys) {
				if _, clash := cond[op]; !clash {
					cond[op] = kv
				}
			}
		}
		s["Condition"] = cond
	}
	b.kp = append(b.kp, b.keyResource(s))
	if b.chance(0.2) {
		b.kp = append(b.kp, stmt("DenyOtherSources", "Deny", map[string]any{"Service": svc}, "kms:*", b.condition(atomSource, atomBool)))
	}
	if b.chance(0.25) {
		b.rcpLevels(0.8)
	}
	if b.chance(0.2) {
		b.scpLevels(0.5, 0.7)
	}
}

// kms:ViaService and kms:CallerAccount patterns of AWS managed and
// service-scoped key policies.
func buildViaService(b *qb) {
	b.newKey(acctA)
	cross := b.chance(0.2)
	acct := acctA
	if cross {
		acct = acctB
	}
	b.randomIAMCaller(acct, 0.05)
	b.pickAction(!cross)
	b.baseContext()
	if b.chance(0.3) {
		// a caller that came through a service more often
		b.ctx["kms:ViaService"] = b.regional(pick(b, viaServices))
		b.ctx["aws:ViaAWSService"] = true
	}
	switch b.intn(4) {
	case 0: // AWS managed key style
		c := map[string]any{"StringEquals": map[string]any{
			"kms:CallerAccount": b.values("kms:CallerAccount", []string{acctA, acctB}, 0.8),
			"kms:ViaService":    b.values("kms:ViaService", b.regionalPool(viaServices), 0.6),
		}}
		b.kp = append(b.kp, stmt("Allow access through the service for all principals in the account", "Allow", b.star(), b.actionsFor(b.chance(0.8)), c))
		if b.chance(0.5) {
			b.kp = append(b.kp, b.defaultStatement())
		}
	case 1: // docs/aws-rules.md#t28: Deny unless via listed services
		b.kp = append(b.kp, b.defaultStatement())
		op := pick(b, []string{"StringNotEquals", "StringNotEquals", "StringNotLike", "StringNotEqualsIfExists"})
		v := b.values("kms:ViaService", b.regionalPool(viaServices), 0.5)
		if op == "StringNotLike" {
			v = pick(b, []any{"s3.*.amazonaws.com", []any{"ec2.*", "rds.*"}, "*.amazonaws.com"})
		}
		b.kp = append(b.kp, stmt("DenyUnlessViaService", "Deny", pick(b, []any{"*", map[string]any{"AWS": "*"}}), b.actionsFor(b.chance(0.8)), map[string]any{op: map[string]any{"kms:ViaService": v}}))
	case 2: // account delegation only through a service
		s := stmt("DelegateViaService", "Allow", b.acctPrincipal(b.c.account), b.actionsFor(b.chance(0.8)), map[string]any{
			pick(b, []string{"StringLike", "StringEquals"}): map[string]any{"kms:ViaService": pick(b, []any{"s3.*.amazonaws.com", b.regional("ec2.%s.amazonaws.com"), []any{b.regional("secretsmanager.%s.amazonaws.com"), "*.amazonaws.com"}})},
		})
		b.kp = append(b.kp, s)
		if b.c.account != b.key.account || b.chance(0.3) {
			b.kp = append(b.kp, stmt("Admin", "Allow", arnPrincipal(fmt.Sprintf("arn:aws:iam::%s:role/Admin", b.key.account)), "kms:*", nil))
		}
	default:
		b.kp = append(b.kp, b.defaultStatement())
	}
	b.identityPolicies(0.7, 0.15, 0.5, atomViaService, atomCallerAccount, atomBool)
	if b.chance(0.15) {
		b.boundaryPolicy(0.7, 0.2)
	}
	if b.chance(0.1) {
		b.scpLevels(0.1, 0.4)
	}
}

// Encryption-context conditions.
func buildEncContext(b *qb) {
	cross := b.chance(0.2)
	b.newKey(acctA)
	acct := acctA
	if cross {
		acct = acctB
	}
	switch x := b.intn(10); {
	case x < 5:
		b.newCaller(acct, "user")
	case x < 9:
		b.newCaller(acct, "session")
	default:
		b.newCaller(acct, "root")
	}
	b.action = pick(b, ecActions)
	b.baseContext()
	ecAtoms := []atom{atomEC, atomEC, atomECKeys, atomNull}
	if b.chance(0.5) {
		b.kp = append(b.kp, b.defaultStatement())
	}
	var principal any
	switch {
	case cross || b.c.kind == "root" || b.chance(0.3):
		principal = b.acctPrincipal(b.c.account)
	case b.c.kind == "session":
		principal = arnPrincipal(b.c.roleARN)
	default:
		principal = arnPrincipal(b.c.principal)
	}
	s := stmt("AllowWithContext", "Allow", principal, b.actionsFor(b.chance(0.85)), b.condition(ecAtoms...))
	b.kp = append(b.kp, s)
	if b.chance(0.25) {
		b.kp = append(b.kp, stmt("DenyWithoutContext", "Deny", pick(b, []any{"*", map[string]any{"AWS": "*"}}), b.actionsFor(b.chance(0.7)), b.condition(ecAtoms...)))
	}
	b.identityPolicies(0.6, 0.1, 0.5, ecAtoms...)
}

// NotAction (Allow and Deny) and NotPrincipal (Deny only).
func buildNotElements(b *qb) {
	b.newKey(acctA)
	cross := b.chance(0.15)
	acct := acctA
	if cross {
		acct = acctB
	}
	switch x := b.intn(10); {
	case x < 4:
		b.newCaller(acct, "user")
	case x < 8:
		b.newCaller(acct, "session")
	case x < 9:
		b.newCaller(acct, "role")
	default:
		b.newCaller(acct, "root")
	}
	b.pickAction(!cross)
	b.baseContext()
	b.kp = append(b.kp, b.defaultStatement())
	if cross {
		b.kp = append(b.kp, stmt("Ext", "Allow", b.acctPrincipal(acct), "kms:*", nil))
	}
	notActions := func() any {
		if b.chance(0.5) {
			return b.actionsFor(b.chance(0.5))
		}
		return pick(b, []any{[]any{"kms:Decrypt", "kms:ReEncrypt*"}, "kms:*", []any{"kms:Put*", "kms:ScheduleKeyDeletion"}, "iam:*", []any{"kms:Encrypt", "kms:GenerateDataKey*"}})
	}
	switch b.intn(4) {
	case 0: // Allow NotAction in the key policy, naming the caller
		var p any
		switch b.c.kind {
		case "user":
			p = arnPrincipal(b.c.principal)
		case "session", "role":
			p = arnPrincipal(b.c.roleARN)
		default:
			p = b.acctPrincipal(b.c.account)
		}
		s := map[string]any{"Sid": "AllowAllBut", "Effect": "Allow", "Principal": p, "NotAction": notActions(), "Resource": "*"}
		b.kp = append(b.kp, s)
	case 1: // Deny NotAction in the key policy
		s := map[string]any{"Effect": "Deny", "Principal": pick(b, []any{"*", b.acctPrincipal(b.c.account)}), "NotAction": notActions(), "Resource": "*"}
		if b.chance(0.4) {
			s["Condition"] = b.condition(atomPrincipalArn, atomViaService, atomBool)
		}
		b.kp = append(b.kp, s)
	default: // Deny NotPrincipal
		var exempt []string
		full := b.chance(0.5)
		if full {
			switch b.c.kind {
			case "user":
				exempt = []string{"arn:aws:iam::" + b.c.account + ":root", b.c.principal}
			case "session":
				exempt = []string{"arn:aws:iam::" + b.c.account + ":root", b.c.roleARN, b.c.session}
			case "role":
				exempt = []string{"arn:aws:iam::" + b.c.account + ":root", b.c.roleARN}
			default: // root: exempt by its own ARN plus an admin role
				exempt = []string{b.c.arn, "arn:aws:iam::" + b.c.account + ":role/Admin"}
			}
		} else {
			// principals unrelated to the caller (other account)
			o := other(b.c.account)
			exempt = []string{"arn:aws:iam::" + o + ":root", fmt.Sprintf("arn:aws:iam::%s:role/%s", o, pick(b, rolesOf(o)))}
		}
		s := map[string]any{"Sid": "DenyAllExcept", "Effect": "Deny", "NotPrincipal": arnPrincipal(exempt...), "Action": b.actionsFor(b.chance(0.7)), "Resource": "*"}
		if b.chance(0.3) {
			s["Condition"] = b.condition(atomViaService, atomBool, atomCallerAccount)
		}
		b.kp = append(b.kp, s)
	}
	// Identity side: sometimes NotAction there too.
	if b.c.canHavePolicies() {
		if b.chance(0.3) {
			eff := pick(b, []string{"Allow", "Allow", "Deny"})
			b.identity = append(b.identity, policy([]any{map[string]any{"Effect": eff, "NotAction": notActions(), "Resource": b.identityResource(b.chance(0.8))}}))
			if eff == "Deny" {
				b.identityPolicies(0.8, 0, 0.1)
			}
		} else {
			b.identityPolicies(0.75, 0.1, 0.2)
		}
	}
	if b.chance(0.2) {
		b.boundaryPolicy(0.7, 0.1)
	}
	if b.chance(0.1) {
		lvl := []any{fullAWSAccess, policy([]any{map[string]any{"Effect": "Deny", "NotAction": notActions(), "Resource": "*"}})}
		b.scps = append(b.scps, lvl)
	}
}

// Action and Resource wildcards.
func buildWildcards(b *qb) {
	cross := b.chance(0.15)
	b.newKey(acctA)
	acct := acctA
	if cross {
		acct = acctB
	}
	b.randomIAMCaller(acct, 0.05)
	if b.c.kind == "federated" {
		b.newCaller(acct, "user")
	}
	b.pickAction(!cross)
	if b.chance(0.5) {
		b.action = pick(b, append(append([]string{}, crossCapable...), sameAccountOnly...))
		if cross && !CrossAccountCapable(b.action) {
			b.action = pick(b, crossCapable)
		}
	}
	b.baseContext()
	wild := func() any {
		p := pick(b, actionPatterns)
		if b.chance(0.5) {
			for tries := 0; tries < 20 && !actionMatches(p, "kms:"+b.action); tries++ {
				p = pick(b, actionPatterns)
			}
		}
		if b.chance(0.3) {
			return []any{p, pick(b, actionPatterns)}
		}
		if b.chance(0.1) && strings.HasPrefix(p, "kms:") {
			return "KMS" + p[3:]
		}
		return p
	}
	switch {
	case cross:
		b.kp = append(b.kp, b.defaultStatement(), stmt("Ext", "Allow", b.acctPrincipal(acct), wild(), nil))
	case b.chance(0.5):
		b.kp = append(b.kp, b.defaultStatement())
	default:
		b.kp = append(b.kp, stmt("Delegate", "Allow", b.acctPrincipal(acct), wild(), nil))
		if b.c.kind == "user" && b.chance(0.5) {
			b.kp = append(b.kp, stmt("Direct", "Allow", arnPrincipal(b.c.principal), wild(), nil))
		}
	}
	if b.c.canHavePolicies() {
		var stmts []any
		for i := 1 + b.intn(2); i > 0; i-- {
			stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": wild(), "Resource": b.identityResource(b.chance(0.7))})
		}
		if b.chance(0.15) {
			stmts = append(stmts, map[string]any{"Effect": "Deny", "Action": wild(), "Resource": b.identityResource(b.chance(0.7))})
		}
		b.identity = append(b.identity, policy(stmts))
	}
}

// Every operator family, on keys of every kind.
func buildOperators(b *qb) {
	b.newKey(acctA)
	cross := b.chance(0.15)
	acct := acctA
	if cross {
		acct = acctB
	}
	b.randomIAMCaller(acct, 0.05)
	b.pickAction(!cross)
	if b.chance(0.3) && !cross {
		b.action = pick(b, []string{"ScheduleKeyDeletion", "EnableKeyRotation", "CreateGrant", "TagResource", "UntagResource", "PutKeyPolicy", "RevokeGrant", "ListGrants"})
	}
	b.baseContext()
	atoms := []atom{atomViaService, atomCallerAccount, atomPrincipalArn, atomPrincipalMisc, atomSourceIP, atomTime, atomBool, atomNull, atomEC, atomECKeys, atomAction, atomAction}
	b.kp = append(b.kp, b.defaultStatement())
	if cross {
		b.kp = append(b.kp, stmt("Ext", "Allow", b.acctPrincipal(acct), "kms:*", nil))
	}
	where := b.intn(3)
	if !b.c.canHavePolicies() {
		where = 0
	}
	switch where {
	case 0: // key policy
		var p any
		switch {
		case cross || b.c.kind == "root" || b.c.kind == "federated":
			p = b.acctPrincipal(b.c.account)
		case b.chance(0.5):
			p = arnPrincipal(b.c.arn)
		default:
			p = b.acctPrincipal(b.c.account)
		}
		eff := pick(b, []string{"Allow", "Allow", "Deny"})
		b.kp = append(b.kp, stmt("Cond", eff, p, b.actionsFor(b.chance(0.85)), b.condition(atoms...)))
		b.identityPolicies(0.6, 0.05, 0.2, atoms...)
	default: // identity policy
		b.identityPolicies(0.9, 0.3, 0.9, atoms...)
	}
	if b.chance(0.1) {
		b.boundaryPolicy(0.8, 0.3)
	}
}

// Explicit denies everywhere, SCP levels without allow, boundaries, RCPs.
func buildGuardrails(b *qb) {
	b.newKey(acctA)
	cross := b.chance(0.15)
	acct := acctA
	if cross {
		acct = acctB
	}
	b.randomIAMCaller(acct, 0.1)
	slr := !cross && b.chance(0.08)
	if slr {
		b.newCaller(acct, "slr")
	}
	b.pickAction(!cross)
	b.baseContext()
	b.kp = append(b.kp, b.defaultStatement())
	switch {
	case cross:
		b.kp = append(b.kp, stmt("Ext", "Allow", b.acctPrincipal(acct), "kms:*", nil))
	case slr:
		// docs/aws-rules.md#s-asg's statement for the Auto Scaling service-linked role
		b.kp = append(b.kp, stmt("Allow service-linked role use of the customer managed key", "Allow", arnPrincipal(b.c.roleARN),
			[]any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, nil))
	case b.c.kind == "user" && b.chance(0.4):
		b.kp = append(b.kp, stmt("Direct", "Allow", arnPrincipal(b.c.principal), b.actionsFor(b.chance(0.8)), nil))
	case b.c.kind == "session" && b.chance(0.4):
		target := b.c.roleARN
		if b.chance(0.4) {
			target = b.c.session
		}
		b.kp = append(b.kp, stmt("Direct", "Allow", arnPrincipal(target), b.actionsFor(b.chance(0.8)), nil))
	}
	if b.chance(0.3) {
		var p any
		switch x := b.intn(3); {
		case x == 0:
			p = pick(b, []any{"*", map[string]any{"AWS": "*"}})
		case x == 1 && b.c.isIAM():
			p = b.acctPrincipal(b.c.account)
		default:
			p = arnPrincipal(b.c.arn)
		}
		s := stmt("KeyPolicyDeny", "Deny", p, b.actionsFor(b.chance(0.7)), nil)
		if b.chance(0.6) {
			s["Condition"] = b.condition(allAtoms...)
		}
		b.kp = append(b.kp, s)
	}
	b.identityPolicies(0.85, 0.3, 0.2)
	if b.chance(0.5) {
		b.boundaryPolicy(0.6, 0.3)
	}
	// SCPs do not apply to service-linked roles (a known difference of
	// iam-simulate), so give them SCPs rarely.
	if (!slr && b.chance(0.5)) || (slr && b.chance(0.15)) {
		b.scpLevels(0.3, 0.4)
	}
	if b.chance(0.4) {
		b.rcpLevels(0.8)
	}
}
