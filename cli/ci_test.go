package cli

import (
	"github.com/kmsguard/kmsguard/internal/delegate"

	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kmsguard/kmsguard/report"
)

// workflowFile is the GitHub Actions example of docs/ci.md, kept outside
// .github/ so that it does not run in this repository.
const workflowFile = "../docs/examples/github-actions/kmsguard.yml"

// TestCIWorkflow checks the workflow example's structure
// (docs.github.com, "Workflow syntax for GitHub Actions" and "Uploading a
// SARIF file to GitHub"): the permissions code scanning needs, a check step
// that writes SARIF with a flag kmsguard accepts, and an upload step that
// reads that file and runs even when the check step fails.
func TestCIWorkflow(t *testing.T) {
	data, err := os.ReadFile(workflowFile)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Name        string            `yaml:"name"`
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				If   string            `yaml:"if"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil {
		t.Fatalf("%s: %v", workflowFile, err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Error("the workflow does not run on pull requests")
	}
	if wf.Permissions["security-events"] != "write" || wf.Permissions["contents"] != "read" {
		t.Errorf("permissions %v, want security-events: write and contents: read", wf.Permissions)
	}
	if len(wf.Jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(wf.Jobs))
	}
	for name, job := range wf.Jobs {
		if job.RunsOn == "" {
			t.Errorf("job %s has no runs-on", name)
		}
		var checkout, install, sarifFile, uploaded string
		for i, s := range job.Steps {
			if s.Uses == "" && s.Run == "" {
				t.Errorf("step %d neither uses an action nor runs a command", i)
			}
			switch {
			case strings.HasPrefix(s.Uses, "actions/checkout@"):
				checkout = s.Uses
			case strings.Contains(s.Run, "go install "):
				install = s.Run
			case strings.HasPrefix(s.Run, "kmsguard check "):
				if sarifFile != "" {
					t.Error("two check steps")
				}
				args := strings.Fields(strings.TrimPrefix(s.Run, "kmsguard "))
				p, err := parseCheckFlags(args)
				if err != nil {
					t.Fatalf("%q: %v", s.Run, err)
				}
				outputs, err := report.ParseOutputs(p.Formats, p.Output)
				if err != nil {
					t.Fatalf("%q: %v", s.Run, err)
				}
				for _, o := range outputs {
					if o.Format == "sarif" {
						sarifFile = o.File
					}
				}
				if sarifFile == "" {
					t.Errorf("%q writes no SARIF file", s.Run)
				}
			case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
				if sarifFile == "" {
					t.Error("the upload step comes before the check step")
				}
				if !regexp.MustCompile(`@v[3-9]$`).MatchString(s.Uses) {
					t.Errorf("%s: use upload-sarif v3 or later", s.Uses)
				}
				uploaded = s.With["sarif_file"]
				if s.If != "${{ !cancelled() }}" && s.If != "always()" && s.If != "${{ always() }}" {
					t.Errorf("upload step if: %q; it must run when the check step fails", s.If)
				}
			}
		}
		if checkout == "" {
			t.Error("no actions/checkout step")
		}
		if want := "go install " + readmeInstallModule(t); !strings.Contains(install, want) {
			t.Errorf("install step %q, want %q as in the README", install, want)
		}
		if uploaded == "" || uploaded != sarifFile {
			t.Errorf("upload step reads %q, the check step writes %q", uploaded, sarifFile)
		}
	}
}

// parseCheckFlags parses the flags of a `check` command line as kmsguard
// does.
func parseCheckFlags(args []string) (checkParams, error) {
	var p checkParams
	cmd := newCheckCommand(nil, nil, nil)
	cmd.RunE = nil
	if err := cmd.ParseFlags(args[1:]); err != nil {
		return p, err
	}
	f := cmd.Flags()
	var err error
	if p.Formats, err = f.GetStringArray("format"); err != nil {
		return p, err
	}
	if p.Output, err = f.GetString("output"); err != nil {
		return p, err
	}
	return p, nil
}

// readmeInstallModule is the "go install MODULE@VERSION" of the README's
// install section; it must name this module's command.
func readmeInstallModule(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	mod := modulePath(t)
	m := regexp.MustCompile(`go install (` + regexp.QuoteMeta(mod) + `/cmd/kmsguard)@(\S+)`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatalf("the README has no go install %s/cmd/kmsguard@VERSION", mod)
	}
	return m[1] + "@"
}

func modulePath(t *testing.T) string {
	t.Helper()
	f, err := os.Open("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if mod, ok := strings.CutPrefix(sc.Text(), "module "); ok {
			return strings.TrimSpace(mod)
		}
	}
	t.Fatal("go.mod has no module line")
	return ""
}

// dockerBuild is the go build line of the Dockerfile's build stage.
var dockerBuild = regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o /out/ (\./cmd/kmsguard \./cmd/kmsguard-full)$`)

