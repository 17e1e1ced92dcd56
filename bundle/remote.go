package bundle

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Remote watches a bundle URL for a new version. Each Changed is one GET
// that sends the validators of the last answer (If-None-Match with its
// ETag, If-Modified-Since with its Last-Modified), so a server that
// supports them answers 304 and sends nothing; otherwise the bundle's bytes
// are compared with the last ones by SHA-256.
type Remote struct {
	URL string

	etag, lastModified string
	sum                [sha256.Size]byte
	seen               bool
}

// Changed reports whether the bundle differs from the one the previous call
// saw. The first call only records the version it sees.
func (r *Remote) Changed(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return false, fmt.Errorf("bundle: %w", err)
	}
	if r.seen {
		if r.etag != "" {
			req.Header.Set("If-None-Match", r.etag)
		}
		if r.lastModified != "" {
			req.Header.Set("If-Modified-Since", r.lastModified)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, fmt.Errorf("bundle: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotModified && r.seen:
		return false, nil
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Errorf("bundle: GET %s: %s", r.URL, resp.Status)
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return false, fmt.Errorf("bundle: GET %s: %w", r.URL, err)
	}
	if n > maxDownload {
		return false, fmt.Errorf("bundle: GET %s: larger than %d bytes", r.URL, maxDownload)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	changed := r.seen && sum != r.sum
	r.sum, r.seen = sum, true
	r.etag, r.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return changed, nil
}
