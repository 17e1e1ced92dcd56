package check

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kmsguard/kmsguard/internal/lazyregexp"
	"github.com/kmsguard/kmsguard/policyfile"
	"github.com/kmsguard/kmsguard/result"
)

// ConfigName is the file name `kmsguard check` looks for.
const ConfigName = ".kmsguard.yaml"

// MaxConfigFile is the size cap of a configuration file (docs/check.md).
const MaxConfigFile = 1 << 20

// Config is the content of .kmsguard.yaml (docs/check.md, "Configuration").
type Config struct {
	// File is where the configuration was read from, as shown in messages.
	File string
	// Dir is the directory file patterns are relative to: the
	// configuration file's; empty for the working directory.
	Dir string
	// Rules changes rules by id: disable them or change their severity.
	Rules map[string]RuleConfig
	// Admins are the principals allowed to administer every key.
	Admins []string
	// Account is the keys' account id, when not derivable otherwise.
	Account string
	// Keys adds facts about the keys whose file or ARN matches.
	Keys []KeyConfig
	// Suppressions mark findings as accepted.
	Suppressions []Suppression
}

// RuleConfig changes one rule.
type RuleConfig struct {
	Disabled bool
	Severity string // empty: the rule's own
	Line     int
}

// KeyConfig adds facts about the keys it matches.
type KeyConfig struct {
	Match    string // glob on the file path or the key ARN
	Admins   []string
	Services []string
	Account  string
	Line     int
	match    *glob
}

// Suppression accepts the findings of one rule, optionally only in some
// files or statements; Reason is required.
type Suppression struct {
	Rule   string
	File   string // glob on the file path; empty: every file
	Sid    string // statement Sid; empty: every statement
	Reason string
	Line   int
	file   *glob
}

