package question

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// TestObject: a question must be an object; its string "id" comes back
// even with an error; policies given as JSON strings of objects are parsed
// in place.
// (Decoding whole questions into OPA input is tested in opainput.)
func TestObject(t *testing.T) {
	tests := []struct {
		name, in string
		id       string
		want     map[string]any
		err      string
	}{
		{name: "not an object", in: `["q"]`, err: "a question must be a JSON object"},
		{name: "id of another type", in: `{"id": 7}`, want: map[string]any{"id": json.Number("7")}},
		{
			name: "policy string", in: `{"id": "q", "key_policy": "{\"Statement\": []}"}`, id: "q",
			want: map[string]any{"id": "q", "key_policy": map[string]any{"Statement": []any{}}},
		},
		{
			// A string holding another JSON value than an object stays a
			// string (the Rego says "a policy must be a JSON object, not
			// string"), so that decoding the result again gives the same.
			name: "policy string holding a string", in: `{"key_policy": "\"\"", "scps": [["5", "[]"]]}`,
			want: map[string]any{"key_policy": `""`, "scps": []any{[]any{"5", "[]"}}},
		},
		{
			name: "bad policy string keeps the id", in: `{"id": "q", "identity_policies": ["{"]}`, id: "q",
			err: "identity_policies[0] (line 1, column 2): policy is not valid JSON: unexpected end of JSON input",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := ParseJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			obj, id, err := Object(raw)
			if id != tt.id {
				t.Errorf("id = %q, want %q", id, tt.id)
			}
			if tt.err != "" {
				var qe *Error
				if !errors.As(err, &qe) || err.Error() != tt.err || obj != nil {
					t.Fatalf("Object = %v, %v; want nil and %q", obj, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(obj, tt.want) {
				t.Errorf("Object = %#v, %v; want %#v", obj, err, tt.want)
			}
		})
	}
}
