// Package scantest is a stand-in for the AWS KMS, IAM, STS and AWS
// Organizations APIs for tests: an HTTP handler that speaks the real wire
// protocols (KMS and Organizations: JSON 1.1 with X-Amz-Target; IAM and STS:
// the Query protocol with XML answers), serves an Account's keys and
// principals in small pages, and can throttle a call once or deny one.
//
// Point the SDK at it with AWS_ENDPOINT_URL (or a BaseEndpoint) and static
// test credentials.
package scantest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Account is what the fake serves.
type Account struct {
	Keys     []Key
	Users    []User
	Roles    []Role
	Groups   []Group
	Policies []Policy
	PageSize int // items per page of every list call; 0: 2

	// ThrottleOnce names calls ("kms:ListKeys", "iam:GetAccountAuthorizationDetails")
	// answered once with a throttling error before they succeed.
	ThrottleOnce []string
	// Deny names calls on one key ("kms:GetKeyPolicy ARN"), or calls
	// ("organizations:DescribeOrganization"), answered with
	// AccessDeniedException.
	Deny []string

	// ID is the account the credentials belong to (sts:GetCallerIdentity);
	// "" is 111122223333.
	ID string
	// Organization is the id of the account's organization; "" answers
	// DescribeOrganization with AWSOrganizationsNotInUseException.
	Organization string
}

// Key is one KMS key. Its Region is the one in its ARN.
type Key struct {
	ARN      string
	Policy   string // JSON
	Manager  string // CUSTOMER or AWS; "" is CUSTOMER
	Spec     string // "" is SYMMETRIC_DEFAULT
	Usage    string // "" is ENCRYPT_DECRYPT
	State    string // "" is Enabled
	Aliases  []string
	Tags     map[string]string
	Grants   []Grant
	Deleted  bool // listed by ListKeys, then NotFoundException
	Rotation bool
}

// Grant is one grant in ListGrants' shape.
type Grant struct {
	GrantID, Grantee, Retiring string
	Operations                 []string
	Subset, Equals             map[string]string
}

// User, Role, Group and Policy are IAM entities; documents are JSON text
// (the fake URL-encodes them as IAM does).
type User struct {
	Name, Path, Account string
	Inline              map[string]string // name -> document
	Attached            []string          // policy ARNs
	Groups              []string
	Boundary            string
}

// Role is an IAM role.
type Role struct {
	Name, Path, Account string
	Inline              map[string]string
	Attached            []string
	Boundary            string
}

// Group is an IAM group.
type Group struct {
	Name, Account string
	Inline        map[string]string
	Attached      []string
}

// Policy is a managed policy with its versions; Default names the default.
type Policy struct {
	ARN      string
	Default  string
	Versions map[string]string // version id -> document
}

// Server is the fake's handler. Calls counts the requests per call name.
type Server struct {
	acct Account

	mu        sync.Mutex
	throttled map[string]bool
	calls     map[string]int
	keyIDs    []string // access key ids seen
}

// New returns a handler serving a.
func New(a Account) *Server {
	if a.PageSize <= 0 {
		a.PageSize = 2
	}
	return &Server{acct: a, throttled: map[string]bool{}, calls: map[string]int{}}
}

// Calls returns how many requests each call got ("kms:ListKeys" -> 3).
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// AccessKeyIDs returns the distinct access key ids requests were signed with.
func (s *Server) AccessKeyIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keyIDs...)
}

