package scantest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Org is an AWS Organizations organization for the fake: its structure,
// and what each member account serves. Requests signed with the test's own
// credentials are the management account's; sts:AssumeRole into a member's
// role gives credentials whose requests are that member's.
type Org struct {
	ID, Root   string
	Management string            // the account of the test's credentials
	OUs        map[string]string // OU id -> parent id (an OU or Root)
	Accounts   []OrgAccount
	Members    map[string]Account // account id -> what it serves (Management included)
	// RoleName is the role AssumeRole accepts; DenyAssume lists accounts
	// whose role cannot be assumed (AccessDenied).
	RoleName   string
	DenyAssume []string
	PageSize   int // accounts per ListAccounts page; 0: 2
}

// OrgAccount is one account of the organization, under Parent.
type OrgAccount struct{ ID, Name, Parent string }

// OrgServer is the fake of an organization: a handler routing each
// request to the Server of the account its credentials belong to.
type OrgServer struct {
	org     Org
	members map[string]*Server

	mu    sync.Mutex
	calls map[string]int
}

// assumedPrefix starts the access key ids AssumeRole hands out; the account
// id follows.
const assumedPrefix = "ASIAKMSGUARD"

// NewOrg returns a handler serving o.
func NewOrg(o Org) *OrgServer {
	if o.PageSize <= 0 {
		o.PageSize = 2
	}
	s := &OrgServer{org: o, members: map[string]*Server{}, calls: map[string]int{}}
	for id, a := range o.Members {
		a.ID = id
		a.Organization = o.ID
		s.members[id] = New(a)
	}
	return s
}

// Member returns the fake of one member account (for its call counts).
func (s *OrgServer) Member(id string) *Server { return s.members[id] }

// Calls returns the organization-level calls (Organizations and
// sts:AssumeRole by target account: "sts:AssumeRole 444455556666").
func (s *OrgServer) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

func (s *OrgServer) count(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[call]++
}

func (s *OrgServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credential.FindStringSubmatch(r.Header.Get("Authorization"))
	if r.Method != http.MethodPost || m == nil {
		http.Error(w, "expected a SigV4-signed POST", http.StatusForbidden)
		return
	}
	acct := s.org.Management
	if id, ok := strings.CutPrefix(m[1], assumedPrefix); ok {
		acct = id
	}
	member := s.members[acct]
	if member == nil {
		iamError(w, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	service := m[3]
	if target := r.Header.Get("X-Amz-Target"); service == "organizations" && strings.HasPrefix(target, orgTarget) {
		op := strings.TrimPrefix(target, orgTarget)
		if op != "DescribeOrganization" {
			if acct != s.org.Management {
				kmsError(w, "AccessDeniedException", "You don't have permissions to access this resource.")
				return
			}
			s.organizations(w, op, body)
			return
		}
	}
	if form, err := url.ParseQuery(string(body)); err == nil && service == "sts" && form.Get("Action") == "AssumeRole" {
		s.assumeRole(w, acct, form.Get("RoleArn"))
		return
	}
	member.ServeHTTP(w, r)
}

func (s *OrgServer) assumeRole(w http.ResponseWriter, caller, roleARN string) {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 {
		iamError(w, "ValidationError", "invalid RoleArn "+roleARN)
		return
	}
	target := parts[4]
	s.count("sts:AssumeRole " + target)
	if caller != s.org.Management || parts[5] != "role/"+s.org.RoleName || slices.Contains(s.org.DenyAssume, target) || s.members[target] == nil {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::%s:user/scanner is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`, caller, xmlText(roleARN))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><Credentials><AccessKeyId>%s%s</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey><SessionToken>member-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/%s/kmsguard</Arn><AssumedRoleId>AROAEXAMPLE:kmsguard</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`, assumedPrefix, target, target, s.org.RoleName)
}

// organizations answers ListAccounts, ListRoots and ListParents (JSON 1.1).
func (s *OrgServer) organizations(w http.ResponseWriter, op string, body []byte) {
	s.count("organizations:" + op)
	var req struct{ ChildId, NextToken string }
	if err := json.Unmarshal(body, &req); err != nil {
		kmsError(w, "InvalidInputException", err.Error())
		return
	}
	switch op {
	case "ListRoots":
		kmsReply(w, map[string]any{"Roots": []any{map[string]any{
			"Id": s.org.Root, "Name": "Root",
			"Arn": "arn:aws:organizations::" + s.org.Management + ":root/" + s.org.ID + "/" + s.org.Root,
		}}})
	case "ListAccounts":
		start := 0
		if req.NextToken != "" {
			if _, err := fmt.Sscan(req.NextToken, &start); err != nil {
				kmsError(w, "InvalidInputException", "bad NextToken")
				return
			}
		}
		end := min(start+s.org.PageSize, len(s.org.Accounts))
		var page []any
		for _, a := range s.org.Accounts[start:end] {
			page = append(page, map[string]any{
				"Id": a.ID, "Name": a.Name, "Status": "ACTIVE", "Email": a.Name + "@example.com",
				"Arn": "arn:aws:organizations::" + s.org.Management + ":account/" + s.org.ID + "/" + a.ID,
			})
		}
		out := map[string]any{"Accounts": page}
		if end < len(s.org.Accounts) {
			out["NextToken"] = fmt.Sprint(end)
		}
		kmsReply(w, out)
	case "ListParents":
		parent := s.org.OUs[req.ChildId]
		for _, a := range s.org.Accounts {
			if a.ID == req.ChildId {
				parent = a.Parent
			}
		}
		if parent == "" {
			kmsError(w, "ChildNotFoundException", "no child "+req.ChildId)
			return
		}
		typ := "ORGANIZATIONAL_UNIT"
		if parent == s.org.Root {
			typ = "ROOT"
		}
		kmsReply(w, map[string]any{"Parents": []any{map[string]any{"Id": parent, "Type": typ}}})
	default:
		kmsError(w, "UnknownOperationException", "unsupported operation "+op)
	}
}