// TestDockerfile checks the Dockerfile's shape: a build stage and a
// minimal run stage holding only the binaries (kmsguard and the
// kmsguard-full it runs for every command but eval --batch, side by side),
// a static build, a non-root user.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	from := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(df, -1)
	if len(from) != 2 || !strings.HasPrefix(from[0][1], "golang:") || !strings.HasPrefix(from[1][1], "gcr.io/distroless/static") {
		t.Errorf("stages %v, want golang then distroless/static", from)
	}
	if !strings.Contains(df, "FROM golang:"+goVersion(t)) {
		t.Errorf("the build stage's Go is not go.mod's go %s", goVersion(t))
	}
	if !dockerBuild.MatchString(df) {
		t.Error("no static go build line (RUN CGO_ENABLED=0 go build ... -o /out/ ./cmd/kmsguard ./cmd/kmsguard-full)")
	}
	for _, want := range []string{"COPY --from=build /out/kmsguard /out/kmsguard-full /usr/local/bin/\n", "USER nonroot", `ENTRYPOINT ["/usr/local/bin/kmsguard"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}

func goVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return m[1]
}

// TestDockerfileBuild runs the Dockerfile's go build line here (no Docker
// needed) and checks that both binaries are static: no program
// interpreter, no dynamic section; and that kmsguard runs kmsguard-full
// from beside it. It builds kmsguard from scratch, so it runs only with
// KMSGUARD_DOCKERFILE=1.
func TestDockerfileBuild(t *testing.T) {
	if os.Getenv("KMSGUARD_DOCKERFILE") == "" {
		t.Skip("set KMSGUARD_DOCKERFILE=1 to build the binary as the Dockerfile does")
	}
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := dockerBuild.FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("no go build line in the Dockerfile")
	}
	dir := t.TempDir()
	env, rest, _ := strings.Cut(m[1], " ")
	args := append([]string{"build", "-trimpath", "-ldflags=-s -w", "-o", dir + string(filepath.Separator)}, strings.Fields(m[2])...)
	if rest != `go build -trimpath -ldflags="-s -w"` {
		t.Fatalf("the Dockerfile builds with %q; update this test", rest)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, b)
	}
	for _, name := range []string{"kmsguard", delegate.FullBinary} {
		checkStatic(t, filepath.Join(dir, name))
	}
	out := filepath.Join(dir, "kmsguard")
	v, err := exec.Command(out, "version").Output()
	if err != nil || !strings.HasPrefix(string(v), "kmsguard ") {
		t.Errorf("kmsguard version: %v %q", err, v)
	}
	if h, err := exec.Command(out, "serve", "--help").Output(); err != nil || !strings.Contains(string(h), "--addr") {
		t.Errorf("kmsguard serve --help (run by %s): %v %q", delegate.FullBinary, err, h)
	}
}

// checkStatic fails t unless the binary at path is static.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s is not static: it has a %v segment", path, p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s links %v", path, libs)
	}
}
