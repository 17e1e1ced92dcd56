package bundle

import (
	"slices"
	"testing"
	"testing/fstest"
)

// The entry points are the rules marked `# entrypoint: true`, the decision
// first: a marked rule is one, the same rule unmarked is not.
func TestEntrypoints(t *testing.T) {
	const marker = "# METADATA\n# entrypoint: true\n"
	for _, marked := range []bool{true, false} {
		mark := ""
		if marked {
			mark = marker
		}
		fsys := fstest.MapFS{
			"kmsguard/extra/extra.rego":    {Data: []byte("package kmsguard.extra\n\n" + mark + "echo := input.x\n\nhelper := 1\n")},
			"kmsguard/authz/decision.rego": {Data: []byte("package kmsguard.authz\n\n" + marker + "decision := {\"error\": \"no\"}\n")},
		}
		b, err := Read(fsys, false)
		if err != nil {
			t.Fatal(err)
		}
		compiler, err := Compile(b)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{DecisionQuery}
		if marked {
			want = append(want, "data.kmsguard.extra.echo")
		}
		if got := Entrypoints(compiler); !slices.Equal(got, want) {
			t.Errorf("marked %v: entry points %v, want %v", marked, got, want)
		}
	}

	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	compiler, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	got := Entrypoints(compiler)
	if len(got) == 0 || got[0] != DecisionQuery || !slices.IsSorted(got[1:]) {
		t.Errorf("entry points %v: not the decision, then the others sorted", got)
	}
	for _, q := range []string{"data.kmsguard.authz.explain", "data.kmsguard.lint.findings", "data.kmsguard.access.who_can", "data.kmsguard.authz.prepare"} {
		if !slices.Contains(got, q) {
			t.Errorf("entry points %v lack %s", got, q)
		}
	}
}