var credential = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/[0-9]{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,`)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credential.FindStringSubmatch(r.Header.Get("Authorization"))
	if r.Method != http.MethodPost || m == nil {
		http.Error(w, "expected a SigV4-signed POST", http.StatusForbidden)
		return
	}
	s.mu.Lock()
	seen := false
	for _, id := range s.keyIDs {
		seen = seen || id == m[1]
	}
	if !seen {
		s.keyIDs = append(s.keyIDs, m[1])
	}
	s.mu.Unlock()
	region, service := m[2], m[3]
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); strings.HasPrefix(target, orgTarget) && service == "organizations" {
		s.organizations(w, strings.TrimPrefix(target, orgTarget))
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if service != "kms" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || !strings.HasPrefix(target, "TrentService.") {
			kmsError(w, "UnknownOperationException", "not a KMS JSON 1.1 request")
			return
		}
		s.kms(w, region, strings.TrimPrefix(target, "TrentService."), body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err == nil && service == "sts" && form.Get("Version") == "2011-06-15" {
		s.sts(w, form)
		return
	}
	if err != nil || service != "iam" || form.Get("Version") != "2010-05-08" {
		iamError(w, "InvalidAction", "not an IAM Query request")
		return
	}
	s.iam(w, form)
}

// begin counts a call and reports whether it is to be throttled now.
func (s *Server) begin(call string) (throttle bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[call]++
	for _, t := range s.acct.ThrottleOnce {
		if t == call && !s.throttled[call] {
			s.throttled[call] = true
			return true
		}
	}
	return false
}

func (s *Server) denied(call, arn string) bool {
	for _, d := range s.acct.Deny {
		if d == call+" "+arn || (arn == "" && d == call) {
			return true
		}
	}
	return false
}

// ---- KMS (JSON 1.1) ----------------------------------------------------------

func kmsError(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func kmsReply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v)
}

type kmsRequest struct {
	KeyID      string `json:"KeyId"`
	PolicyName string
	Limit      int
	Marker     string
}

func (s *Server) kms(w http.ResponseWriter, region, op string, body []byte) {
	call := "kms:" + op
	var req kmsRequest
	if err := json.Unmarshal(body, &req); err != nil {
		kmsError(w, "SerializationException", err.Error())
		return
	}
	if s.begin(call) {
		kmsError(w, "ThrottlingException", "Rate exceeded")
		return
	}
	if req.KeyID != "" && s.denied(call, req.KeyID) {
		kmsError(w, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::111122223333:user/scanner is not authorized to perform: %s on resource: %s", call, req.KeyID))
		return
	}
	keys := s.regionKeys(region)
	var key *Key
	if req.KeyID != "" {
		for i := range keys {
			if keys[i].ARN == req.KeyID || strings.HasSuffix(keys[i].ARN, "/"+req.KeyID) {
				key = &keys[i]
			}
		}
		if key == nil || key.Deleted {
			kmsError(w, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", req.KeyID))
			return
		}
	}
	switch op {
	case "ListKeys":
		list := make([]map[string]string, 0, len(keys))
		for _, k := range keys {
			list = append(list, map[string]string{"KeyId": keyID(k.ARN), "KeyArn": k.ARN})
		}
		kmsPage(w, "Keys", list, req, s.acct.PageSize)
	case "ListAliases":
		var list []map[string]string
		for _, k := range keys {
			for _, a := range k.Aliases {
				list = append(list, map[string]string{
					"AliasName": a, "TargetKeyId": keyID(k.ARN),
					"AliasArn": strings.SplitN(k.ARN, ":key/", 2)[0] + ":" + a,
				})
			}
		}
		// An alias with no key, as AWS lists for unused AWS managed aliases.
		list = append(list, map[string]string{"AliasName": "alias/aws/unused", "AliasArn": "arn:aws:kms:" + region + ":111122223333:alias/aws/unused"})
		kmsPage(w, "Aliases", list, req, s.acct.PageSize)
	case "DescribeKey":
		kmsReply(w, map[string]any{"KeyMetadata": map[string]any{
			"AWSAccountId": strings.Split(key.ARN, ":")[4],
			"KeyId":        keyID(key.ARN),
			"Arn":          key.ARN,
			"CreationDate": 1.7e9,
			"Enabled":      or(key.State, "Enabled") == "Enabled",
			"KeyUsage":     or(key.Usage, "ENCRYPT_DECRYPT"),
			"KeyState":     or(key.State, "Enabled"),
			"Origin":       "AWS_KMS",
			"KeyManager":   or(key.Manager, "CUSTOMER"),
			"KeySpec":      or(key.Spec, "SYMMETRIC_DEFAULT"),
			"MultiRegion":  false,
		}})
	case "GetKeyPolicy":
		if req.PolicyName != "default" {
			kmsError(w, "NotFoundException", "No such policy exists")
			return
		}
		kmsReply(w, map[string]any{"Policy": key.Policy, "PolicyName": "default"})
	case "GetKeyRotationStatus":
		kmsReply(w, map[string]any{"KeyId": key.ARN, "KeyRotationEnabled": key.Rotation})
	case "ListResourceTags":
		names := make([]string, 0, len(key.Tags))
		for k := range key.Tags {
			names = append(names, k)
		}
		sort.Strings(names)
		list := make([]map[string]string, 0, len(names))
		for _, n := range names {
			list = append(list, map[string]string{"TagKey": n, "TagValue": key.Tags[n]})
		}
		kmsPage(w, "Tags", list, req, s.acct.PageSize)
	case "ListGrants":
		list := make([]map[string]any, 0, len(key.Grants))
		for _, g := range key.Grants {
			e := map[string]any{
				"KeyId": key.ARN, "GrantId": g.GrantID, "Name": "", "CreationDate": 1.7e9,
				"GranteePrincipal": g.Grantee, "IssuingAccount": "arn:aws:iam::" + strings.Split(key.ARN, ":")[4] + ":root",
				"Operations": g.Operations,
			}
			if g.Retiring != "" {
				e["RetiringPrincipal"] = g.Retiring
			}
			c := map[string]any{}
			if g.Subset != nil {
				c["EncryptionContextSubset"] = g.Subset
			}
			if g.Equals != nil {
				c["EncryptionContextEquals"] = g.Equals
			}
			if len(c) > 0 {
				e["Constraints"] = c
			}
			list = append(list, e)
		}
		kmsPage(w, "Grants", list, req, s.acct.PageSize)
	default:
		kmsError(w, "UnknownOperationException", op)
	}
}

func kmsPage[T any](w http.ResponseWriter, field string, list []T, req kmsRequest, size int) {
	if req.Limit > 0 && req.Limit < size {
		size = req.Limit
	}
	start, _ := strconv.Atoi(req.Marker)
	end := min(start+size, len(list))
	page := list[start:end]
	if page == nil {
		page = []T{}
	}
	out := map[string]any{field: page, "Truncated": end < len(list)}
	if end < len(list) {
		out["NextMarker"] = strconv.Itoa(end)
	}
	kmsReply(w, out)
}

func (s *Server) regionKeys(region string) []Key {
	var out []Key
	for _, k := range s.acct.Keys {
		if strings.Split(k.ARN, ":")[3] == region {
			out = append(out, k)
		}
	}
	return out
}

func keyID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ---- IAM (Query protocol, XML) ------------------------------------------------

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

func iamError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`, iamNS, code, xmlText(msg))
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

