// Package scan reads an AWS account's KMS keys and IAM principals into a
// kmsguard snapshot (docs/snapshot-format.md).
//
// It uses the AWS SDK for Go v2 with the standard credential chain and
// configuration (profiles, environment, AWS_ENDPOINT_URL). Every list call is
// paginated; throttled calls are retried with exponential backoff. A call
// that fails for one key (access denied, a key deleted while scanning) is
// recorded in the snapshot's errors and the scan goes on.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/kmsguard/kmsguard/question"
	"github.com/kmsguard/kmsguard/snapshot"
)

// Defaults of Options.
const (
	DefaultMaxAttempts    = 10
	DefaultConcurrency    = 8
	DefaultAttemptTimeout = 15 * time.Second
	DefaultTimeout        = time.Hour
	// TransportAttempts bounds the attempts of a call that gets no answer
	// at all (a timeout, a refused or reset connection): with the default
	// attempt timeout an endpoint that never answers fails the scan within
	// a minute, whatever MaxAttempts allows for throttled calls.
	TransportAttempts = 3
	// DefaultRoleName is the role AWS Organizations creates in the accounts
	// it creates.
	DefaultRoleName           = "OrganizationAccountAccessRole"
	DefaultAccountConcurrency = 4
)

// Options configure a scan. The zero value scans the Region of the default
// configuration with the default credential chain.
type Options struct {
	Regions     []string // Regions to scan; empty: the configured Region
	Profile     string   // shared config profile; empty: the default chain
	EndpointURL string   // base endpoint for the KMS and IAM clients; empty: AWS's (or AWS_ENDPOINT_URL)
	MaxAttempts int      // attempts per call, retries included; 0: DefaultMaxAttempts
	Concurrency int      // keys read at once; 0: DefaultConcurrency
	SkipIAM     bool     // do not read IAM (GetAccountAuthorizationDetails)
	// SkipOrganizations: do not ask STS and AWS Organizations for the
	// account's organization (GetCallerIdentity, DescribeOrganization).
	SkipOrganizations bool

	// Organization scans every account of the caller's organization (from
	// its management account or a delegated administrator): each member
	// through the role RoleName (DefaultRoleName when empty), at most
	// AccountConcurrency accounts at once (DefaultAccountConcurrency when
	// 0), merged into one snapshot with each account's OU path (org.go).
	Organization       bool
	RoleName           string
	AccountConcurrency int

	// AttemptTimeout bounds one attempt of one call (connecting, sending
	// and reading the answer); 0: DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// Timeout bounds the whole scan; 0: DefaultTimeout.
	Timeout time.Duration

	// Progress, when not nil, receives the progress of the scan: with
	// ProgressEvery 0 a counter ("keys 120/2000") rewritten on one
	// terminal line, else a line every ProgressEvery (for logs).
	Progress      io.Writer
	ProgressEvery time.Duration
	// Now gives the snapshot's generated_at; nil: time.Now.
	Now func() time.Time
	// Backoff overrides the retry delay (tests); nil: the SDK's exponential
	// backoff with jitter.
	Backoff retry.BackoffDelayer
}

// Run scans and returns the snapshot. It fails only when nothing could be
// read at all (no configuration, no credentials, no Region, an unreachable
// endpoint); API errors on single calls are recorded in the snapshot.
func Run(ctx context.Context, o Options) (map[string]any, error) {
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(ctx, cfg, o); err != nil {
		return nil, err
	}
	regions := o.Regions
	if len(regions) == 0 {
		if cfg.Region == "" {
			return nil, errors.New("no Region: give --region or set AWS_REGION (or a region in the profile)")
		}
		regions = []string{cfg.Region}
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	prog := newProgress(o.Progress, o.ProgressEvery)
	defer prog.stop()
	var snap map[string]any
	if o.Organization {
		snap, err = scanOrganizationAccounts(ctx, cfg, o, regions, now(), prog)
	} else {
		snap, err = scanAccount(ctx, cfg, o, regions, now(), prog)
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("the scan did not finish within --timeout %s", o.Timeout)
		}
		return nil, unreachable(err, o.AttemptTimeout)
	}
	prog.finish()
	return snap, nil
}

