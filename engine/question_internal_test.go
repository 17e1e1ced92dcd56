package engine

import (
	"encoding/json"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kmsguard/kmsguard/internal/gen"
)

// refDecodeContext is the context decoder the engine had before it read
// the bytes in one pass: a generic JSON tree (decodeObject), then keys
// lower-cased, checked and typed, then sorted. The one-pass reader must
// agree with it on every input: the same entries, or both declining.
func refDecodeContext(raw []byte) ([]contextEntry, bool) {
	o, ok := decodeObject(raw)
	if !ok {
		return nil, false
	}
	out := make([]contextEntry, 0, len(o))
	for _, m := range o {
		if !isASCII(m.key) {
			return nil, false
		}
		e := contextEntry{key: m.key, low: strings.ToLower(m.key)}
		for _, prev := range out {
			if prev.low == e.low {
				return nil, false
			}
		}
		switch val := m.val.(type) {
		case []any:
			e.kind, e.vals = ctxList, []string{}
			for _, x := range val {
				s, isStr := x.(string)
				if !isStr {
					return nil, false
				}
				e.vals = append(e.vals, s)
			}
		default:
			s, ok := scalarText(val)
			if !ok {
				return nil, false
			}
			switch val.(type) {
			case bool:
				e.kind = ctxBool
			case json.Number:
				e.kind = ctxNumber
			}
			e.vals = []string{s}
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b contextEntry) int { return strings.Compare(a.key, b.key) })
	return out, true
}

