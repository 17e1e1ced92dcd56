package server

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kmsguard/kmsguard/runner"
)

// dataPrefix is the URL prefix of the data API; the rest of the path names
// the document, "/" for ".": /v1/data/kmsguard/authz/decision is
// data.kmsguard.authz.decision.
const dataPrefix = "/v1/data"

// Handler returns the server's HTTP handler (useful with httptest).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK, handler: "other", id: newRequestID()}
		w.Header().Set("X-Request-Id", rec.id)
		if s.draining.Load() {
			// Lame duck: answer, then close, so that clients reconnect
			// elsewhere before the listener goes away.
			w.Header().Set("Connection", "close")
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // compared as net/http does
					panic(v)
				}
				s.log.Error("internal error serving a request", "request_id", rec.id, "path", r.URL.Path, "panic", fmt.Sprint(v))
				if !rec.wrote {
					s.internal(rec, "internal error")
				}
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(rec.handler, fmt.Sprint(rec.status)).Inc()
			s.metrics.latency.WithLabelValues(rec.handler).Observe(d.Seconds())
			s.log.Info("request",
				"method", r.Method, "path", r.URL.Path, "status", rec.status,
				"bytes", rec.bytes, "duration", d.Seconds(), "remote", r.RemoteAddr, "request_id", rec.id)
		}()
		s.route(rec, r)
	})
}

// newRequestID names one request in the access log, the decision log and
// error responses (X-Request-Id).
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func (s *Server) route(w *recorder, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/health":
		w.handler = "health"
		s.health(w, r)
	case p == "/metrics":
		w.handler = "metrics"
		if !s.authorized(w, r) || !allowMethod(s, w, r, http.MethodGet, http.MethodHead) {
			return
		}
		s.metrics.handler().ServeHTTP(w, r)
	case p == dataPrefix || strings.HasPrefix(p, dataPrefix+"/"):
		s.data(w, r)
	default:
		s.fail(w, http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s", p))
	}
}

// health answers 200 with the revision and the entry points served while
// policy and data are loaded, and 503 before the first version is loaded
// and once the server is shutting down.
func (s *Server) health(w *recorder, r *http.Request) {
	if !allowMethod(s, w, r, http.MethodGet, http.MethodHead) {
		return
	}
	e := s.engine.Load()
	switch {
	case s.draining.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "shutting down"})
		return
	case e == nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready: no policy loaded yet"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":      "ok",
		"revision":    e.revision,
		"loaded_at":   e.loadedAt.UTC().Format(time.RFC3339Nano),
		"entrypoints": s.servedPaths(e),
	})
}

