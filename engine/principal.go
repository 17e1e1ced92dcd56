package engine

import (
	"strings"
)

// caller is rego/kmsguard/iam/principal.parse's result.
type caller struct {
	kind          string // root, user, role, session, federated, service
	account       string
	partition     string
	arn           string // "" for a service
	roleARN       string // role and session callers
	name          string
	principalARN  string
	typ           string
	serviceLinked bool
	service       string
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseCaller is principal.parse(p, role_arn); roleARN is used when hasRole.
func parseCaller(p, roleARN string, hasRole bool) (caller, bool) {
	if isAccount(p) {
		arn := "arn:aws:iam::" + p + ":root"
		return caller{kind: "root", account: p, partition: "aws", arn: arn, principalARN: arn, typ: "Account"}, true
	}
	if isServicePrincipal(p) {
		return caller{kind: "service", service: p, typ: "Service"}, true
	}
	if !strings.HasPrefix(p, "arn:") {
		return caller{}, false
	}
	parts, six := splitARN(p) // as strings.Split(p, ":") of six parts:
	six = six && !strings.Contains(parts[5], ":")
	if !six || !isAccount(parts[4]) || parts[3] != "" {
		return caller{}, false
	}
	part, svc, acct, res := parts[1], parts[2], parts[4], parts[5]
	switch svc {
	case "iam":
		switch {
		case res == "root":
			return caller{kind: "root", account: acct, partition: part, arn: p, principalARN: p, typ: "Account"}, true
		case strings.HasPrefix(res, "user/") && nameOK(res):
			return caller{kind: "user", account: acct, partition: part, arn: p, name: last(res), principalARN: p, typ: "User"}, true
		case strings.HasPrefix(res, "role/") && nameOK(res):
			return caller{kind: "role", account: acct, partition: part, arn: p, roleARN: p, name: last(res), principalARN: p,
				typ: "AssumedRole", serviceLinked: strings.HasPrefix(res, "role/aws-service-role/")}, true
		}
	case "sts":
		kind, rest, _ := strings.Cut(res, "/")
		role, session, two := strings.Cut(rest, "/")
		switch {
		case two && kind == "assumed-role" && !strings.Contains(session, "/") && isIAMName(role, 1, 64) && isIAMName(session, 2, 64):
			r := "arn:" + part + ":iam::" + acct + ":role/" + role
			if hasRole {
				if !strings.HasSuffix(roleARN, "/"+role) {
					return caller{}, false
				}
				r = roleARN
			}
			return caller{kind: "session", account: acct, partition: part, arn: p, roleARN: r, name: role,
				principalARN: r, typ: "AssumedRole", serviceLinked: strings.Contains(r, ":role/aws-service-role/")}, true
		case kind == "federated-user" && !strings.Contains(rest, "/") && isIAMName(rest, 2, 32):
			return caller{kind: "federated", account: acct, partition: part, arn: p, name: rest, principalARN: p, typ: "FederatedUser"}, true
		}
	}
	return caller{}, false
}

func nameOK(res string) bool {
	return !hasWildcard(res) && isPathName(res)
}

func last(res string) string { return res[strings.LastIndexByte(res, '/')+1:] }

func (c *caller) rootARN() string { return "arn:" + c.partition + ":iam::" + c.account + ":root" }

// Kinds by which a principal value names the caller, as a bit set.
const (
	kindAny = 1 << iota
	kindSelf
	kindRole
	kindAccount
)

// identity is one principal value that names the caller, and how.
type identity struct {
	value string
	kind  int
}

// identities is principal.identities.
func (c *caller) identities() []identity { return c.appendIdentities(nil) }

// appendIdentities appends principal.identities to dst.
func (c *caller) appendIdentities(dst []identity) []identity {
	switch c.kind {
	case "service":
		return append(dst, identity{c.service, kindSelf})
	case "root":
		return append(dst, identity{c.arn, kindAccount}, identity{c.account, kindAccount})
	case "user", "federated":
		return append(dst, identity{c.arn, kindSelf}, identity{c.rootARN(), kindAccount}, identity{c.account, kindAccount})
	case "role":
		return append(dst, identity{c.roleARN, kindRole}, identity{c.rootARN(), kindAccount}, identity{c.account, kindAccount})
	case "session":
		return append(dst, identity{c.arn, kindSelf}, identity{c.roleARN, kindRole}, identity{c.rootARN(), kindAccount}, identity{c.account, kindAccount})
	}
	return dst
}

// requiredKinds is principal.required_kinds.
func (c *caller) requiredKinds() int {
	switch c.kind {
	case "service":
		return kindSelf
	case "root":
		return kindAccount
	case "user", "federated":
		return kindSelf | kindAccount
	case "role":
		return kindRole | kindAccount
	case "session":
		return kindSelf | kindRole | kindAccount
	}
	return 0
}

// principalSet is a normalised Principal / NotPrincipal element.
type principalSet struct {
	any     bool
	aws     []string
	service []string // lower-cased
}

// kinds is principal.kinds: how the element names the caller.
func (np *principalSet) kinds(ids []identity, service bool) int {
	if np.any {
		return kindAny
	}
	vals := np.aws
	if service {
		vals = np.service
	}
	k := 0
	for _, v := range vals {
		for _, id := range ids {
			if id.value == v {
				k |= id.kind
			}
		}
	}
	return k
}
