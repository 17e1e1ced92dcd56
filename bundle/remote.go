package bundle

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
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
	header := http.Header{}
	if r.seen {
		if r.etag != "" {
			header.Set("If-None-Match", r.etag)
		}
		if r.lastModified != "" {
			header.Set("If-Modified-Since", r.lastModified)
		}
	}
	resp, data, err := get(ctx, r.URL, header)
	switch {
	case err != nil:
		return false, err
	case resp.StatusCode == http.StatusNotModified && r.seen:
		return false, nil
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Errorf("bundle: GET %s: %s", r.URL, resp.Status)
	}
	sum := sha256.Sum256(data)
	changed := r.seen && sum != r.sum
	r.sum, r.seen = sum, true
	r.etag, r.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return changed, nil
}

// IsURL reports whether a bundle source is an http(s) URL rather than a file.
func IsURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

func fetch(ctx context.Context, url string) ([]byte, error) {
	resp, data, err := get(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bundle: GET %s: %s", url, resp.Status)
	}
	return data, nil
}

// get does one GET of url with header, within a minute, and returns the
// response with its body read (at most maxDownload bytes).
func get(ctx context.Context, url string, header http.Header) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle: %w", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, nil, fmt.Errorf("bundle: GET %s: %w", url, err)
	}
	if len(data) > maxDownload {
		return nil, nil, fmt.Errorf("bundle: GET %s: larger than %d bytes", url, maxDownload)
	}
	return resp, data, nil
}
