package cli

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/exitcode"
	"github.com/kmsguard/kmsguard/server"
)

// serveParams are the flags of `kmsguard serve`.
type serveParams = server.Flags

const serveLong = `Serve decisions over HTTP with the data API of OPA:

  POST /v1/data/kmsguard/authz/decision   {"input": QUESTION} -> {"result": ANSWER}
  POST /v1/data/kmsguard/authz/explain    {"input": QUESTION} -> {"result": EXPLANATION}
  POST /v1/data/kmsguard/...              every other entry point the policy
                                          marks (# entrypoint: true): lint/findings,
                                          readiness/report, authz/prepare_question
  POST /v1/data/kmsguard/access/who_can, .../can_use, .../diff, authz/prepare
                                          only with --access-analysis
  GET  /health                            200 {"status": "ok", "revision": ..., "entrypoints": [...]}
  GET  /metrics                           Prometheus metrics

No other path is served; /health lists exactly the entry points served.
Questions and answers are those of "kmsguard can --format json" and
"kmsguard eval" (docs/decision-format.md). A question the policy cannot answer,
and any evaluation error, gets {"result": {"error": ...}}, never an allow; an
evaluation error's details go to the log under the request id the answer
names (every response carries X-Request-Id). A body that is not
{"input": {...}} gets 400; "Content-Encoding: gzip" bodies are decoded (the
--max-body limit applies to the decoded size), other encodings get 415.

--data loads a snapshot file, or every *.json snapshot file of a directory
(docs/snapshot-format.md), so that questions may carry only principal, action,
resource and context. --bundle serves a bundle built by "kmsguard bundle
build" (a file, or an http(s) URL fetched at start and on each reload) instead
of the built-in policy. --config-file takes an OPA configuration file
(services, bundles, decision_logs, status, keys, discovery), run by OPA's own
plugins as "opa run --server -c FILE" would (docs/serving.md).

SIGHUP reloads the bundle, the snapshot and the TLS certificate (--watch also
reloads when the files change, or when the bundle at a URL does); a version
that fails to load is logged and the running one keeps serving.

SIGTERM or SIGINT shuts down as a lame duck: /health turns 503 at once,
requests are still answered (with "Connection: close") for
--shutdown-wait-period, then the listener closes and requests in flight get
--shutdown-grace-period to finish.

Request bodies are received before evaluation, each within
--body-read-timeout and at most --max-body-readers at once, so slow senders
cannot hold the evaluators (--max-concurrency). Each evaluation gets
--analysis-timeout; a longer one is answered with an error.

The access log (JSON, one line per request) and server events go to standard
error. With --token-file every /v1/ and /metrics request needs
"Authorization: Bearer TOKEN"; /health stays open.

Exit status: 0 after a clean shutdown, 1 if serving failed, 2 for bad flags or
a policy, snapshot, bundle or configuration file that cannot be loaded.`

const serveExample = `  kmsguard serve --data snapshot.json
  curl -s localhost:8181/v1/data/kmsguard/authz/decision -d '{"input": {"principal":
    "arn:aws:iam::111122223333:user/alice", "action": "kms:Decrypt", "resource":
    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}'

  kmsguard serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem \
    --token-file token --bundle https://bundles.internal/kmsguard.tar.gz \
    --verification-key public.pem --decision-log decisions.jsonl \
    --mask-context 'kms:EncryptionContext:*'`

