package engine

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestAnswerBlock: an answer's reasons and their numbers are its own, for
// every count of reasons (in its block or apart), and the numbers a reason
// does not have (-1) are left out. The whys the answer is made of are
// overwritten afterwards, as a reused buffer would be.
func TestAnswerBlock(t *testing.T) {
	for n := range 2*blockReasons + 2 {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			whys := make([]why, n)
			want := make([]Reason, n)
			for i := range whys {
				whys[i] = why{policy: "scp", effect: "Deny", sid: fmt.Sprint("s", i), level: i, index: 10 + i, stmt: -1}
				l, x := i, 10+i
				want[i] = Reason{Policy: "scp", Effect: "Deny", Sid: fmt.Sprint("s", i), Level: &l, Index: &x}
				if i%2 == 1 {
					whys[i] = why{policy: "grant", effect: "Allow", grantID: "g", level: -1, index: i, stmt: -1}
					want[i] = Reason{Policy: "grant", Effect: "Allow", GrantID: "g", Index: &x}
					*want[i].Index = i
				}
			}
			ev := &eval{q: &query{id: "q", hasID: true, hasRequestTime: true, requestTime: "2024-01-01T00:00:00Z"}}
			a := ev.answer("ExplicitlyDenied", false, whys, nil)
			clear(whys)
			got, _ := json.Marshal(a)
			wantJSON, _ := json.Marshal(&Answer{ID: "q", Decision: "ExplicitlyDenied", Allowed: new(bool), Reasons: want, RequestTime: "2024-01-01T00:00:00Z"})
			if string(got) != string(wantJSON) {
				t.Fatalf("got  %s\nwant %s", got, wantJSON)
			}
			if a.Allowed == nil || *a.Allowed {
				t.Fatalf("allowed: %v", a.Allowed)
			}
			if n == 0 && a.Reasons != nil {
				t.Fatalf("no reasons, yet %#v", a.Reasons)
			}
		})
	}
}

// TestTimeTextGiven: aws:CurrentTime is the request time in UTC without
// fractions (authz.time_text); the question's own request_time is used as
// that text only when it is exactly it.
func TestTimeTextGiven(t *testing.T) {
	for _, tc := range []struct{ given, want string }{
		{"2026-07-04T12:00:00Z", "2026-07-04T12:00:00Z"},
		{"2026-07-04T14:00:00+02:00", "2026-07-04T12:00:00Z"},
		{"2026-07-04T12:00:00.9Z", "2026-07-04T12:00:00Z"},
	} {
		secs, ok := rfc3339Seconds(tc.given)
		if !ok {
			t.Fatalf("%s: not RFC 3339", tc.given)
		}
		ev := &eval{q: &query{requestTime: tc.given, hasRequestTime: true, requestSecs: secs}}
		if got := ev.timeText("rfc3339", secs); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.given, got, tc.want)
		}
		if got, want := ev.timeText("epoch_seconds", secs), timeText("epoch_seconds", secs); got != want {
			t.Errorf("%s: epoch %q, want %q", tc.given, got, want)
		}
	}
}