// sameContext: decodeContext agrees with refDecodeContext on raw, with
// and without the catalog; with it, a key the catalog types by name has
// the catalog's name and type.
func sameContext(t *testing.T, raw []byte) {
	t.Helper()
	cat, err := embeddedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	want, wantOK := refDecodeContext(raw)
	for _, c := range []*catalogData{nil, cat} {
		got, gotOK := decodeContext(raw, c)
		if gotOK != wantOK {
			t.Fatalf("decodeContext(%s): ok %v, the reference says %v", raw, gotOK, wantOK)
		}
		if !gotOK {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("decodeContext(%s): %d entries, want %d", raw, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.key != w.key || g.low != w.low || g.kind != w.kind || !reflect.DeepEqual(g.vals, w.vals) {
				t.Fatalf("decodeContext(%s) entry %d = %+v, want %+v", raw, i, g, w)
			}
			typ, typed := cat.ConditionKeys.Types[g.low]
			if g.known != (c != nil && typed) || g.known && g.typ != typ {
				t.Fatalf("decodeContext(%s) entry %d: known %v, type %q (with the catalog: %v)", raw, i, g.known, g.typ, c != nil)
			}
		}
	}
}

// TestDecodeContext: every shape the context decoder accepts or declines
// (docs/decision-format.md: question.context maps condition keys, unique
// case-insensitively as IAM compares them, to strings, booleans, numbers
// or lists of strings; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// "condition key names are not case-sensitive").
func TestDecodeContext(t *testing.T) {
	for _, c := range []struct {
		in   string
		ok   bool
		want string // the entries, key=kind:vals, as fmt prints them
	}{
		{`{}`, true, ``},
		{` { } `, true, ``},
		{`{"aws:SourceIp":"10.0.0.1"}`, true, `aws:SourceIp/aws:sourceip=0:[10.0.0.1]`},
		{`{"AWS:SOURCEIP":"10.0.0.1","aws:username":"x"}`, true, `AWS:SOURCEIP/aws:sourceip=0:[10.0.0.1] aws:username/aws:username=0:[x]`},
		{`{"aws:SourceIp":"10.0.0.1"}`, true, `aws:SourceIp/aws:sourceip=0:[10.0.0.1]`},
		{`{"aws:SourceIp":"a","AWS:SOURCEIP":"b"}`, false, ``},
		{`{"aws:ResourceTag/Team":"a","aws:resourcetag/team":"b"}`, false, ``},
		{`{"kms:EncryptionContext:App":"a","kms:encryptioncontext:app":"b"}`, false, ``},
		{`{"b":"x","A":"y","a:c":"z"}`, true, `A/a=0:[y] a:c/a:c=0:[z] b/b=0:[x]`},
		{`{"k":true,"l":false}`, true, `k/k=1:[true] l/l=1:[false]`},
		{`{"k":123}`, true, `k/k=2:[123]`},
		{`{"k":-0}`, true, `k/k=2:[0]`},
		{`{"k":-12}`, true, `k/k=2:[-12]`},
		{`{"k":999999999999999}`, true, `k/k=2:[999999999999999]`},
		{`{"k":1000000000000000}`, false, ``}, // 16 digits
		{`{"k":1.5}`, false, ``},
		{`{"k":1e3}`, false, ``},
		{`{"k":01}`, false, ``},
		{`{"k":-}`, false, ``},
		{`{"k":[]}`, true, `k/k=3:[]`},
		{`{"k":["a","b"]}`, true, `k/k=3:[a b]`},
		{`{"k":[ "a" , "b" ] }`, true, `k/k=3:[a b]`},
		{`{"k":["a",1]}`, false, ``},
		{`{"k":["a",true]}`, false, ``},
		{`{"k":[["a"]]}`, false, ``},
		{`{"k":["a",]}`, false, ``},
		{`{"k":["a" "b"]}`, false, ``},
		{`{"k":null}`, false, ``},
		{`{"k":{"a":"b"}}`, false, ``},
		{`{"k":"a","K":"b"}`, false, ``}, // twice, case-insensitively
		{`{"k":"a","k":"b"}`, false, ``},
		{`{"k":"a","\u006b":"b"}`, false, ``}, // twice once unescaped
		{`{"\u004B":"a"}`, true, `K/k=0:[a]`},
		{`{"k":"a\"b\\c\u00e9"}`, true, `k/k=0:[a"b\cé]`},
		{`{"k":"é"}`, true, `k/k=0:[é]`},
		{`{"ké":"a"}`, false, ``}, // a key outside ASCII
		{`{"k":"a\x"}`, false, ``},
		{"{\"k\":\"a\tb\"}", false, ``}, // a control character in a string
		{`{"k":"a"`, false, ``},
		{`{"k":"a"}x`, false, ``},
		{`{"k":"a",}`, false, ``},
		{`{"k" "a"}`, false, ``},
		{`{k:"a"}`, false, ``},
		{`["k"]`, false, ``},
		{`"k"`, false, ``},
		{`{"k":tru}`, false, ``},
		{`{"k":truex}`, false, ``},
		{`{"k":"x","a":"y"}`, true, `a/a=0:[y] k/k=0:[x]`},
	} {
		got, ok := decodeContext([]byte(c.in), nil)
		if ok != c.ok {
			t.Errorf("decodeContext(%s): ok %v, want %v", c.in, ok, c.ok)
			continue
		}
		var parts []string
		for _, e := range got {
			parts = append(parts, fmt.Sprintf("%s/%s=%d:%v", e.key, e.low, e.kind, e.vals))
		}
		if s := strings.Join(parts, " "); ok && s != c.want {
			t.Errorf("decodeContext(%s) = %s, want %s", c.in, s, c.want)
		}
		sameContext(t, []byte(c.in))
	}
}

// TestDecodeContextGenerated: on the contexts of generated conformance
// questions the one-pass reader gives what the reference decoder gives.
func TestDecodeContextGenerated(t *testing.T) {
	n := 0
	for _, q := range gen.Generate(2000, 0x6b6d7367756172) {
		c, has := q["context"]
		if !has {
			continue
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		sameContext(t, raw)
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d generated questions have a context", n)
	}
}

// FuzzDecodeContext: on any bytes the one-pass reader and the reference
// decoder agree.
func FuzzDecodeContext(f *testing.F) {
	for _, s := range []string{`{}`, `{"aws:SourceIp":"10.0.0.1","k":[ "a" ],"n":12,"b":true}`, `{"K":"a","k":"b"}`, `{"k":"\u00e9\n"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { sameContext(t, raw) })
}

// TestQuestionFields: the question's top-level keys are read by name,
// unescaped; a key that is no field of docs/decision-format.md, or a key
// given twice, leaves the question to the Rego (which reports it).
func TestQuestionFields(t *testing.T) {
	for _, c := range []struct {
		in   string
		ok   bool
		want map[int]string
	}{
		{`{}`, true, map[int]string{}},
		{` {"id" : "a" , "action":"kms:Decrypt"} `, true, map[int]string{fID: `"a"`, fAction: `"kms:Decrypt"`}},
		{`{"\u0069d":"a"}`, true, map[int]string{fID: `"a"`}},
		{`{"context":{"k":"v"},"key":{}}`, true, map[int]string{fContext: `{"k":"v"}`, fKey: `{}`}},
		{`{"context": {"B":["x"],"a":-0,"c":true} ,"id":"q"}`, true, map[int]string{fContext: `{"B":["x"],"a":-0,"c":true}`, fID: `"q"`}},
		{`{"context":{"k":"v"}}`, true, map[int]string{fContext: `{"k":"v"}`}},
		{`{"context":{}}`, true, map[int]string{fContext: `{}`}},
		{`{"id":"a","\u0069d":"b"}`, false, nil},
		{`{"id":"a","id":"b"}`, false, nil},
		{`{"ID":"a"}`, false, nil},
		{`{"other":"a"}`, false, nil},
		{`{"id\u00e9":"a"}`, false, nil},
		{`{"id":"a"}}`, false, nil},
		{`{"id":"a",}`, false, nil},
		{`{"id" "a"}`, false, nil},
		{`{"id":"a"`, false, nil},
		{`{"id`, false, nil},
		{`{"\x":"a"}`, false, nil},
		{`["id"]`, false, nil},
	} {
		var got, inPlace rawFields
		var b ctxBuf
		ok := questionFields([]byte(c.in), nil, &got, nil)
		okInPlace := questionFields([]byte(c.in), nil, &inPlace, &b)
		if ok != c.ok || okInPlace != ok || !reflect.DeepEqual(got, inPlace) {
			t.Errorf("questionFields(%s): ok %v (%v reading the context in place), want %v", c.in, ok, okInPlace, c.ok)
			continue
		}
		if raw := got[fContext]; raw != nil {
			want, _ := decodeContext(raw, nil)
			if !b.cut(string(b.write(nil, []byte(c.in)))) || !reflect.DeepEqual(b.entries, want) {
				t.Errorf("questionFields(%s): context %+v, want %+v", c.in, b.entries, want)
			}
		}
		if !ok {
			continue
		}
		for f := range nFields {
			if string(got[f]) != c.want[f] || (got[f] != nil) != (c.want[f] != "") {
				t.Errorf("questionFields(%s): %s = %q, want %q", c.in, fieldNames[f], got[f], c.want[f])
			}
		}
	}
}

// TestTypeOKIP: an IP context value (aws:SourceIp; IAM's IP address
// condition operators take "the IPv4 or IPv6 address or range",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress)
// is valid exactly when net.ParseCIDR(cidrOf(s)) accepts it, as the
// engine checked it before.
func TestTypeOKIP(t *testing.T) {
	for _, s := range []string{
		"10.0.0.1", "198.51.100.14", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
		"::1", "::", "2001:db8::1", "::ffff:1.2.3.4", "fe80::1%eth0", "1.2.3.4%x", "[::1]", " 1.2.3.4", "1.2.3.4 ",
		"", "a", "1.2.3.4/32", "2001:db8:::1", "2001:db8::g", "1::2::3", "::ffff:256.1.1.1", "-1.2.3.4", "+1.2.3.4",
	} {
		_, _, err := net.ParseCIDR(cidrOf(s))
		want := !strings.Contains(s, "/") && err == nil
		if got := typeOK("IP", ctxString, s); got != want {
			t.Errorf("typeOK(IP, %q) = %v, want %v", s, got, want)
		}
		if typeOK("IP", ctxBool, s) || typeOK("IP", ctxNumber, s) {
			t.Errorf("typeOK(IP) accepts a %q that is no string", s)
		}
	}
}