type xmlPolicyDetail struct {
	PolicyName     string
	PolicyDocument string
}

type xmlAttached struct {
	PolicyName string
	PolicyArn  string
}

type xmlBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type xmlUser struct {
	Path                    string
	UserName                string
	UserID                  string `xml:"UserId"`
	Arn                     string
	CreateDate              string
	UserPolicyList          []xmlPolicyDetail `xml:"UserPolicyList>member"`
	GroupList               []string          `xml:"GroupList>member"`
	AttachedManagedPolicies []xmlAttached     `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xmlBoundary      `xml:",omitempty"`
}

type xmlRole struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	RolePolicyList           []xmlPolicyDetail `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []xmlAttached     `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *xmlBoundary      `xml:",omitempty"`
}

type xmlGroup struct {
	Path                    string
	GroupName               string
	GroupID                 string `xml:"GroupId"`
	Arn                     string
	CreateDate              string
	GroupPolicyList         []xmlPolicyDetail `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xmlAttached     `xml:"AttachedManagedPolicies>member"`
}

type xmlVersion struct {
	Document         string
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       string
}

type xmlPolicy struct {
	PolicyName        string
	PolicyID          string `xml:"PolicyId"`
	Arn               string
	Path              string
	DefaultVersionID  string `xml:"DefaultVersionId"`
	AttachmentCount   int
	IsAttachable      bool
	CreateDate        string
	UpdateDate        string
	PolicyVersionList []xmlVersion `xml:"PolicyVersionList>member"`
}

