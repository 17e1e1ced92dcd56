package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series of one server, in a registry of its own.
type metrics struct {
	reg       *prometheus.Registry
	decisions *prometheus.CounterVec   // result
	engines   *prometheus.CounterVec   // engine: native or rego (a fallback)
	errors    *prometheus.CounterVec   // reason
	requests  *prometheus.CounterVec   // handler, code
	latency   *prometheus.HistogramVec // handler
	inFlight  prometheus.Gauge
	revision  *prometheus.GaugeVec   // revision
	reloads   *prometheus.CounterVec // result
	loadedAt  prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmsguard_decisions_total",
			Help: "Decisions answered, by result: Allowed, ExplicitlyDenied, ImplicitlyDenied or error.",
		}, []string{"result"}),
		engines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmsguard_decisions_engine_total",
			Help: "Decision and explain requests by the engine that answered: native, or rego (the native engine declined the question: a fallback).",
		}, []string{"engine"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmsguard_errors_total",
			Help: "Requests that failed, by reason (bad_request, unauthorized, too_large, overloaded, not_found, method_not_allowed, evaluation, timeout, internal).",
		}, []string{"reason"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmsguard_http_requests_total",
			Help: "HTTP requests, by handler and status code.",
		}, []string{"handler", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kmsguard_http_request_duration_seconds",
			Help:    "Time from the request's arrival to its answer, by handler.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16), // 100µs .. 3.3s
		}, []string{"handler"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kmsguard_in_flight_requests",
			Help: "Data API requests being evaluated now.",
		}),
		revision: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "kmsguard_data_revision_info",
			Help: "The revision of the policy and data being served (value 1).",
		}, []string{"revision"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmsguard_reloads_total",
			Help: "Reloads of policy and data, by result: success or failure.",
		}, []string{"result"}),
		loadedAt: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kmsguard_loaded_timestamp_seconds",
			Help: "When the policy and data being served were loaded (Unix time).",
		}),
	}
	m.reg.MustRegister(m.decisions, m.engines, m.errors, m.requests, m.latency, m.inFlight,
		m.revision, m.reloads, m.loadedAt,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range []string{"Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "error"} {
		m.decisions.WithLabelValues(r)
	}
	for _, r := range []string{"success", "failure"} {
		m.reloads.WithLabelValues(r)
	}
	for _, e := range []string{"native", "rego"} {
		m.engines.WithLabelValues(e)
	}
	return m
}

func (m *metrics) setEngine(e *engine) {
	m.revision.Reset()
	m.revision.WithLabelValues(e.revision).Set(1)
	m.loadedAt.Set(float64(e.loadedAt.UnixNano()) / 1e9)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
