package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kmsguard/kmsguard/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/check/golden and testdata/graphs")

const goldenDir = "../testdata/check/golden"

func intp(i int) *int { return &i }

// fixture is a hand-made result: findings in three files (one from a
// CloudFormation template, one suppressed, one about the whole document) and
// a file that could not be parsed.
func fixture() (*result.Result, Options) {
	rules := []result.Rule{
		{ID: "KMS002", Name: "policy-version", Title: "Policy has no Version", Severity: "low", Category: "validation",
			Description: "Without Version, policy variables are not expanded.", Remediation: `Add "Version": "2012-10-17".`},
		{ID: "KMS003", Name: "wildcard-principal", Title: "Key policy allows every principal", Severity: "high", Category: "access",
			Description:      "An Allow statement with Principal \"*\" and no condition that restricts the callers.",
			Remediation:      "Name the principals, or add a kms:CallerAccount condition.",
			RelatedResources: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"}},
		{ID: "KMS017", Name: "deletion-deny-missing", Title: "No explicit Deny protects key deletion", Severity: "info", Category: "deny"},
	}
	f := func(file string, line int, where, resource string, r result.Rule, msg string, stmt *int, sid string) result.FileFinding {
		return result.FileFinding{File: file, Line: line, Where: where, Resource: resource, Finding: result.Finding{
			ID: r.ID, Name: r.Name, Title: r.Title, Severity: r.Severity, Category: r.Category, Msg: msg,
			Statement: stmt, Sid: sid, Description: r.Description, Remediation: r.Remediation, RelatedResources: r.RelatedResources}}
	}
	suppressed := f("keys/partner.json", 9, "", "", rules[1], `Statement[1] "Partner" allows kms:Decrypt to every principal ("*")`, intp(1), "Partner")
	suppressed.Suppressed = &result.Suppressed{Reason: "the partner account list is enforced by an SCP", Config: ".kmsguard.yaml:12"}
	res := &result.Result{
		Findings: []result.FileFinding{
			f("keys/app.json", 1, "", "", rules[2], "no Deny statement protects kms:PutKeyPolicy, kms:ScheduleKeyDeletion", nil, ""),
			f("keys/app.json", 14, "", "", rules[1], `Statement[2] "Public" allows kms:Decrypt, kms:Encrypt to every principal ("*"), with no condition`, intp(2), "Public"),
			suppressed,
			f("stacks/app.yaml", 31, "Resources.AppKey.Properties.KeyPolicy", "AppKey", rules[0], "the policy has no Version: add \"Version\": \"2012-10-17\"\nsecond line, 100% plain", nil, ""),
		},
		Errors:    []result.InputError{{File: "keys/broken.json", Line: 3, Column: 21, Msg: "invalid character '}' looking for beginning of object key string"}},
		Files:     3,
		Documents: 3,
		Skipped:   2,
		NotPolicy: 1,
	}
	return res, Options{FailOn: "medium", Version: "v0.0.0-test", Rules: rules}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test ./report/ -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	exts := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "github.txt"}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			res, opt := fixture()
			var buf bytes.Buffer
			if err := Write(&buf, format, res, opt); err != nil {
				t.Fatal(err)
			}
			golden(t, "report."+exts[format], buf.Bytes())
			// The same result rendered twice gives the same bytes.
			var again bytes.Buffer
			if err := Write(&again, format, res, opt); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("output not deterministic")
			}
		})
	}
}

// validateSARIF checks a log against the OASIS SARIF 2.1.0 schema
// (testdata/check/sarif-schema-2.1.0.json, errata01) with OPA's
// json.match_schema.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	schema, err := os.ReadFile("../testdata/check/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc, sch any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(schema, &sch); err != nil {
		t.Fatal(err)
	}
	rs, err := rego.New(
		rego.Query("x := json.match_schema(input.doc, input.schema)"),
		rego.Input(map[string]any{"doc": doc, "schema": sch}),
	).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := rs[0].Bindings["x"].([]any)
	if ok, _ := res[0].(bool); !ok {
		t.Fatalf("not valid SARIF 2.1.0: %v\n%s", res[1], data)
	}
}

