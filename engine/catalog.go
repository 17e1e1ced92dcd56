package engine

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	kmsrego "github.com/kmsguard/kmsguard/rego"
)

// catalogAction is one entry of data.kmsguard.catalog.actions.
type catalogAction struct {
	Name              string `json:"name"`
	Scope             string `json:"scope"`
	CrossAccount      bool   `json:"cross_account"`
	EncryptionContext bool   `json:"encryption_context"`
	GrantOperation    bool   `json:"grant_operation"`
	// ConditionKeys are the kms:* keys (and key prefixes ending in ":")
	// requests for the action can carry.
	ConditionKeys []string `json:"condition_keys"`
}

// conditionKeys is data.kmsguard.catalog.condition_keys: documented types
// of condition keys (by name and by prefix) and the kms:* keys every
// request can carry.
type conditionKeys struct {
	Types       map[string]string `json:"types"`
	Prefixes    map[string]string `json:"prefixes"`
	EveryAction []string          `json:"every_action"`
	// ReplacedBy maps a key to the deprecated key that holds its value
	// (kms:keyspec -> kms:customermasterkeyspec).
	ReplacedBy struct {
		Keys map[string]string `json:"keys"`
	} `json:"replaced_by"`
}

// contextRow is one row of data.kmsguard.catalog.request_context.rows: a
// key kmsguard fills in itself, with fixed values or derived (see the
// table's "about").
type contextRow struct {
	Key      string   `json:"key"`
	Value    []string `json:"value"`
	Actions  []string `json:"actions"`
	KeySpecs []string `json:"key_specs"`
	Derive   string   `json:"derive"`
	Format   string   `json:"format"`
	Position string   `json:"position"`
	Fact     bool     `json:"fact"`
}

// appliesTo is authz.row_action_ok and authz.row_key_spec_ok.
func (r *contextRow) appliesTo(action string, k *keyInfo) bool {
	if r.Actions != nil && !slices.Contains(r.Actions, action) {
		return false
	}
	return r.KeySpecs == nil || !k.hasSpec || slices.Contains(r.KeySpecs, k.keySpec)
}

// catalogData is the part of rego/kmsguard/catalog/data.json the engine
// reads: the AWS facts live there, never in Go.
type catalogData struct {
	Actions        map[string]*catalogAction `json:"actions"`
	ConditionKeys  conditionKeys             `json:"condition_keys"`
	RequestContext struct {
		Rows []contextRow `json:"rows"`
	} `json:"request_context"`
	// IAMOnly is catalog.iam_only_condition_prefixes: condition keys KMS
	// supports only in IAM policies (a name ending in "/" is a prefix).
	IAMOnly []string `json:"iam_only_condition_prefixes"`
	// Partitions is catalog.partitions: the partitions kmsguard knows, the
	// Region of each one's example key and the example key's id.
	Partitions struct {
		ExampleKeyID string `json:"example_key_id"`
		Rows         []struct {
			Partition     string `json:"partition"`
			DefaultRegion string `json:"default_region"`
		} `json:"rows"`
	} `json:"partitions"`

	// RequestDefaults is catalog.request_defaults: per action, the
	// documented defaults of its request parameters.
	RequestDefaults map[string]map[string][]string `json:"-"`

	grantOperations map[string]bool          // lower-cased names of grant operations
	byDerive        map[string][]*contextRow // request-context rows by how they are derived
	// twins is ConditionKeys.ReplacedBy.Keys as a list, sorted by key.
	twins []keyTwin
	// knownKeys indexes ConditionKeys.Types by lower-cased name, so that
	// reading a question's context finds a known key's lower-cased name
	// (one string for every question) and type at once.
	knownKeys map[string]knownKey
}

// keyTwin is a key and the deprecated key that holds its value.
type keyTwin struct{ key, deprecated string }

// knownKey is a condition key of ConditionKeys.Types.
type knownKey struct{ name, typ string }

const catalogPath = "kmsguard/catalog/data.json"

func loadCatalog(fsys fs.FS) (*catalogData, error) {
	data, err := fs.ReadFile(fsys, catalogPath)
	if err != nil {
		return nil, fmt.Errorf("engine: reading the catalog: %w", err)
	}
	var c catalogData
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("engine: reading the catalog: %w", err)
	}
	if len(c.Actions) == 0 {
		return nil, fmt.Errorf("engine: the catalog has no actions")
	}
	for _, k := range []string{"kms:keyspec", "kms:keyusage"} {
		if c.ConditionKeys.ReplacedBy.Keys[k] == "" {
			return nil, fmt.Errorf("engine: the catalog names no deprecated twin of %s", k)
		}
	}
	if c.Partitions.ExampleKeyID == "" || len(c.Partitions.Rows) == 0 {
		return nil, fmt.Errorf("engine: the catalog has no partitions or no example key id")
	}
	c.byDerive = map[string][]*contextRow{}
	for i := range c.RequestContext.Rows {
		r := &c.RequestContext.Rows[i]
		c.byDerive[r.Derive] = append(c.byDerive[r.Derive], r)
	}
	c.RequestDefaults = map[string]map[string][]string{}
	for _, r := range c.RequestContext.Rows {
		if r.Value == nil || r.KeySpecs != nil {
			continue
		}
		for _, a := range r.Actions {
			if c.RequestDefaults[a] == nil {
				c.RequestDefaults[a] = map[string][]string{}
			}
			c.RequestDefaults[a][r.Key] = r.Value
		}
	}
	for k, twin := range c.ConditionKeys.ReplacedBy.Keys {
		c.twins = append(c.twins, keyTwin{k, twin})
	}
	slices.SortFunc(c.twins, func(a, b keyTwin) int { return strings.Compare(a.key, b.key) })
	c.knownKeys = make(map[string]knownKey, len(c.ConditionKeys.Types))
	for k, t := range c.ConditionKeys.Types {
		c.knownKeys[k] = knownKey{k, t}
	}
	c.grantOperations = map[string]bool{}
	for _, a := range c.Actions {
		if a.GrantOperation {
			c.grantOperations[lower(a.Name)] = true
		}
	}
	return &c, nil
}

