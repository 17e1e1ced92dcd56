package check

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown top-level key", "rules: {}\nadmin: [x]\n",
			`k.yaml:2:1: unknown key "admin" in the configuration (expected one of account, admins, keys, rules, suppressions)`},
		{"unknown rule key", "rules:\n  KMS003:\n    disable: true\n",
			`k.yaml:3:5: unknown key "disable" in rules.KMS003 (expected one of disabled, severity)`},
		{"not a rule id", "rules:\n  wildcard: {disabled: true}\n", `k.yaml:2:3: rules: "wildcard" is not a rule id (KMSnnn)`},
		{"bad severity", "rules:\n  KMS003: {severity: urgent}\n",
			`k.yaml:2:22: rules.KMS003.severity: unknown severity "urgent" (expected critical, high, medium, low, info)`},
		{"disabled not a bool", "rules:\n  KMS003: {disabled: yes please}\n",
			`k.yaml:2:22: rules.KMS003.disabled: expected true or false, got the string "yes please"`},
		{"reason required", "suppressions:\n  - rule: KMS003\n    file: a.json\n",
			`k.yaml:2:5: suppressions[0]: reason is required: say why the finding is accepted`},
		{"blank reason", "suppressions:\n  - {rule: KMS003, reason: '  '}\n",
			`k.yaml:2:5: suppressions[0]: reason is required: say why the finding is accepted`},
		{"rule required", "suppressions:\n  - reason: because\n", `k.yaml:2:5: suppressions[0]: rule is required`},
		{"unknown suppression key", "suppressions:\n  - {rule: KMS003, reason: r, line: 3}\n",
			`k.yaml:2:31: unknown key "line" in suppressions[0] (expected one of file, reason, rule, sid)`},
		{"admins not a list", "admins: arn:aws:iam::111122223333:root\n",
			`k.yaml:1:9: admins: expected a list, got the string "arn:aws:iam::111122223333:root"`},
		{"key without match", "keys:\n  - admins: [a]\n", `k.yaml:2:5: keys[0]: match is required`},
		{"duplicate key", "admins: []\nadmins: []\n", `k.yaml:2:1: admins: duplicate key "admins" (first at line 1, column 1)`},
		{"duplicate nested key", "keys:\n  arn:aws:kms:us-east-1:111122223333:key/k:\n    admins: []\n    admins: []\n", `k.yaml:4:5: keys.arn:aws:kms:us-east-1:111122223333:key/k.admins: duplicate key "admins" (first at line 3, column 5)`},
		{"alias bomb", "a0: &a0 [x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\na6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]\n", `k.yaml:7:15: invalid YAML: the document expands to more than 1000000 nodes (aliases expanded)`},
		{"not a mapping", "- a\n", `k.yaml:1:1: the configuration: expected a mapping, got a list`},
		{"invalid YAML", "rules: {\n", `k.yaml:2: invalid YAML: did not find expected node content`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("k.yaml", []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error\n %s\nwant\n %s", err, tt.want)
			}
		})
	}
}

func TestParseConfigEmpty(t *testing.T) {
	for _, data := range []string{"", "# nothing\n", "~\n"} {
		c, err := ParseConfig("k.yaml", []byte(data))
		if err != nil || len(c.Rules)+len(c.Admins)+len(c.Keys)+len(c.Suppressions) != 0 {
			t.Errorf("%q: %+v, %v", data, c, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c, err := ParseConfig("k.yaml", []byte("rules:\n  KMS003: {disabled: true}\nsuppressions:\n  - {rule: KMS099, reason: r}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(map[string]bool{"KMS003": true, "KMS099": true}); err != nil {
		t.Error(err)
	}
	err = c.Validate(map[string]bool{"KMS003": true})
	if want := "k.yaml:4: suppressions[0].rule: unknown rule KMS099 (see kmsguard rules)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	err = c.Validate(map[string]bool{"KMS099": true})
	if want := "k.yaml:2: rules: unknown rule KMS003 (see kmsguard rules)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		ConfigName:                     "",
		"repo/.git/HEAD":               "",
		"repo/sub/dir/x.json":          "",
		"repo/with/" + ConfigName:      "",
		"repo/with/inner/x.json":       "",
		"plain/a/b/x.json":             "",
		"plain/" + ConfigName:          "",
		"plain/a/" + ConfigName + "/x": "", // a directory of that name is not a configuration
	})
	tests := []struct{ dir, want string }{
		{"repo/sub/dir", ""}, // stops at the repository root: the file above it is not used
		{"repo/with/inner", "repo/with/" + ConfigName},
		{"plain/a/b", "plain/" + ConfigName},
		{".", ConfigName},
	}
	for _, tt := range tests {
		got, err := FindConfig(filepath.Join(root, tt.dir))
		if err != nil {
			t.Fatal(err)
		}
		want := tt.want
		if want != "" {
			want = filepath.Join(root, want)
		}
		if got != want {
			t.Errorf("FindConfig(%s) = %q, want %q", tt.dir, got, want)
		}
	}
}

func TestLoadConfigMissing(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "none.yaml"), "none.yaml")
	if want := "none.yaml: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if _, err := os.Stat("none.yaml"); err == nil {
		t.Error("LoadConfig created a file")
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		file, want bool
	}{
		{"keys/app.json", "keys/app.json", true, true},
		{"./keys/app.json", "keys/app.json", true, true},
		{"keys/*.json", "keys/app.json", true, true},
		{"keys/*.json", "keys/sub/app.json", true, false},
		{"keys/**/*.json", "keys/app.json", true, true},
		{"keys/**/*.json", "keys/a/b/app.json", true, true},
		{"**/app.json", "app.json", true, true},
		{"app.json", "deep/dir/app.json", true, true}, // no '/': the base name
		{"app.jso?", "app.json", true, true},
		{"a.json", "a-json", true, false},
		{"arn:aws:kms:*:*:key/*", "arn:aws:kms:us-east-1:111122223333:key/1234", false, true},
		{"arn:aws:kms:*:*:key/*", "arn:aws:kms:us-east-1:111122223333:alias/x", false, false},
		{"arn:aws:kms:*:111122223333:*", "arn:aws:kms:us-east-1:111122223333:key/1234", false, false},
		{"arn:aws:kms:*:111122223333:**", "arn:aws:kms:us-east-1:111122223333:key/1234", false, true},
	}
	for _, tt := range tests {
		g, err := compileGlob(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		var got bool
		if tt.file {
			got = g.matchFile(tt.s)
		} else {
			got = g.matchString(tt.s)
		}
		if got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// .kmsguard.yaml has a size cap (docs/check.md, "Input limits").
func TestLoadConfigSizeCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigName)
	data := append([]byte("admins: []\n"), make([]byte, MaxConfigFile)...)
	for i := 11; i < len(data); i++ {
		data[i] = '\n'
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path, ConfigName)
	if want := ".kmsguard.yaml: larger than 1 MiB, the size limit of a configuration file"; err == nil || err.Error() != want {
		t.Errorf("LoadConfig = %v, want %q", err, want)
	}
}