// scanAccount scans the account of cfg's credentials into a snapshot.
func scanAccount(ctx context.Context, cfg aws.Config, o Options, regions []string, at time.Time, prog *progress) (map[string]any, error) {
	s := &scanner{opts: o, snap: snapshot.New(at), progress: prog}
	g, gctx := errgroup.WithContext(ctx)
	if !o.SkipIAM {
		g.Go(func() error {
			client := iam.NewFromConfig(cfg, func(io2 *iam.Options) {
				io2.Region = regions[0]
				if o.EndpointURL != "" {
					io2.BaseEndpoint = aws.String(o.EndpointURL)
				}
			})
			return s.scanIAM(gctx, client)
		})
	}
	if !o.SkipOrganizations {
		g.Go(func() error { return s.scanOrganization(gctx, cfg, regions[0]) })
	}
	g.Go(func() error {
		for _, region := range regions {
			client := kms.NewFromConfig(cfg, func(ko *kms.Options) {
				ko.Region = region
				if o.EndpointURL != "" {
					ko.BaseEndpoint = aws.String(o.EndpointURL)
				}
			})
			if err := s.scanRegion(gctx, client, region); err != nil {
				return err
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.finish()
	return s.snap, nil
}

func loadConfig(ctx context.Context, o Options) (aws.Config, error) {
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = 20 * time.Second
				// A scan would rather wait than give up: no client-side
				// retry quota, throttles back off and retry.
				so.RateLimiter = ratelimit.None
				var backoff retry.BackoffDelayer = retry.NewExponentialJitterBackoff(so.MaxBackoff)
				if o.Backoff != nil {
					backoff = o.Backoff
				}
				so.Backoff = boundTransport{backoff}
			})
		}),
	}
	opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(o.AttemptTimeout)))
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return cfg, nil
}

// boundTransport stops retrying a call that got no answer at all after
// TransportAttempts attempts; throttles and other retryable answers keep
// MaxAttempts.
type boundTransport struct{ retry.BackoffDelayer }

func (b boundTransport) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= TransportAttempts && fatal(err) {
		return 0, err
	}
	return b.BackoffDelayer.BackoffDelay(attempt, err)
}

// checkCredentials makes sure the credential chain finds credentials
// before any call, and otherwise says in one line how to provide them
// (instead of the chain's error).
func checkCredentials(ctx context.Context, cfg aws.Config, o Options) error {
	if cfg.Credentials == nil {
		return errNoCredentials
	}
	ctx, cancel := context.WithTimeout(ctx, o.AttemptTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if o.Profile != "" {
			return fmt.Errorf("the AWS profile %q gives no usable credentials (%s); check it with \"aws sts get-caller-identity --profile %s\"", o.Profile, firstLine(err.Error()), o.Profile)
		}
		return errNoCredentials
	}
	return nil
}

var errNoCredentials = errors.New("no AWS credentials found: give --profile (or set AWS_PROFILE), " +
	"set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role (instance profile, ECS task role, web identity)")

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// unreachable turns an error that is no AWS answer at all (a timeout, a
// refused connection) into one line naming the endpoint and the operation.
func unreachable(err error, attemptTimeout time.Duration) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	endpoint := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		endpoint = u.Scheme + "://" + u.Host
	}
	what := "the AWS endpoint " + endpoint
	var op *smithy.OperationError
	if errors.As(err, &op) {
		what = fmt.Sprintf("the %s endpoint %s (%s)", op.ServiceID, endpoint, op.OperationName)
	}
	reason := ""
	if ue.Timeout() {
		reason = fmt.Sprintf("no answer within --attempt-timeout %s", attemptTimeout)
	} else {
		inner := ue.Err
		for errors.Unwrap(inner) != nil {
			inner = errors.Unwrap(inner)
		}
		reason = inner.Error()
	}
	return fmt.Errorf("cannot reach %s: %s, %d attempts; check --endpoint-url or AWS_ENDPOINT_URL, the network and any proxy", what, reason, TransportAttempts)
}

type scanner struct {
	opts     Options
	progress *progress

	mu   sync.Mutex
	snap map[string]any
}

// record adds an error entry; safe for concurrent use.
func (s *scanner) record(arn, call string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snapshot.AddError(s.snap, arn, call, describe(err))
}

// fatal reports errors that are no AWS answer at all (credentials, network,
// cancellation): those stop the scan rather than fill the snapshot with the
// same error for every call.
func fatal(err error) bool {
	var api smithy.APIError
	return !errors.As(err, &api)
}

// describe renders an SDK error as "Code: message".
func describe(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := api.ErrorMessage()
		if msg == "" {
			return api.ErrorCode()
		}
		return api.ErrorCode() + ": " + msg
	}
	return err.Error()
}

func (s *scanner) finish() {
	errs, _ := s.snap["errors"].([]any)
	key := func(e any) string {
		m, _ := e.(map[string]any)
		return fmt.Sprint(m["arn"], "\x00", m["call"], "\x00", m["error"])
	}
	sort.SliceStable(errs, func(i, j int) bool { return key(errs[i]) < key(errs[j]) })
}

// ---- KMS -----------------------------------------------------------------------

