package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaBase is the $id prefix of the schemas in docs/schema.
const schemaBase = "https://github.com/kmsguard/kmsguard/blob/main/docs/schema/"

// compileSchemas compiles every schema of docs/schema against the JSON
// Schema 2020-12 metaschema.
func compileSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	files, err := filepath.Glob("../docs/schema/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas in docs/schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if id, _ := doc.(map[string]any)["$id"].(string); id != schemaBase+filepath.Base(f) {
			t.Errorf("%s: $id %q, want %q", f, id, schemaBase+filepath.Base(f))
		}
		if err := c.AddResource(schemaBase+filepath.Base(f), doc); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		s, err := c.Compile(schemaBase + filepath.Base(f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[name] = s
	}
	return out
}

// TestJSONSchemas runs every command that writes JSON on real inputs and
// validates its output against docs/schema: the schema member names the
// schema, and the document is valid against it.
func TestJSONSchemas(t *testing.T) {
	schemas := compileSchemas(t)
	const (
		key      = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		snapKey  = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000002"
		snapshot = "../testdata/access/snapshot.json"
	)
	dir := t.TempDir()
	newPolicy := filepath.Join(dir, "new.json")
	if err := os.WriteFile(newPolicy, []byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
  {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		schema string
		args   []string
	}{
		{"check", []string{"check", "--format", "json", "../examples/key-policy.json"}},
		{"readiness", []string{"check", "--service", "logs", "--key-arn", key, "--format", "json", "../examples/key-policy.json"}},
		{"rules", []string{"rules", "--format", "json"}},
		{"can", []string{"can", "--format", "json", "--key-policy", "../examples/key-policy.json", "--identity-policy", "../examples/alice-policy.json",
			"--principal", "arn:aws:iam::111122223333:user/alice", "--action", "kms:Decrypt", "--resource", key}},
		{"can", []string{"can", "--format", "json", "--key-policy", "../examples/key-policy.json",
			"--principal", "arn:aws:sts::111122223333:assumed-role/App/web-1", "--action", "kms:Decrypt", "--resource", key}},
		{"explain", []string{"can", "--format", "json", "--explain", "--key-policy", "../examples/key-policy.json",
			"--principal", "arn:aws:iam::111122223333:user/alice", "--action", "kms:Decrypt", "--resource", key}},
		{"who-can", []string{"who-can", "--format", "json", "--snapshot", snapshot, "--key", snapKey}},
		{"who-can", []string{"who-can", "--format", "json", "--key-policy", "../examples/key-policy.json", "--key", key}},
		{"who-can-principal", []string{"who-can", "--format", "json", "--snapshot", snapshot, "--principal", "arn:aws:iam::111122223333:role/team/App"}},
		{"diff", []string{"diff", "--format", "json", "../examples/key-policy.json", newPolicy}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:min(len(tt.args), 4)], " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Execute(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code := ExitCode(err); code == exitcode.Input {
				t.Fatalf("exit 2: %s", stderr.String())
			}
			validate(t, schemas[tt.schema], stdout.Bytes())
			var head struct {
				Schema string `json:"schema"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &head); err != nil {
				t.Fatal(err)
			}
			if want := "kmsguard." + tt.schema + "/v1"; head.Schema != want {
				t.Errorf("schema %q, want %q", head.Schema, want)
			}
			if !bytes.HasPrefix(stdout.Bytes(), []byte(`{"schema":`)) && !bytes.HasPrefix(stdout.Bytes(), []byte("{\n  \"schema\":")) {
				t.Errorf("schema is not the first member:\n%.200s", stdout.String())
			}
		})
	}

	// eval --batch: every line, answers and error answers, is an answer
	// without a schema member (the OPA data-API result, unchanged).
	t.Run("eval --batch", func(t *testing.T) {
		var stdout bytes.Buffer
		err := Execute(t.Context(), []string{"eval", "--batch", "../examples/questions.jsonl"}, nil, &stdout, &bytes.Buffer{})
		if code := ExitCode(err); code == exitcode.Allowed {
			t.Fatalf("exit 0; the examples hold a broken question")
		}
		sc := bufio.NewScanner(&stdout)
		n := 0
		for sc.Scan() {
			n++
			validate(t, schemas["answer"], sc.Bytes())
			if bytes.Contains(sc.Bytes(), []byte(`"schema"`)) {
				t.Errorf("line %d has a schema member: %s", n, sc.Bytes())
			}
		}
		if n < 4 {
			t.Errorf("%d answers", n)
		}
	})
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, data)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("output does not match %s: %v\n%.500s", s.Location, err, data)
	}
}

// TestSchemasRejectWrongDocuments: the schemas are not so loose that
// anything passes.
func TestSchemasRejectWrongDocuments(t *testing.T) {
	schemas := compileSchemas(t)
	for name, doc := range map[string]string{
		"check":  `{"schema":"kmsguard.check/v1","findings":[{"file":"a","id":"X1","name":"n","title":"t","severity":"high","category":"c","msg":"m"}],"errors":[],"summary":{}}`,
		"can":    `{"schema":"kmsguard.can/v2","decision":"Allowed","allowed":true}`,
		"answer": `{"decision":"Allowed","allowed":true,"error":"both"}`,
		"rules":  `[{"id":"KMS001"}]`,
		"diff":   `{"schema":"kmsguard.diff/v1","added":[{"key":"k","principal":"p","action":"Decrypt","old":{"access":"denied","terms":{}},"new":{"access":"allowed","terms":{}}}],"removed":[],"changed":[]}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schemas[name].Validate(v) == nil {
			t.Errorf("%s accepts %s", name, doc)
		}
	}
}
