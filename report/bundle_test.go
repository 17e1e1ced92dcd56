package report

import (
	"bytes"
	"testing"

	"github.com/kmsguard/kmsguard/result"
)

func TestBundleText(t *testing.T) {
	sum := func(signed, verified bool) *result.BundleSummary {
		return &result.BundleSummary{
			Roots:       []string{"kmsguard"},
			RegoVersion: 1,
			Modules:     3,
			Entrypoints: []string{"data.kmsguard.authz.decision", "data.kmsguard.authz.explain"},
			Signed:      signed,
			Verified:    verified,
		}
	}
	const body = "  revision:     (none)\n  roots:        kmsguard\n  rego_version: 1\n  modules:      3\n" +
		"  entry points: /v1/data/kmsguard/authz/decision, /v1/data/kmsguard/authz/explain\n  snapshot:     none\n"
	withKey := BundleSigning{Algorithm: "ES256", KeyID: "k1"}
	noKey := BundleSigning{Algorithm: "RS256"}
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"built unsigned", func(b *bytes.Buffer) error { return BundleBuiltText(b, "b.tar.gz", 10, sum(false, false), noKey) },
			"wrote b.tar.gz (10 bytes)\n" + body + "  signature:    none\n"},
		{"built signed with a key id", func(b *bytes.Buffer) error { return BundleBuiltText(b, "b.tar.gz", 10, sum(true, false), withKey) },
			"wrote b.tar.gz (10 bytes)\n" + body + "  signature:    signed (ES256, key k1)\n"},
		{"verified", func(b *bytes.Buffer) error { return BundleVerifiedText(b, "b.tar.gz", sum(true, true), noKey) },
			"b.tar.gz: OK\n" + body + "  signature:    verified (RS256)\n"},
		{"signed, not verified", func(b *bytes.Buffer) error { return BundleVerifiedText(b, "b.tar.gz", sum(true, false), withKey) },
			"b.tar.gz: OK\n" + body + "  signature:    present, not verified (no --verification-key)\n"},
		{"unsigned", func(b *bytes.Buffer) error { return BundleVerifiedText(b, "b.tar.gz", sum(false, false), noKey) },
			"b.tar.gz: OK\n" + body + "  signature:    none\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestBundleJSON(t *testing.T) {
	s := &result.BundleSummary{Revision: "<r1>", Roots: []string{"kmsguard"}, Snapshot: &result.BundleSnapshotSummary{Keys: 1}}
	var b bytes.Buffer
	if err := BundleJSON(&b, s); err != nil {
		t.Fatal(err)
	}
	want := `{"revision":"<r1>","roots":["kmsguard"],"rego_version":0,"modules":0,"entrypoints":null,"signed":false,"verified":false,"snapshot":{"keys":1,"principals":0,"accounts":0}}` + "\n"
	if got := b.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
