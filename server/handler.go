package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
		rec := &recorder{ResponseWriter: w, status: http.StatusOK, handler: "other"}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // compared as net/http does
					panic(v)
				}
				s.log.Error("internal error serving a request", "path", r.URL.Path, "panic", fmt.Sprint(v))
				if !rec.wrote {
					s.fail(rec, http.StatusInternalServerError, "internal", "internal error")
				}
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(rec.handler, fmt.Sprint(rec.status)).Inc()
			s.metrics.latency.WithLabelValues(rec.handler).Observe(d.Seconds())
			s.log.Info("request",
				"method", r.Method, "path", r.URL.Path, "status", rec.status,
				"bytes", rec.bytes, "duration", d.Seconds(), "remote", r.RemoteAddr)
		}()
		s.route(rec, r)
	})
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

// health answers 200 with the revision served while policy and data are
// loaded, and 503 once the server is shutting down.
func (s *Server) health(w *recorder, r *http.Request) {
	if !allowMethod(s, w, r, http.MethodGet, http.MethodHead) {
		return
	}
	e := s.engine.Load()
	if e == nil || s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable"})
		return
	}
	eps := append([]string{runner.DecisionQuery}, e.runner.Entrypoints()...)
	paths := make([]string, len(eps))
	for i, q := range eps {
		paths[i] = dataPrefix + "/" + strings.ReplaceAll(strings.TrimPrefix(q, "data."), ".", "/")
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":      "ok",
		"revision":    e.revision,
		"loaded_at":   e.loadedAt.UTC().Format(time.RFC3339Nano),
		"entrypoints": paths,
	})
}

// data answers POST /v1/data/<path> for the decision and the other entry
// points of the loaded policy.
func (s *Server) data(w *recorder, r *http.Request) {
	w.handler = "data"
	if !s.authorized(w, r) || !allowMethod(s, w, r, http.MethodPost) {
		return
	}
	docPath := strings.Trim(strings.TrimPrefix(r.URL.Path, dataPrefix), "/")
	query := "data." + strings.ReplaceAll(docPath, "/", ".")
	e := s.engine.Load()
	decision := query == runner.DecisionQuery
	if !decision && !e.runner.HasEntrypoint(query) {
		s.fail(w, http.StatusNotFound, "not_found",
			fmt.Sprintf("no kmsguard entry point at %s/%s", dataPrefix, docPath))
		return
	}
	w.handler = docPath

	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusServiceUnavailable, "overloaded",
			fmt.Sprintf("kmsguard is answering its limit of %d requests at once; retry", cap(s.slots)))
		return
	}

	if r.ContentLength > s.cfg.MaxBody {
		s.tooLarge(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.tooLarge(w)
			return
		}
		s.fail(w, http.StatusBadRequest, "bad_request", "reading the request body: "+err.Error())
		return
	}
	native := nativeResult(e.runner, query, body)
	var input ast.Value
	if native == nil || s.dlog != nil {
		if input, err = DecodeRequest(body); err != nil {
			s.fail(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
	}

	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	if s.beforeEval != nil {
		s.beforeEval()
	}
	start := time.Now()
	var result any
	switch {
	case native != nil:
		s.metrics.engines.WithLabelValues("native").Inc()
	case decision || query == runner.ExplainQuery:
		s.metrics.engines.WithLabelValues("rego").Inc()
	}
	switch {
	case decision:
		ans, _ := native.(*runner.Answer)
		if ans == nil {
			ans = e.runner.Decide(r.Context(), input)
		}
		result = ans
		label := ans.Decision
		if ans.Error != "" {
			label = "error"
		}
		s.metrics.decisions.WithLabelValues(label).Inc()
	case native != nil:
		result = native
	default:
		v, defined, err := e.runner.Eval(r.Context(), query, input)
		switch {
		case err != nil:
			s.metrics.errors.WithLabelValues("evaluation").Inc()
			result = map[string]any{"error": err.Error()}
		case !defined:
			// As stock OPA: an undefined document is an empty response.
			writeJSON(w, http.StatusOK, struct{}{})
			s.logDecision(start, e, docPath, input, nil)
			return
		default:
			result = v
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Result any `json:"result"`
	}{result})
	s.logDecision(start, e, docPath, input, result)
}

func (s *Server) logDecision(start time.Time, e *engine, docPath string, input ast.Value, result any) {
	if s.dlog == nil {
		return
	}
	if err := s.dlog.write(start, e.revision, docPath, input, result); err != nil {
		s.log.Error("writing the decision log", "error", err.Error())
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
