# kmsguard — every CI step is a target here; .ci/run only calls `make ci`.

GO            ?= go
GOLANGCI_LINT_VERSION := v2.15.0
CONFTEST_VERSION      := v0.71.1
BIN           := $(CURDIR)/.bin
ORACLE        := conformance/oracle
# Fuzzing runs a number of inputs, not a time: with -fuzztime as a
# duration, Go 1.26's fuzzing coordinator can fail a run that found
# nothing with "context deadline exceeded" as the time runs out
# (golang/go#75804, fixed in Go 1.27). Each count takes 25-30 s on the
# 2-core machine with an empty fuzz cache, as CI starts (FuzzDifferential
# about 60 s: it first replays its seeds, decision cases and generated
# questions). FUZZTIME, when given (`make fuzz FUZZTIME=5s`), is used for
# every target instead.
FUZZ_DECODE  ?= $(or $(FUZZTIME),400000x)
FUZZ_DECIDE  ?= $(or $(FUZZTIME),60000x)
FUZZ_REQUEST ?= $(or $(FUZZTIME),100000x)
FUZZ_DIFF    ?= $(or $(FUZZTIME),100000x)
FUZZ_APPEND  ?= $(or $(FUZZTIME),800000x)

.PHONY: all build deps test test-go test-rego lint fmt-check fuzz differential bench bench-check load scale ci oracle conftest clean mermaid-check

all: build

# build: kmsguard and kmsguard-full, which kmsguard runs for every command
# but eval --batch (it looks beside itself first); static, as the image
# builds them (no dynamic loader at each start).
build:
	CGO_ENABLED=0 $(GO) build -o ./ ./cmd/kmsguard ./cmd/kmsguard-full

# test: everything a change must pass (the README's test command). On a
# first run it downloads the Go modules of go.sum, the npm packages of the
# conformance oracle and builds conftest; later runs download nothing.
# Warm caches: 24 min 33 s measured on the shared 2-core machine under heavy
# load (README, "Quick start"); 3.6 minutes measured earlier on it idle.
test: deps oracle conftest fmt-check test-rego test-go
	@echo "make test: passed"

# deps: the Go modules of go.sum (module proxy; about 320 MB of module cache).
deps:
	@echo "make test: Go modules of go.sum from the module proxy (go mod download; nothing once cached)"
	$(GO) mod download

test-rego:
	$(GO) tool opa check --strict rego/
	$(GO) tool opa test rego/

# -timeout 30m: the CLI scripts start about 200 kmsguard processes; on a
# shared 2-core machine they have taken longer than go test's default 10
# minutes per package (idle, the whole of make test takes a few minutes).
test-go:
	$(GO) vet ./...
	KMSGUARD_CONFORMANCE=1 KMSGUARD_CONFTEST=1 $(GO) test -timeout 30m ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	@out=$$($(GO) tool opa fmt --list rego/); if [ -n "$$out" ]; then echo "opa fmt would change: $$out"; exit 1; fi

# oracle: the independent simulator the conformance test compares against.
oracle: $(ORACLE)/node_modules/.package-lock.json

$(ORACLE)/node_modules/.package-lock.json: $(ORACLE)/package.json $(ORACLE)/package-lock.json
	@echo "make test: installing the conformance oracle from npm (npm ci: @cloud-copilot/iam-simulate and 3 dependencies, once)"
	npm ci --prefix $(ORACLE) --no-audit --no-fund

# conftest: stock conftest, to test that the rule pack runs unchanged in it.
conftest: $(BIN)/conftest

$(BIN)/conftest:
	@echo "make test: building conftest $(CONFTEST_VERSION) from the Go module proxy into .bin/ (once)"
	GOBIN=$(BIN) $(GO) install github.com/open-policy-agent/conftest@$(CONFTEST_VERSION)

$(BIN)/golangci-lint:
	GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

lint: $(BIN)/golangci-lint
	$(BIN)/golangci-lint run ./...

# Minimising a new input is capped at 100 runs: OPA's process-wide caches
# make a first evaluation cover more code than the next ones, so the
# default (60 s per input) spent the whole budget re-running one input.
FUZZFLAGS = -fuzzminimizetime 100x

fuzz:
	$(GO) test ./question/opainput/ -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZ_DECODE) $(FUZZFLAGS)
	$(GO) test ./runner/ -run '^$$' -fuzz FuzzDecide -fuzztime $(FUZZ_DECIDE) $(FUZZFLAGS)
	$(GO) test ./server/ -run '^$$' -fuzz FuzzDecodeRequest -fuzztime $(FUZZ_REQUEST) $(FUZZFLAGS)
	$(GO) test ./engine/ -run '^$$' -fuzz FuzzDifferential -fuzztime $(FUZZ_DIFF) $(FUZZFLAGS)
	$(GO) test ./result/ -run '^$$' -fuzz FuzzAppendJSON -fuzztime $(FUZZ_APPEND) $(FUZZFLAGS)

# differential: the native engine against the Rego on 20,000 generated
# questions (a new seed each run, printed; make test compares 2,500).
differential:
	$(GO) test ./engine/ -run '^TestDifferentialGenerated$$' -count=1 -timeout 30m -v -diff.n 20000

# bench: the figures published in the README.
bench:
	$(GO) test ./runner/ -run '^$$' -bench . -benchmem -count 1

# bench-check: kmsguard check and conftest on 10,000 generated policies
# (figures in docs/check.md; about 25 minutes on 2 cores, not part of ci).
bench-check: conftest
	KMSGUARD_BENCH=1 $(GO) test ./check/ -run TestThroughput -v -timeout 60m

# load: kmsguard serve and stock opa run side by side (figures in docs/serving.md).
load:
	$(GO) run ./cmd/kmsguard-load -duration 10s -rounds 6

# scale: who-can, --principal and diff over 5,000 roles and 2,000 keys, and
# the HTML report for the first SCALE_REPORT_KEYS keys of that account
# (figures in docs/access.md; 2000 checks the report's goals).
SCALE_REPORT_KEYS ?= 200
scale:
	KMSGUARD_SCALE=1 $(GO) test ./access/ -run 'TestScale$$' -v -count=1
	KMSGUARD_SCALE=1 KMSGUARD_SCALE_KEYS=$(SCALE_REPORT_KEYS) $(GO) test ./htmlreport/ -run 'TestReportScale$$' -v -count=1 -timeout 60m

# mermaid-check: the who-can --format mermaid golden files through Mermaid's
# own parser (npm, about 2 minutes on first run; not part of test).
mermaid-check:
	npm ci --prefix report/testdata/mermaid --no-audit --no-fund
	$(GO) test ./access/ -run TestGraphMermaidParser -v -count=1

ci: lint test differential fuzz

clean:
	rm -rf kmsguard kmsguard-full $(BIN) $(ORACLE)/node_modules