type xmlDetailsResult struct {
	UserDetailList  []xmlUser   `xml:"UserDetailList>member"`
	GroupDetailList []xmlGroup  `xml:"GroupDetailList>member"`
	RoleDetailList  []xmlRole   `xml:"RoleDetailList>member"`
	Policies        []xmlPolicy `xml:"Policies>member"`
	IsTruncated     bool
	Marker          string `xml:",omitempty"`
}

type xmlDetailsResponse struct {
	XMLName          xml.Name         `xml:"GetAccountAuthorizationDetailsResponse"`
	Xmlns            string           `xml:"xmlns,attr"`
	Result           xmlDetailsResult `xml:"GetAccountAuthorizationDetailsResult"`
	ResponseMetadata struct {
		RequestID string `xml:"RequestId"`
	}
}

const created = "2024-01-02T03:04:05Z"

func inlineList(m map[string]string) []xmlPolicyDetail {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]xmlPolicyDetail, 0, len(names))
	for _, n := range names {
		out = append(out, xmlPolicyDetail{PolicyName: n, PolicyDocument: encode(m[n])})
	}
	return out
}

// encode URL-encodes a document as IAM does (RFC 3986: every byte but the
// unreserved characters is percent-encoded).
func encode(doc string) string {
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func attachedList(arns []string) []xmlAttached {
	out := make([]xmlAttached, 0, len(arns))
	for _, a := range arns {
		out = append(out, xmlAttached{PolicyName: a[strings.LastIndex(a, "/")+1:], PolicyArn: a})
	}
	return out
}

func boundary(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: arn}
}