// configError is an error in the configuration file.
func configError(file string, n *yaml.Node, format string, args ...any) error {
	e := &policyfile.Error{File: file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// FindConfig looks for .kmsguard.yaml in dir and its parents, stopping at
// the first directory that holds a .git entry (the repository root) or at
// the filesystem root. It returns "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ConfigName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadConfig reads and validates a configuration file. name is how the file
// is called in errors. File patterns of the configuration are relative to
// the file's directory.
func LoadConfig(path, name string) (*Config, error) {
	data, _, err := policyfile.ReadFile(path, nil, MaxConfigFile, "a configuration file")
	if err != nil {
		var pe *policyfile.Error
		if errors.As(err, &pe) {
			pe.File = name
		}
		return nil, err
	}
	c, err := ParseConfig(name, data)
	if err != nil {
		return nil, err
	}
	if c.Dir, err = filepath.Abs(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return c, nil
}

// relFile is how a file shown as file is matched by the configuration's
// patterns: relative to Dir when it lies below it, otherwise as shown.
func (c *Config) relFile(file string) string {
	if c.Dir == "" || file == policyfile.StdinName {
		return file
	}
	abs, err := filepath.Abs(filepath.FromSlash(file))
	if err != nil {
		return file
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return file
	}
	return filepath.ToSlash(rel)
}

var ruleIDPattern = lazyregexp.New(`^KMS[0-9]{3}$`)

// ParseConfig parses and validates a configuration. Unknown keys, values of
// the wrong type, unknown severities and suppressions without a reason are
// errors naming the key and its line. Rule ids are checked against the
// catalog by Validate.
func ParseConfig(name string, data []byte) (*Config, error) {
	root, err := policyfile.ParseYAML(name, data)
	if err != nil {
		return nil, err
	}
	c := &Config{File: name, Rules: map[string]RuleConfig{}}
	if root.Kind == 0 || len(root.Content) == 0 {
		return c, nil // an empty file: no configuration
	}
	p := configParser{file: name}
	top := root.Content[0]
	if top.Kind == yaml.ScalarNode && top.ShortTag() == "!!null" {
		return c, nil
	}
	err = p.mapping(top, "", map[string]func(*yaml.Node) error{
		"rules": func(n *yaml.Node) error {
			return p.mapping(n, "rules", nil, func(id string, k, v *yaml.Node) error {
				if !ruleIDPattern.MatchString(id) {
					return configError(name, k, "rules: %q is not a rule id (KMSnnn)", id)
				}
				rc := RuleConfig{Line: k.Line}
				err := p.mapping(v, "rules."+id, map[string]func(*yaml.Node) error{
					"disabled": func(n *yaml.Node) error { return p.bool(n, "rules."+id+".disabled", &rc.Disabled) },
					"severity": func(n *yaml.Node) error {
						return p.severity(n, "rules."+id+".severity", &rc.Severity)
					},
				}, nil)
				c.Rules[id] = rc
				return err
			})
		},
		"admins":  func(n *yaml.Node) error { return p.strings(n, "admins", &c.Admins) },
		"account": func(n *yaml.Node) error { return p.string(n, "account", &c.Account) },
		"keys": func(n *yaml.Node) error {
			return p.list(n, "keys", func(i int, e *yaml.Node) error {
				where := fmt.Sprintf("keys[%d]", i)
				k := KeyConfig{Line: e.Line}
				err := p.mapping(e, where, map[string]func(*yaml.Node) error{
					"match":    func(n *yaml.Node) error { return p.string(n, where+".match", &k.Match) },
					"admins":   func(n *yaml.Node) error { return p.strings(n, where+".admins", &k.Admins) },
					"services": func(n *yaml.Node) error { return p.strings(n, where+".services", &k.Services) },
					"account":  func(n *yaml.Node) error { return p.string(n, where+".account", &k.Account) },
				}, nil)
				if err != nil {
					return err
				}
				if k.Match == "" {
					return configError(name, e, "%s: match is required", where)
				}
				if k.match, err = compileGlob(k.Match); err != nil {
					return configError(name, e, "%s.match: %v", where, err)
				}
				c.Keys = append(c.Keys, k)
				return nil
			})
		},
		"suppressions": func(n *yaml.Node) error {
			return p.list(n, "suppressions", func(i int, e *yaml.Node) error {
				where := fmt.Sprintf("suppressions[%d]", i)
				s := Suppression{Line: e.Line}
				err := p.mapping(e, where, map[string]func(*yaml.Node) error{
					"rule":   func(n *yaml.Node) error { return p.string(n, where+".rule", &s.Rule) },
					"file":   func(n *yaml.Node) error { return p.string(n, where+".file", &s.File) },
					"sid":    func(n *yaml.Node) error { return p.string(n, where+".sid", &s.Sid) },
					"reason": func(n *yaml.Node) error { return p.string(n, where+".reason", &s.Reason) },
				}, nil)
				if err != nil {
					return err
				}
				switch {
				case s.Rule == "":
					return configError(name, e, "%s: rule is required", where)
				case !ruleIDPattern.MatchString(s.Rule):
					return configError(name, e, "%s.rule: %q is not a rule id (KMSnnn)", where, s.Rule)
				case strings.TrimSpace(s.Reason) == "":
					return configError(name, e, "%s: reason is required: say why the finding is accepted", where)
				}
				if s.File != "" {
					if s.file, err = compileGlob(s.File); err != nil {
						return configError(name, e, "%s.file: %v", where, err)
					}
				}
				c.Suppressions = append(c.Suppressions, s)
				return nil
			})
		},
	}, nil)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks the rule ids the configuration names against the ids of
// the loaded rules.
func (c *Config) Validate(ids map[string]bool) error {
	names := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		names = append(names, id)
	}
	sort.Strings(names)
	for _, id := range names {
		if !ids[id] {
			return &policyfile.Error{File: c.File, Line: c.Rules[id].Line, Msg: fmt.Sprintf("rules: unknown rule %s (see kmsguard rules)", id)}
		}
	}
	for i, s := range c.Suppressions {
		if !ids[s.Rule] {
			return &policyfile.Error{File: c.File, Line: s.Line, Msg: fmt.Sprintf("suppressions[%d].rule: unknown rule %s (see kmsguard rules)", i, s.Rule)}
		}
	}
	return nil
}

type configParser struct{ file string }

// mapping walks a mapping node: known keys go to their handler; with
// handlers nil, every key goes to each (a map of rule ids).
func (p *configParser) mapping(n *yaml.Node, where string, handlers map[string]func(*yaml.Node) error,
	each func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return configError(p.file, n, "%s: expected a mapping, got %s", orTop(where), nodeKind(n))
	}
	// Duplicate keys were refused when the file was parsed (ParseYAML).
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if handlers == nil {
			if err := each(key, k, v); err != nil {
				return err
			}
			continue
		}
		h, ok := handlers[key]
		if !ok {
			known := make([]string, 0, len(handlers))
			for name := range handlers {
				known = append(known, name)
			}
			sort.Strings(known)
			return configError(p.file, k, "unknown key %q in %s (expected one of %s)", key, orTop(where), strings.Join(known, ", "))
		}
		if err := h(v); err != nil {
			return err
		}
	}
	return nil
}

func (p *configParser) list(n *yaml.Node, where string, each func(int, *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return configError(p.file, n, "%s: expected a list, got %s", where, nodeKind(n))
	}
	for i, e := range n.Content {
		if err := each(i, deref(e)); err != nil {
			return err
		}
	}
	return nil
}

func (p *configParser) string(n *yaml.Node, where string, out *string) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return configError(p.file, n, "%s: expected a string, got %s", where, nodeKind(n))
	}
	*out = n.Value
	return nil
}

func (p *configParser) strings(n *yaml.Node, where string, out *[]string) error {
	return p.list(n, where, func(i int, e *yaml.Node) error {
		var s string
		if err := p.string(e, fmt.Sprintf("%s[%d]", where, i), &s); err != nil {
			return err
		}
		*out = append(*out, s)
		return nil
	})
}

func (p *configParser) bool(n *yaml.Node, where string, out *bool) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return configError(p.file, n, "%s: expected true or false, got %s", where, nodeKind(n))
	}
	return n.Decode(out)
}

func (p *configParser) severity(n *yaml.Node, where string, out *string) error {
	if err := p.string(n, where, out); err != nil {
		return err
	}
	if _, err := result.ParseSeverity(*out); err != nil {
		return configError(p.file, n, "%s: %v", where, err)
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func orTop(where string) string {
	if where == "" {
		return "the configuration"
	}
	return where
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		}
		return n.Value
	}
	return "something else"
}