func newServeCommand(_ io.Reader, _, stderr io.Writer) *cobra.Command {
	var p serveParams
	cmd, f := newCommand("serve [flags]", "Serve decisions over HTTP (OPA-compatible data API)",
		serveLong, serveExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), p, stderr)
		})
	f.StringVar(&p.Addr, "addr", "127.0.0.1:8181", "listen `ADDRESS` (host:port)")
	f.StringVar(&p.Bundle, "bundle", "", "serve this bundle `FILE` or http(s) URL instead of the built-in policy")
	f.StringVar(&p.VerificationKey, "verification-key", "", "require --bundle to be signed: public key `FILE` (PEM), or HMAC secret file for HS256")
	f.StringVar(&p.SigningAlg, "signing-alg", "RS256", "signature `ALGORITHM`: RS256, ES256 or HS256")
	f.StringVar(&p.KeyID, "key-id", "", "`NAME` of the verification key (default \"default\")")
	f.StringVar(&p.Data, "data", "", "snapshot `FILE` or directory of snapshot files")
	f.StringVar(&p.TokenFile, "token-file", "", "require \"Authorization: Bearer TOKEN\" with the token in `FILE`")
	f.StringVar(&p.TLSCert, "tls-cert", "", "TLS certificate `FILE` (PEM); needs --tls-key")
	f.StringVar(&p.TLSKey, "tls-key", "", "TLS private key `FILE` (PEM)")
	f.Int64Var(&p.MaxBody, "max-body", server.DefaultMaxBody, "largest request body in `BYTES`; larger gets 413")
	f.IntVar(&p.MaxConcurrency, "max-concurrency", 0, "requests evaluated at once; more get 503 (default 4×GOMAXPROCS)")
	f.DurationVar(&p.ReadTimeout, "read-timeout", server.DefaultReadTimeout, "time to read a request")
	f.DurationVar(&p.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "time to answer a request")
	f.DurationVar(&p.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "how long an idle keep-alive connection stays open")
	f.DurationVar(&p.BodyReadTimeout, "body-read-timeout", server.DefaultBodyReadTimeout, "time to receive a request body; slower senders get 408")
	f.IntVar(&p.MaxBodyReaders, "max-body-readers", 0, "request bodies received at once, before evaluation; more get 503 (default 8×--max-concurrency)")
	f.DurationVar(&p.AnalysisTimeout, "analysis-timeout", server.DefaultAnalysisTimeout, "time one evaluation may take (a decision's Rego, who-can, can_use or diff); longer gets an error answer")
	f.DurationVar(&p.ShutdownWait, "shutdown-wait-period", 0, "on SIGTERM, keep answering this long with /health 503 and \"Connection: close\" before closing the listener")
	f.DurationVar(&p.ShutdownGrace, "shutdown-grace-period", server.DefaultShutdownGrace, "then, how long requests in flight get to finish")
	f.DurationVar(&p.ShutdownGrace, "shutdown-timeout", server.DefaultShutdownGrace, "old name of --shutdown-grace-period")
	if err := f.MarkDeprecated("shutdown-timeout", "use --shutdown-grace-period"); err != nil {
		panic(err) // a programming error: the flag is defined above
	}
	f.BoolVar(&p.AccessAnalysis, "access-analysis", false, "also serve the entry points over the whole snapshot (kmsguard/access/who_can, can_use, diff, kmsguard/authz/prepare): its access graph and prepared entries")
	f.StringVar(&p.ConfigFile, "config-file", "", "OPA configuration `FILE` (services, bundles, decision_logs, status, keys; docs/serving.md)")
	f.BoolVar(&p.Watch, "watch", false, "reload when the bundle file or snapshot files change (checked every second), or the bundle at a --bundle URL (checked every --poll-interval)")
	f.DurationVar(&p.PollInterval, "poll-interval", server.DefaultPollInterval, "with --watch, how often to ask a --bundle URL for a new version")
	f.StringVar(&p.DecisionLog, "decision-log", "", "append one JSON line per answer to `FILE`")
	f.StringArrayVar(&p.MaskContext, "mask-context", nil, "in the decision log, replace the values of context keys matching `PATTERN` ('*' matches any text) by \"***\" (repeatable)")
	f.IntVar(&p.GCPercent, "gc-percent", server.DefaultGCPercent, "Go garbage collector target `PERCENT` (the GOGC environment variable wins when set)")
	return cmd
}

// runServe serves until ctx is done or SIGTERM/SIGINT arrives; SIGHUP
// reloads. Everything it says is a JSON log line on stderr.
func runServe(ctx context.Context, p serveParams, stderr io.Writer) error {
	err := server.Run(ctx, p, stderr)
	var serving *server.ServeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &serving):
		return exitWith(exitcode.Denied, serving.Err)
	}
	return inputError(err)
}
