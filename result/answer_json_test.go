package result

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// encoderJSON is what AppendJSON must equal: json.Encoder without HTML
// escaping, as `eval --batch` wrote its answers before AppendJSON.
func encoderJSON(t testing.TB, a *Answer) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkAppendJSON(t testing.TB, a *Answer) {
	t.Helper()
	want := encoderJSON(t, a)
	prefix := []byte(`{"x":1}` + "\n")
	got := a.AppendJSON(bytes.Clone(prefix))
	if !bytes.Equal(got, append(prefix, want...)) {
		t.Fatalf("AppendJSON(%#v)\n= %q\nwant %q", a, got[len(prefix):], want)
	}
}

func TestAppendJSONMatchesEncoder(t *testing.T) {
	yes, no := true, false
	zero, one, minus, big := 0, 1, -7, 1<<40
	tests := []*Answer{
		{},
		{ID: "q1", Decision: "Allowed", Allowed: &yes, Reasons: []Reason{
			{Policy: "key_policy", Statement: &zero, Sid: "Enable IAM User Permissions", Effect: "Allow"},
			{Policy: "identity_policy", Index: &zero, Statement: &one, Effect: "Allow"},
			{Policy: "scp", Level: &one, Index: &big, Statement: &minus, Effect: "Deny"},
			{Policy: "grant", GrantID: "abc<&>", Effect: "Allow"},
			{},
		}},
		{ID: "q2", Decision: "ImplicitlyDenied", Allowed: &no, Missing: []string{"no statement allows", "", "a\tb"}, RequestTime: "2024-01-02T03:04:05Z"},
		{ID: "q3", Reasons: []Reason{}, Missing: []string{}},
		{Error: "line 4, column 135: key_policy: the policy has no Statement; line 4: \"alice\" <is> not & a principal"},
		{ID: "\x00\x01\x07\b\f\n\r\t\x1f\x7f \"\\/<>&", Error: "e"},
		{ID: "caf\u00e9 \u2028 \u2029 \u2027 \U0001F600", Decision: "x"},
		{ID: "bad \xff utf8 \xe2\x80 \xed\xa0\x80 end\xc3", Decision: "Allowed", Reasons: []Reason{{Policy: "\xc0\xaf", Sid: "\u2029", Effect: "Deny\x1b"}}},
	}
	for _, a := range tests {
		checkAppendJSON(t, a)
	}
}

// TestAppendJSONFields fails when Answer or Reason gains a field, so that
// AppendJSON is extended with it (and the cases above cover it).
func TestAppendJSONFields(t *testing.T) {
	if n := reflect.TypeFor[Answer]().NumField(); n != 7 {
		t.Errorf("Answer has %d fields; AppendJSON writes 7", n)
	}
	if n := reflect.TypeFor[Reason]().NumField(); n != 7 {
		t.Errorf("Reason has %d fields; appendJSON writes 7", n)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("q1", "Allowed", 2, "key_policy", "sid", "m", "line 1: x", "2024-01-02T03:04:05Z", 3)
	f.Add("\u2028\x00\"", "", 0, "\xff", "<&>", "\t", "", "", -1)
	f.Fuzz(func(t *testing.T, id, decision string, allowed int, policy, sid, missing, errText, requestTime string, n int) {
		a := &Answer{ID: id, Decision: decision, Error: errText, RequestTime: requestTime}
		if allowed%3 != 0 {
			b := allowed%3 == 1
			a.Allowed = &b
		}
		if missing != "" || n%2 == 0 {
			a.Missing = []string{missing, id}
		}
		for i := range n % 4 {
			r := Reason{Policy: policy, Sid: sid, Effect: decision, GrantID: missing}
			v := n * (i - 1)
			switch i {
			case 1:
				r.Level = &v
			case 2:
				r.Index, r.Statement = &v, &n
			case 3:
				r.Level, r.Index, r.Statement = &v, &v, &v
			}
			a.Reasons = append(a.Reasons, r)
		}
		checkAppendJSON(t, a)
	})
}

// TestAppendJSONAllocatesNothing: encoding an answer into a buffer with room
// for it allocates nothing (`eval --batch` writes every answer so).
func TestAppendJSONAllocatesNothing(t *testing.T) {
	yes, zero := true, 0
	a := &Answer{ID: "q1 \u2028 \xff", Decision: "Allowed", Allowed: &yes, Reasons: []Reason{
		{Policy: "key_policy", Statement: &zero, Sid: "Enable IAM User Permissions", Effect: "Allow"},
		{Policy: "grant", GrantID: "g\t1", Effect: "Allow"},
	}, Missing: []string{"kms:ViaService"}, RequestTime: "2024-01-02T03:04:05Z"}
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { buf = a.AppendJSON(buf[:0]) }); n != 0 {
		t.Errorf("AppendJSON allocates %v times an answer, want 0", n)
	}
	if !bytes.Equal(buf, encoderJSON(t, a)) {
		t.Errorf("AppendJSON = %q, want %q", buf, encoderJSON(t, a))
	}
}