var (
	catalogOnce   sync.Once
	catalogLoaded *catalogData
	catalogErr    error
)

// embeddedCatalog is the catalog of the embedded bundle, read once.
func embeddedCatalog() (*catalogData, error) {
	catalogOnce.Do(func() {
		catalogLoaded, catalogErr = loadCatalog(kmsrego.FS)
		if catalogErr == nil {
			internNames(catalogLoaded)
		}
	})
	return catalogLoaded, catalogErr
}

// MultivaluedKey reports whether the condition key k (any case) is
// multivalued (can hold several values in a request): its documented type
// in the catalog is ArrayOfString (data.kmsguard.catalog.multivalued). It
// is false for keys the catalog does not know, or when the catalog cannot
// be read (New reports that error).
func MultivaluedKey(k string) bool {
	c, err := embeddedCatalog()
	return err == nil && c.multivalued(k)
}

// ExampleKeyARN is data.kmsguard.catalog.example_key_arn: the key a
// question without a resource asks about, a key of the account in the
// partition's default Region (catalog.partitions). ok is false for a
// partition the catalog does not know, or when the catalog cannot be read
// (New reports that error).
func ExampleKeyARN(partition, account string) (arn string, ok bool) {
	return DefaultRegionKeyARN(partition, account, "")
}

// DefaultRegionKeyARN is the ARN of key id (the catalog's example key id
// when id is "") of the account in the partition's default Region
// (catalog.partitions); ok as for ExampleKeyARN.
func DefaultRegionKeyARN(partition, account, id string) (arn string, ok bool) {
	c, err := embeddedCatalog()
	if err != nil {
		return "", false
	}
	if id == "" {
		id = c.Partitions.ExampleKeyID
	}
	for _, r := range c.Partitions.Rows {
		if r.Partition == partition {
			return "arn:" + partition + ":kms:" + r.DefaultRegion + ":" + account + ":key/" + id, true
		}
	}
	return "", false
}

// keyType is authz.context_key_type: the documented type of the
// lower-cased condition key k ("" when the catalog does not know it); ok is
// false when two prefixes give it different types (the Rego would fail).
func (c *catalogData) keyType(k string) (t string, ok bool) {
	if t, has := c.ConditionKeys.Types[k]; has {
		return t, true
	}
	for prefix, pt := range c.ConditionKeys.Prefixes {
		if strings.HasPrefix(k, prefix) && len(k) > len(prefix) {
			if t != "" && t != pt {
				return "", false
			}
			t = pt
		}
	}
	return t, true
}

// maxKnownKey bounds the length of the names lookupKey looks up (the
// catalog's are far shorter).
const maxKnownKey = 64

// lookupKey is the known key whose name is k lower-cased (ASCII letters
// only); ok is false when the catalog does not type k by name.
func lookupKey[S string | []byte](c *catalogData, k S) (kk knownKey, ok bool) {
	if len(k) > maxKnownKey {
		return knownKey{}, false
	}
	var buf [maxKnownKey]byte
	for i := range len(k) {
		b := k[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf[i] = b
	}
	kk, ok = c.knownKeys[string(buf[:len(k)])] // no allocation for the lookup
	return kk, ok
}

// carries is authz.action_carries: requests for action a can carry the
// lower-cased kms:* key k.
func (c *catalogData) carries(a *catalogAction, k string) bool {
	if slices.Contains(c.ConditionKeys.EveryAction, k) || slices.Contains(a.ConditionKeys, k) {
		return true
	}
	for _, p := range a.ConditionKeys {
		if strings.HasSuffix(p, ":") && strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return false
}

// rows returns the request_context rows that derive their value the given
// way (authz.derive_rows).
func (c *catalogData) rows(derive string) []*contextRow { return c.byDerive[derive] }

// multivalued reports whether the condition key k (any case) is
// multivalued: its documented type is ArrayOfString
// (data.kmsguard.catalog.multivalued).
func (c *catalogData) multivalued(k string) bool {
	return c.ConditionKeys.Types[lower(k)] == "ArrayOfString"
}

// iamOnly is catalog.iam_only: the condition key k (lower case) is one KMS
// supports only in IAM policies, never present in a key policy's request
// context.
func (c *catalogData) iamOnly(k string) bool {
	for _, p := range c.IAMOnly {
		if k == p || strings.HasSuffix(p, "/") && strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