func (s *Server) iam(w http.ResponseWriter, form url.Values) {
	action := form.Get("Action")
	if action != "GetAccountAuthorizationDetails" {
		iamError(w, "InvalidAction", "unsupported action "+action)
		return
	}
	if s.begin("iam:" + action) {
		iamError(w, "Throttling", "Rate exceeded")
		return
	}
	size := s.acct.PageSize
	if n, err := strconv.Atoi(form.Get("MaxItems")); err == nil && n > 0 && n < size {
		size = n
	}
	start, _ := strconv.Atoi(form.Get("Marker"))
	end := start + size
	more := false
	window := func(n int) (int, int) {
		if end < n {
			more = true
		}
		return min(start, n), min(end, n)
	}
	var res xmlDetailsResult
	a, b := window(len(s.acct.Users))
	for _, u := range s.acct.Users[a:b] {
		res.UserDetailList = append(res.UserDetailList, xmlUser{
			Path: or(u.Path, "/"), UserName: u.Name, UserID: "AIDA" + strings.ToUpper(u.Name), CreateDate: created,
			Arn:            fmt.Sprintf("arn:aws:iam::%s:user%s%s", u.Account, or(u.Path, "/"), u.Name),
			UserPolicyList: inlineList(u.Inline), GroupList: u.Groups,
			AttachedManagedPolicies: attachedList(u.Attached), PermissionsBoundary: boundary(u.Boundary),
		})
	}
	a, b = window(len(s.acct.Roles))
	for _, r := range s.acct.Roles[a:b] {
		res.RoleDetailList = append(res.RoleDetailList, xmlRole{
			Path: or(r.Path, "/"), RoleName: r.Name, RoleID: "AROA" + strings.ToUpper(r.Name), CreateDate: created,
			Arn:                      fmt.Sprintf("arn:aws:iam::%s:role%s%s", r.Account, or(r.Path, "/"), r.Name),
			AssumeRolePolicyDocument: encode(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			RolePolicyList:           inlineList(r.Inline), AttachedManagedPolicies: attachedList(r.Attached),
			PermissionsBoundary: boundary(r.Boundary),
		})
	}
	a, b = window(len(s.acct.Groups))
	for _, g := range s.acct.Groups[a:b] {
		res.GroupDetailList = append(res.GroupDetailList, xmlGroup{
			Path: "/", GroupName: g.Name, GroupID: "AGPA" + strings.ToUpper(g.Name), CreateDate: created,
			Arn:             fmt.Sprintf("arn:aws:iam::%s:group/%s", g.Account, g.Name),
			GroupPolicyList: inlineList(g.Inline), AttachedManagedPolicies: attachedList(g.Attached),
		})
	}
	a, b = window(len(s.acct.Policies))
	for _, p := range s.acct.Policies[a:b] {
		ids := make([]string, 0, len(p.Versions))
		for id := range p.Versions {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var versions []xmlVersion
		for _, id := range ids {
			versions = append(versions, xmlVersion{Document: encode(p.Versions[id]), VersionID: id, IsDefaultVersion: id == p.Default, CreateDate: created})
		}
		res.Policies = append(res.Policies, xmlPolicy{
			PolicyName: p.ARN[strings.LastIndex(p.ARN, "/")+1:], PolicyID: "ANPA" + strconv.Itoa(len(p.ARN)), Arn: p.ARN, Path: "/",
			DefaultVersionID: p.Default, AttachmentCount: 1, IsAttachable: true, CreateDate: created, UpdateDate: created,
			PolicyVersionList: versions,
		})
	}
	res.IsTruncated = more
	if more {
		res.Marker = strconv.Itoa(end)
	}
	resp := xmlDetailsResponse{Xmlns: iamNS, Result: res}
	resp.ResponseMetadata.RequestID = "11111111-1111-1111-1111-111111111111"
	w.Header().Set("Content-Type", "text/xml")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(resp)
}

// ---- STS (Query) and AWS Organizations (JSON 1.1) ----------------------------

const orgTarget = "AWSOrganizationsV20161128."

func (s *Server) sts(w http.ResponseWriter, form url.Values) {
	if action := form.Get("Action"); action != "GetCallerIdentity" {
		iamError(w, "InvalidAction", "unsupported action "+action)
		return
	}
	s.begin("sts:GetCallerIdentity")
	id := or(s.acct.ID, "111122223333")
	w.Header().Set("Content-Type", "text/xml")
	_, _ = fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::%s:user/scanner</Arn><UserId>AIDAEXAMPLE</UserId><Account>%s</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, id, id)
}

func (s *Server) organizations(w http.ResponseWriter, op string) {
	call := "organizations:" + op
	s.begin(call)
	switch {
	case op != "DescribeOrganization":
		kmsError(w, "UnknownOperationException", "unsupported operation "+op)
	case s.denied(call, ""):
		kmsError(w, "AccessDeniedException", "not authorized to perform "+call)
	case s.acct.Organization == "":
		kmsError(w, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	default:
		kmsReply(w, map[string]any{"Organization": map[string]any{
			"Id":              s.acct.Organization,
			"Arn":             "arn:aws:organizations::" + or(s.acct.ID, "111122223333") + ":organization/" + s.acct.Organization,
			"MasterAccountId": or(s.acct.ID, "111122223333"),
		}})
	}
}

// Isolate points the AWS SDK of this process, for the rest of t, at static
// test credentials, no shared configuration files of the machine and no
// instance metadata, with AWS_REGION region and AWS_ENDPOINT_URL endpoint
// ("": unset, for flags to give them).
func Isolate(t testing.TB, region, endpoint string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDKMSGUARDTEST",
		"AWS_SECRET_ACCESS_KEY":       "kmsguard-test-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  region,
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ENDPOINT_URL_KMS":        "",
		"AWS_ENDPOINT_URL_IAM":        "",
	} {
		t.Setenv(k, v)
	}
}
