// Package docs holds the project's documentation; its test checks that the
// references into docs/aws-rules.md resolve.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	anchorTag   = regexp.MustCompile(`<a id="([^"]+)"></a>`)
	heading     = regexp.MustCompile(`(?m)^#+ (.*)$`)
	inDocLink   = regexp.MustCompile(`\]\(#([^)]+)\)`)
	citation    = regexp.MustCompile(`aws-rules\.md#([A-Za-z0-9_.-]+)`)
	sourceTitle = regexp.MustCompile(`(?m)^### ([A-Z]+(?:-[A-Z0-9]+)?)\n\n(\S+)`)
	notSlug     = regexp.MustCompile(`[^\w\- ]`)
)

// anchors are the fragment names a page offers: explicit <a id> anchors and
// the GitHub slugs of its headings.
func anchors(page string) map[string]bool {
	out := map[string]bool{}
	for _, m := range anchorTag.FindAllStringSubmatch(page, -1) {
		out[m[1]] = true
	}
	for _, m := range heading.FindAllStringSubmatch(page, -1) {
		slug := notSlug.ReplaceAllString(strings.ToLower(strings.TrimSpace(m[1])), "")
		out[strings.ReplaceAll(slug, " ", "-")] = true
	}
	return out
}

// TestAWSRulesReferences: every citation of an anchor of docs/aws-rules.md in the
// repository's code, tests and documents names an anchor of the page, every
// link inside the page resolves, and every source the page defines gives
// its AWS documentation URL.
func TestAWSRulesReferences(t *testing.T) {
	data, err := os.ReadFile("aws-rules.md")
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	have := anchors(page)
	for _, m := range inDocLink.FindAllStringSubmatch(page, -1) {
		if !have[m[1]] {
			t.Errorf("aws-rules.md links to #%s, which it does not define", m[1])
		}
	}
	sources := sourceTitle.FindAllStringSubmatch(page, -1)
	if len(sources) < 40 {
		t.Errorf("aws-rules.md defines %d sources, want the 40 and more the rules cite", len(sources))
	}
	for _, m := range sources {
		if !strings.HasPrefix(m[2], "https://docs.aws.amazon.com/") {
			t.Errorf("aws-rules.md source %s: %q is not an AWS documentation URL", m[1], m[2])
		}
	}

	cited := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", ".bin":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".rego", ".md", ".json", ".txtar", ".yaml", ".yml":
		default:
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(body), "\n") {
			for _, m := range citation.FindAllStringSubmatch(line, -1) {
				cited++
				if !have[m[1]] {
					t.Errorf("%s:%d cites aws-rules.md#%s, which the page does not define", path, i+1, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited == 0 {
		t.Error("no citation of docs/aws-rules.md found: the walk did not reach the repository")
	}
}
