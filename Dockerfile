# kmsguard in a container: a static binary on a distroless base (no shell,
# no package manager, runs as an unprivileged user). docs/ci.md explains it.
#
#   docker build -t kmsguard .
#   docker run --rm -v "$PWD:/work" kmsguard check .

# Build stage: the Go toolchain of go.mod's "go" line.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a static binary that needs no libc; -trimpath: no build
# machine paths in it; -s -w: no symbol tables. kmsguard runs kmsguard-full,
# installed beside it, for every command but eval --batch
# (docs/architecture.md). The same line is tested by TestDockerfileBuild
# (cli/ci_test.go).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/kmsguard ./cmd/kmsguard-full

# Run stage: only the binaries and CA certificates (kmsguard scan calls AWS).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kmsguard /out/kmsguard-full /usr/local/bin/
WORKDIR /work
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/kmsguard"]
CMD ["--help"]
