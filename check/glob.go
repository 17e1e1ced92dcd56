package check

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// glob is a compiled pattern of the configuration: `**` matches anything,
// `*` anything but '/', `?` one character but '/'; everything else matches
// itself. A pattern without '/' also matches a file's base name, as in
// .gitignore.
type glob struct {
	re       *regexp.Regexp
	baseName bool
}

func compileGlob(pattern string) (*glob, error) {
	p := strings.TrimPrefix(pattern, "./")
	if p == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?") // **/ matches zero or more directories
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	return &glob{re: re, baseName: !strings.Contains(p, "/")}, nil
}

// matchFile matches a slash-separated file path.
func (g *glob) matchFile(file string) bool {
	file = strings.TrimPrefix(path.Clean(file), "./")
	if g.re.MatchString(file) {
		return true
	}
	return g.baseName && g.re.MatchString(path.Base(file))
}

// matchString matches any other text (a key ARN).
func (g *glob) matchString(s string) bool {
	return s != "" && g.re.MatchString(s)
}