// data answers POST /v1/data/<path> for the entry points served (serves).
func (s *Server) data(w *recorder, r *http.Request) {
	w.handler = "data"
	if !s.authorized(w, r) || !allowMethod(s, w, r, http.MethodPost) {
		return
	}
	docPath := strings.Trim(strings.TrimPrefix(r.URL.Path, dataPrefix), "/")
	query := "data." + strings.ReplaceAll(docPath, "/", ".")
	e := s.engine.Load()
	if e == nil {
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusServiceUnavailable, "not_ready", "no policy has been loaded yet; retry")
		return
	}
	if !s.serves(e, query) {
		s.fail(w, http.StatusNotFound, "not_found",
			fmt.Sprintf("no kmsguard entry point at %s/%s (GET /health lists them)", dataPrefix, docPath))
		return
	}
	w.handler = docPath

	// The body is read before an evaluation slot is taken, under its own
	// budget and deadline, so slow senders cannot hold the evaluators.
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	// The native engine answers what it can straight from the body; the
	// OPA input is decoded only for the Rego (a fallback) and the decision log.
	native := nativeResult(e.runner, query, body)
	var input ast.Value
	if native == nil || s.dlog != nil {
		var err error
		if input, err = DecodeRequest(body); err != nil {
			s.fail(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
	}

	// The slot is given back when the request ends, or by an analysis
	// that outlives it (analyse).
	release := func() { <-s.slots }
	select {
	case s.slots <- struct{}{}:
		defer func() {
			if release != nil {
				release()
			}
		}()
	default:
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusServiceUnavailable, "overloaded",
			fmt.Sprintf("kmsguard is answering its limit of %d requests at once; retry", cap(s.slots)))
		return
	}

	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	if s.beforeEval != nil {
		s.beforeEval()
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnalysisTimeout)
	defer cancel()
	var result any
	switch {
	case native != nil:
		s.metrics.engines.WithLabelValues("native").Inc()
	case query == runner.DecisionQuery || query == runner.ExplainQuery:
		s.metrics.engines.WithLabelValues("rego").Inc()
	}
	switch {
	case query == runner.DecisionQuery:
		ans := decide(ctx, e, native, input)
		label := ans.Decision
		if ans.Error != "" {
			label = "error"
			if ctx.Err() != nil {
				ans.Error = s.stopped(ctx)
			} else if strings.HasPrefix(ans.Error, evalFailed) {
				ans.Error = s.hideEvalError(w, docPath, ans.Error)
			}
		}
		result = ans
		s.metrics.decisions.WithLabelValues(label).Inc()
	case native != nil:
		result = native
	default:
		v, ok, err := s.analyse(ctx, e.runner, query, body, &release)
		if err != nil {
			result = map[string]any{"error": s.stopped(ctx)}
			break
		}
		if ok {
			result = v
			break
		}
		v, defined, err := e.runner.Eval(ctx, query, input)
		switch {
		case err != nil && ctx.Err() != nil:
			result = map[string]any{"error": s.stopped(ctx)}
		case err != nil:
			s.metrics.errors.WithLabelValues("evaluation").Inc()
			result = map[string]any{"error": s.hideEvalError(w, docPath, err.Error())}
		case !defined:
			// As stock OPA: an undefined document is an empty response.
			writeJSON(w, http.StatusOK, struct{}{})
			s.logDecision(r, w.id, start, e, docPath, input, nil)
			return
		default:
			result = v
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Result     any    `json:"result"`
		DecisionID string `json:"decision_id,omitempty"`
	}{result, s.decisionID(w)})
	s.logDecision(r, w.id, start, e, docPath, input, result)
}

// analyse answers the who_can, can_use or diff entry point with the
// native access analysis (nativeAccess) within ctx; ok is false when the
// analysis declines (or for any other query), err is ctx's error when it
// ran out. The analysis cannot be stopped: past the deadline the request
// is answered while the analysis goes on, and the evaluation slot the
// request holds (*release) passes to it, so that analyses still running
// count against --max-concurrency until they end.
func (s *Server) analyse(ctx context.Context, r *runner.Runner, query string, body []byte, release *func()) (v any, ok bool, err error) {
	if !isAccessQuery(query) {
		return nil, false, nil
	}
	type answer struct {
		v  any
		ok bool
	}
	done := make(chan answer)        // received: the request keeps its slot
	abandoned := make(chan struct{}) // closed: the slot is the analysis's
	slot := *release
	go func() {
		if s.beforeAnalysis != nil {
			s.beforeAnalysis()
		}
		v, ok := nativeAccess(r, query, body)
		select {
		case done <- answer{v, ok}:
		case <-abandoned:
			slot()
		}
	}()
	select {
	case a := <-done:
		return a.v, a.ok, nil
	case <-ctx.Done():
		*release = nil
		close(abandoned)
		return nil, false, ctx.Err()
	}
}

// stopped says why an evaluation under ctx gave no answer: it ran past
// --analysis-timeout (counted as a timeout), or the request ended first
// (the client went away).
func (s *Server) stopped(ctx context.Context) string {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "no answer: the request ended before the evaluation did"
	}
	s.metrics.errors.WithLabelValues("timeout").Inc()
	return fmt.Sprintf("no answer: the evaluation took longer than %s (--analysis-timeout)", s.cfg.AnalysisTimeout)
}

// decide is the one call of the decision path: every decision the server
// gives comes from here. native is the native engine's answer when it gave
// one (nativeResult); otherwise the Rego decides the decoded input.
func decide(ctx context.Context, e *engine, native any, input ast.Value) *runner.Answer {
	if a, ok := native.(*runner.Answer); ok && a != nil {
		return a
	}
	return e.runner.Decide(ctx, input)
}

// evalFailed begins the runner's messages for evaluation errors (as opposed
// to the policy's own answers to malformed questions).
const evalFailed = "evaluation failed"

// hideEvalError logs an evaluation error (which names Rego files and lines)
// with the request id, and returns what the client is told instead.
func (s *Server) hideEvalError(w *recorder, docPath, msg string) string {
	s.log.Error("evaluation failed", "request_id", w.id, "path", docPath, "error", msg)
	return fmt.Sprintf("%s; the server log has the details under request id %s", evalFailed, w.id)
}

