package bundle

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A bundle server that supports validators answers 304 while the bundle is
// unchanged; one that does not is compared by content. Either way only a
// new version is a change.
func TestRemoteChanged(t *testing.T) {
	for _, validators := range []bool{true, false} {
		var (
			mu        sync.Mutex
			body      = []byte("version 1")
			modified  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			notModded int
		)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if !validators {
				_, _ = w.Write(body)
				return
			}
			etag := `"` + string(body[len(body)-1:]) + `"`
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				notModded++
			}
			http.ServeContent(w, r, "kmsguard.tar.gz", modified, bytes.NewReader(body))
		}))
		r := &Remote{URL: srv.URL + "/kmsguard.tar.gz"}
		ctx := context.Background()
		step := func(want bool) {
			t.Helper()
			got, err := r.Changed(ctx)
			if err != nil || got != want {
				t.Fatalf("validators %v: Changed = %v, %v; want %v", validators, got, err, want)
			}
		}
		step(false) // the first call records the version
		step(false)
		step(false)
		mu.Lock()
		body, modified = []byte("version 2"), modified.Add(time.Hour)
		mu.Unlock()
		step(true)
		step(false)
		srv.Close()
		if _, err := r.Changed(ctx); err == nil {
			t.Errorf("validators %v: no error from a closed server", validators)
		}
		if validators && notModded != 3 {
			t.Errorf("the server answered 304 %d times, want 3", notModded)
		}
	}
}