type keyRef struct{ id, arn string }

func (s *scanner) scanRegion(ctx context.Context, c *kms.Client, region string) error {
	var keys []keyRef
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if fatal(err) {
				return fmt.Errorf("kms:ListKeys in %s: %w", region, err)
			}
			s.record("", "kms:ListKeys "+region, err)
			return nil
		}
		for _, k := range page.Keys {
			keys = append(keys, keyRef{id: aws.ToString(k.KeyId), arn: aws.ToString(k.KeyArn)})
		}
	}
	aliases, err := s.aliases(ctx, c, region)
	if err != nil {
		return err
	}
	s.progress.add(len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Concurrency)
	for _, k := range keys {
		g.Go(func() error {
			defer s.progress.step()
			return s.scanKey(gctx, c, k, aliases[k.id])
		})
	}
	return g.Wait()
}

// aliases maps key ids to their alias names in one Region.
func (s *scanner) aliases(ctx context.Context, c *kms.Client, region string) (map[string][]string, error) {
	out := map[string][]string{}
	p := kms.NewListAliasesPaginator(c, &kms.ListAliasesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if fatal(err) {
				return nil, fmt.Errorf("kms:ListAliases in %s: %w", region, err)
			}
			s.record("", "kms:ListAliases "+region, err)
			return out, nil
		}
		for _, a := range page.Aliases {
			if id := aws.ToString(a.TargetKeyId); id != "" {
				out[id] = append(out[id], aws.ToString(a.AliasName))
			}
		}
	}
	return out, nil
}

// scanKey reads one key. Only a context cancellation or a non-API failure
// is returned; API errors are recorded.
func (s *scanner) scanKey(ctx context.Context, c *kms.Client, k keyRef, aliases []string) error {
	arn := k.arn
	keyID := aws.String(arn)
	// try runs one call; it reports whether the call succeeded, and turns
	// a non-API error into the scan's error.
	var stop error
	try := func(call string, err error) bool {
		switch {
		case err == nil:
			return true
		case stop != nil:
		case fatal(err):
			stop = fmt.Errorf("%s %s: %w", call, arn, err)
		default:
			s.record(arn, call, err)
		}
		return false
	}

	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: keyID})
	if !try("kms:DescribeKey", err) {
		var nf *kmstypes.NotFoundException
		if stop != nil || errors.As(err, &nf) {
			return stop // a key deleted since ListKeys: nothing more to read
		}
	}
	var meta *kmstypes.KeyMetadata
	if d != nil {
		meta = d.KeyMetadata
	}

	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: keyID, PolicyName: aws.String("default")})
	var policy any
	if try("kms:GetKeyPolicy", err) {
		if policy, err = question.ParseJSON([]byte(aws.ToString(pol.Policy))); err != nil {
			s.record(arn, "kms:GetKeyPolicy", fmt.Errorf("the key policy is not JSON: %w", err))
			policy = nil
		}
	}
	if stop != nil {
		return stop
	}

	grants, grantsOK := s.grants(ctx, c, arn, try)
	if stop != nil {
		return stop
	}

	info := map[string]any{"aliases": sortedStrings(aliases)}
	var rotation map[string]any
	managed := meta != nil && meta.KeyManager == kmstypes.KeyManagerTypeAws
	if meta != nil {
		info["key_spec"] = string(meta.KeySpec)
		info["key_usage"] = string(meta.KeyUsage)
		info["origin"] = string(meta.Origin)
		info["multi_region"] = aws.ToBool(meta.MultiRegion)
		info["key_manager"] = string(meta.KeyManager)
		if rotationSupported(meta) {
			out, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: keyID})
			if try("kms:GetKeyRotationStatus", err) {
				rotation = map[string]any{"enabled": out.KeyRotationEnabled}
				if out.RotationPeriodInDays != nil {
					rotation["period_in_days"] = json.Number(fmt.Sprint(*out.RotationPeriodInDays))
				}
			} else if stop != nil {
				return stop
			}
		}
	}
	if !managed {
		// AWS managed keys cannot be tagged.
		tags := map[string]any{}
		tp := kms.NewListResourceTagsPaginator(c, &kms.ListResourceTagsInput{KeyId: keyID})
		for tp.HasMorePages() {
			page, err := tp.NextPage(ctx)
			if !try("kms:ListResourceTags", err) {
				if stop != nil {
					return stop
				}
				break
			}
			for _, t := range page.Tags {
				tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
			}
		}
		info["tags"] = tags
	}

	if policy == nil {
		// Without its key policy a key cannot be evaluated: it is left
		// out (the error says why).
		return nil
	}
	entry := map[string]any{"key_policy": policy, "key": info}
	if grantsOK {
		entry["grants"] = grants
	}
	if rotation != nil {
		entry["rotation"] = rotation
	}
	s.mu.Lock()
	snapshot.Section(s.snap, "keys")[arn] = entry
	s.mu.Unlock()
	return nil
}