// decisionID is the id a data API answer carries when decisions are logged
// (as OPA's decision_id): the request id.
func (s *Server) decisionID(w *recorder) string {
	if s.dlog == nil {
		return ""
	}
	return w.id
}

// readBody reads a request body within the reader budget, the body read
// timeout and the size limit (applied to the decoded size of a gzip body).
// On failure it has answered and returns false.
func (s *Server) readBody(w *recorder, r *http.Request) ([]byte, bool) {
	select {
	case s.readers <- struct{}{}:
		defer func() { <-s.readers }()
		if s.onReading != nil {
			s.onReading()
		}
	default:
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusServiceUnavailable, "overloaded",
			fmt.Sprintf("kmsguard is receiving its limit of %d request bodies at once; retry", cap(s.readers)))
		return nil, false
	}
	var gzipped bool
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		gzipped = true
	default:
		s.fail(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("Content-Encoding %q is not supported; send gzip or no encoding", enc))
		return nil, false
	}
	if r.ContentLength > s.cfg.MaxBody {
		s.tooLarge(w)
		return nil, false
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.BodyReadTimeout))
	var body io.Reader = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	if gzipped {
		zr, err := gzip.NewReader(body)
		if err != nil {
			s.bodyError(w, err, true)
			return nil, false
		}
		defer func() { _ = zr.Close() }()
		body = zr
	}
	data, err := io.ReadAll(io.LimitReader(body, s.cfg.MaxBody+1))
	if err != nil {
		s.bodyError(w, err, gzipped)
		return nil, false
	}
	if int64(len(data)) > s.cfg.MaxBody {
		s.tooLarge(w)
		return nil, false
	}
	return data, true
}

// bodyError answers a failure to read a body with what the client did
// wrong, never the socket error itself (which names addresses).
func (s *Server) bodyError(w *recorder, err error, gzipped bool) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.tooLarge(w)
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		s.fail(w, http.StatusRequestTimeout, "timeout",
			fmt.Sprintf("the request body did not arrive within %s", s.cfg.BodyReadTimeout))
	case gzipped && (errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || isCorrupt(err)):
		s.fail(w, http.StatusBadRequest, "bad_request", "the request body is not valid gzip")
	default:
		s.log.Info("reading a request body failed", "request_id", w.id, "error", err.Error())
		s.fail(w, http.StatusBadRequest, "bad_request", "the request body could not be read completely")
	}
}

func isCorrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce)
}

func (s *Server) logDecision(r *http.Request, id string, start time.Time, e *engine, docPath string, input ast.Value, result any) {
	if s.dlog == nil {
		return
	}
	if err := s.dlog.write(r.Context(), id, r.RemoteAddr, start, e, docPath, input, result); err != nil {
		s.log.Error("writing the decision log", "request_id", id, "error", err.Error())
	}
}

func (s *Server) tooLarge(w *recorder) {
	s.fail(w, http.StatusRequestEntityTooLarge, "too_large",
		fmt.Sprintf("request body larger than %d bytes", s.cfg.MaxBody))
}

// authorized checks the bearer token (when one is configured) in constant
// time and answers 401 if it is missing or wrong.
func (s *Server) authorized(w *recorder, r *http.Request) bool {
	if len(s.cfg.Token) == 0 {
		return true
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	want := sha256.Sum256(s.cfg.Token)
	if strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="kmsguard"`)
	s.fail(w, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required")
	return false
}

func allowMethod(s *Server, w *recorder, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	s.fail(w, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("method %s is not allowed here; use %s", r.Method, strings.Join(methods, " or ")))
	return false
}

// internal answers 500 naming the request id; the details are logged.
func (s *Server) internal(w *recorder, what string) {
	s.fail(w, http.StatusInternalServerError, "internal",
		fmt.Sprintf("%s; the server log has the details under request id %s", what, w.id))
}

// fail writes an error response in OPA's shape, {"code", "message"}, and
// counts it.
func (s *Server) fail(w *recorder, status int, code, msg string) {
	s.metrics.errors.WithLabelValues(code).Inc()
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing left to tell it
}

// recorder remembers the status and size of a response for the access log
// and metrics, and the handler label.
type recorder struct {
	http.ResponseWriter
	status  int
	bytes   int
	wrote   bool
	handler string
	id      string // request id
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
