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
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
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
	DefaultMaxAttempts = 10
	DefaultConcurrency = 8
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

	// Progress, when not nil, receives a line counter ("keys 120/2000") as
	// the scan goes; pass a terminal only.
	Progress io.Writer
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
	cfg, err := loadConfig(ctx, o)
	if err != nil {
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
	s := &scanner{opts: o, snap: snapshot.New(now()), progress: newProgress(o.Progress)}
	if s.opts.Concurrency <= 0 {
		s.opts.Concurrency = DefaultConcurrency
	}

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
	s.progress.finish()
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
				if o.Backoff != nil {
					so.Backoff = o.Backoff
				}
			})
		}),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return cfg, nil
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

// progress prints "keys done/total" on one terminal line.
type progress struct {
	w        io.Writer
	mu       sync.Mutex
	n, total int
	last     time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) add(n int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	p.print(true)
}

func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.print(p.n == p.total)
}

// print writes the counter at most ten times a second, and always when
// forced.
func (p *progress) print(force bool) {
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\rkmsguard: keys %d/%d", p.n, p.total)
}

// finish ends the counter's line.
func (p *progress) finish() {
	if p.w == nil || p.total == 0 {
		return
	}
	fmt.Fprintln(p.w)
}