// rotationSupported: GetKeyRotationStatus answers for symmetric encryption
// keys that are enabled or disabled; other keys get UnsupportedOperation or
// KMSInvalidState.
func rotationSupported(m *kmstypes.KeyMetadata) bool {
	return m.KeySpec == kmstypes.KeySpecSymmetricDefault &&
		(m.KeyState == kmstypes.KeyStateEnabled || m.KeyState == kmstypes.KeyStateDisabled)
}

// grants reads a key's grants in the snapshot's grant shape.
func (s *scanner) grants(ctx context.Context, c *kms.Client, arn string, try func(string, error) bool) ([]any, bool) {
	out := []any{}
	p := kms.NewListGrantsPaginator(c, &kms.ListGrantsInput{KeyId: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if !try("kms:ListGrants", err) {
			return nil, false
		}
		for _, g := range page.Grants {
			if g.Constraints != nil && g.Constraints.SourceArn != nil {
				s.record(arn, "kms:ListGrants", fmt.Errorf("grant %s has a SourceArn constraint, which kmsguard does not model; the grant is left out", aws.ToString(g.GrantId)))
				continue
			}
			out = append(out, Grant(g))
		}
	}
	return out, true
}

// Grant converts a ListGrants entry to the snapshot's grant shape.
func Grant(g kmstypes.GrantListEntry) map[string]any {
	ops := make([]any, 0, len(g.Operations))
	for _, op := range g.Operations {
		ops = append(ops, string(op))
	}
	out := map[string]any{"operations": ops}
	if g.GranteeServicePrincipal != nil {
		out["grantee_service_principal"] = aws.ToString(g.GranteeServicePrincipal)
	} else {
		out["grantee_principal"] = aws.ToString(g.GranteePrincipal)
	}
	if g.GrantId != nil {
		out["grant_id"] = aws.ToString(g.GrantId)
	}
	if g.RetiringPrincipal != nil {
		out["retiring_principal"] = aws.ToString(g.RetiringPrincipal)
	} else if g.RetiringServicePrincipal != nil {
		out["retiring_principal"] = aws.ToString(g.RetiringServicePrincipal)
	}
	if c := g.Constraints; c != nil && (c.EncryptionContextEquals != nil || c.EncryptionContextSubset != nil) {
		cons := map[string]any{}
		if c.EncryptionContextEquals != nil {
			cons["encryption_context_equals"] = stringMap(c.EncryptionContextEquals)
		}
		if c.EncryptionContextSubset != nil {
			cons["encryption_context_subset"] = stringMap(c.EncryptionContextSubset)
		}
		out["constraints"] = cons
	}
	return out
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedStrings(in []string) []any {
	s := append([]string(nil), in...)
	sort.Strings(s)
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// ---- progress ----------------------------------------------------------------------

// progress reports the keys read: on a terminal, a counter rewritten on one
// line at most ten times a second; elsewhere (every > 0), a line every
// interval while the scan runs, so logs show a long scan is alive.
type progress struct {
	w        io.Writer
	every    time.Duration
	start    time.Time
	done     chan struct{}
	stopOnce sync.Once
	ticking  sync.WaitGroup

	mu       sync.Mutex
	n, total int
	last     time.Time
}

func newProgress(w io.Writer, every time.Duration) *progress {
	p := &progress{w: w, every: every, start: time.Now(), done: make(chan struct{})}
	if w != nil && every > 0 {
		p.ticking.Go(p.tick)
	}
	return p
}

func (p *progress) tick() {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.mu.Lock()
			fmt.Fprintf(p.w, "kmsguard: scanning: %d of %d keys read so far, %s elapsed\n", p.n, p.total, time.Since(p.start).Round(time.Second))
			p.mu.Unlock()
		}
	}
}

// stop ends the periodic lines (and waits for the last one).
func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.done) })
	p.ticking.Wait()
}

func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	p.print(true)
}

func (p *progress) step() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.print(p.n == p.total)
}

// print writes the terminal counter at most ten times a second, and always
// when forced.
func (p *progress) print(force bool) {
	if p.w == nil || p.every > 0 {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\rkmsguard: keys %d/%d", p.n, p.total)
}

// finish ends the counter's line.
func (p *progress) finish() {
	p.stop()
	if p.w == nil || p.every > 0 || p.total == 0 {
		return
	}
	fmt.Fprintln(p.w)
}
