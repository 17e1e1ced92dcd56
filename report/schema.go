package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Schema identifiers of the JSON documents kmsguard writes: "schema" is the
// first member of each, "kmsguard.<document>/v<major>". The major version
// changes only when a member is removed or changes meaning; new members may
// appear within a version. docs/schema/<document>.json is the JSON Schema of
// each.
const (
	SchemaCheck     = "kmsguard.check/v1"
	SchemaReadiness = "kmsguard.readiness/v1"
	SchemaRules     = "kmsguard.rules/v1"
	SchemaCan       = "kmsguard.can/v1"
	SchemaExplain   = "kmsguard.explain/v1"
	SchemaWhoCan    = "kmsguard.who-can/v1"
	SchemaCanUse    = "kmsguard.who-can-principal/v1"
	SchemaDiff      = "kmsguard.diff/v1"
)

// WriteJSON writes v, a value that encodes as a JSON object, with "schema":
// schema as its first member; indent "" writes one line.
func WriteJSON(w io.Writer, schema string, v any, indent string) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := bytes.TrimSpace(body.Bytes())
	if len(b) < 2 || b[0] != '{' {
		return fmt.Errorf("a %s document must be a JSON object", schema)
	}
	id, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString(`{"schema":`)
	out.Write(id)
	if rest := bytes.TrimSpace(b[1:]); !bytes.Equal(rest, []byte("}")) {
		out.WriteByte(',')
	}
	out.Write(b[1:])
	if indent != "" {
		var ind bytes.Buffer
		if err := json.Indent(&ind, out.Bytes(), "", indent); err != nil {
			return err
		}
		out = ind
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}