func TestSARIFValid(t *testing.T) {
	res, opt := fixture()
	var buf bytes.Buffer
	if err := SARIF(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string `json:"ruleId"`
				RuleIndex    int    `json:"ruleIndex"`
				Suppressions []struct {
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if n := len(run.Tool.Driver.Rules); n != 3 {
		t.Errorf("%d rules, want the catalog's 3", n)
	}
	for _, r := range run.Results {
		if got := run.Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, got)
		}
	}
	if s := run.Results[2].Suppressions; len(s) != 1 || s[0].Justification == "" {
		t.Errorf("suppressed finding without a justified suppression: %+v", run.Results[2])
	}
	if run.Invocations[0].ExecutionSuccessful {
		t.Error("a run with an input error is reported as successful")
	}

	// An empty run is valid too.
	buf.Reset()
	if err := SARIF(&buf, &result.Result{}, Options{FailOn: "medium"}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
}

// TestSARIFUploadContract checks what GitHub code scanning needs of an
// uploaded log (docs.github.com, "SARIF support for code scanning"): a
// valid SARIF 2.1.0 log, each result with exactly one location that has a
// file and a line, a ruleId that is a rule of the driver at ruleIndex, and
// a partialFingerprints entry that does not depend on the line.
func TestSARIFUploadContract(t *testing.T) {
	res, opt := fixture()
	write := func(res *result.Result) []byte {
		var buf bytes.Buffer
		if err := SARIF(&buf, res, opt); err != nil {
			t.Fatal(err)
		}
		validateSARIF(t, buf.Bytes())
		return buf.Bytes()
	}
	type log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				RuleIndex           *int              `json:"ruleIndex"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	parse := func(data []byte) log {
		var l log
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Runs) != 1 {
			t.Fatalf("%d runs, want 1", len(l.Runs))
		}
		return l
	}
	first := parse(write(res))
	run := first.Runs[0]
	if len(run.Results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(res.Findings))
	}
	prints := map[string]bool{}
	for i, r := range run.Results {
		if len(r.Locations) != 1 {
			t.Errorf("result %d: %d locations, want 1", i, len(r.Locations))
			continue
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != res.Findings[i].File || loc.Region.StartLine != res.Findings[i].Line {
			t.Errorf("result %d at %s:%d, want %s:%d", i, loc.ArtifactLocation.URI, loc.Region.StartLine, res.Findings[i].File, res.Findings[i].Line)
		}
		if r.RuleID != res.Findings[i].ID || r.RuleIndex == nil || run.Tool.Driver.Rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleId %q does not name its rule", i, r.RuleID)
		}
		fp := r.PartialFingerprints[FingerprintKey]
		if len(fp) != 32 || prints[fp] {
			t.Errorf("result %d: fingerprint %q missing or not unique", i, fp)
		}
		prints[fp] = true
	}
	// Lines added above every finding: same rule ids and fingerprints.
	for i := range res.Findings {
		res.Findings[i].Line += 10
	}
	moved := parse(write(res)).Runs[0]
	for i, r := range moved.Results {
		if r.RuleID != run.Results[i].RuleID || r.PartialFingerprints[FingerprintKey] != run.Results[i].PartialFingerprints[FingerprintKey] {
			t.Errorf("result %d changed identity when its line moved: %v -> %v", i, run.Results[i].PartialFingerprints, r.PartialFingerprints)
		}
	}
}

func TestJUnitCounts(t *testing.T) {
	res, opt := fixture()
	var buf bytes.Buffer
	if err := JUnit(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	// KMS003 fails (high >= medium); KMS017 (info) and KMS002 (low) pass;
	// the suppressed finding is skipped; the broken file is an error.
	if suites.Tests != 5 || suites.Failures != 1 || suites.Skipped != 1 || suites.Errors != 1 || len(suites.Suites) != 4 {
		t.Errorf("tests %d failures %d skipped %d errors %d suites %d", suites.Tests, suites.Failures, suites.Skipped, suites.Errors, len(suites.Suites))
	}
	opt.FailOn = "info"
	buf.Reset()
	if err := JUnit(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Failures != 3 {
		t.Errorf("--fail-on info: %d failures, want 3", suites.Failures)
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, &result.Result{}, Options{FailOn: "high"}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if f, ok := got["findings"].([]any); !ok || len(f) != 0 {
		t.Errorf("findings %v, want []", got["findings"])
	}
	if e, ok := got["errors"].([]any); !ok || len(e) != 0 {
		t.Errorf("errors %v, want []", got["errors"])
	}
}

func TestGitHubEscaping(t *testing.T) {
	var buf bytes.Buffer
	writeCommand(&buf, "error", "dir,a:b/x%.json", 3, 0, "KMS003 a,b:c", "100% bad\r\nnext: line")
	want := "::error file=dir%2Ca%3Ab/x%25.json,line=3,title=KMS003 a%2Cb%3Ac::100%25 bad%0D%0Anext: line\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestTextColor(t *testing.T) {
	res, opt := fixture()
	opt.Color = true
	var buf bytes.Buffer
	if err := Text(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"\x1b[1;31mhigh    \x1b[22;0m", "\x1b[1mkeys/app.json\x1b[22m", "\x1b[2msuppressed: "} {
		if !strings.Contains(out, want) {
			t.Errorf("colored text lacks %q:\n%s", want, out)
		}
	}
	opt.Color = false
	buf.Reset()
	if err := Text(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("escape codes without color")
	}
}

// TestTextWidth: with a width (a terminal), messages wrap under their
// column and no line is wider; without, a finding is one line.
func TestTextWidth(t *testing.T) {
	res, opt := fixture()
	opt.Width = 80
	var buf bytes.Buffer
	if err := Text(&buf, res, opt); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	for _, l := range lines[:len(lines)-2] { // not the summary line
		if len(l) > 80 {
			t.Errorf("line of %d columns: %q", len(l), l)
		}
	}
	want := "  14  high      KMS003 wildcard-principal  Statement[2] \"Public\" allows\n" +
		"                kms:Decrypt, kms:Encrypt to every principal (\"*\"), with no\n" +
		"                condition\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("wrapped text lacks %q:\n%s", want, buf.String())
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		s    result.Summary
		want string
	}{
		{result.Summary{Files: 1, Documents: 1, FailOn: "medium"}, "Checked 1 file (1 policy): no findings."},
		{result.Summary{Files: 2, Documents: 5, Findings: 3, Failing: 1, FailOn: "high", Suppressed: 2,
			BySeverity: result.Counts{High: 1, Info: 2}, Skipped: 3, NotPolicy: 1, Errors: 1},
			"Checked 2 files (5 policies): 3 findings (1 high, 2 info), 2 suppressed. 1 at or above high. 4 other files skipped. 1 error."},
	}
	for _, tt := range tests {
		if got := summaryLine(tt.s); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "yaml", &result.Result{}, Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) {
		t.Errorf("error %v", err)
	}
}
