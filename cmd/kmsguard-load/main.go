// Command kmsguard-load measures kmsguard serve side by side with stock OPA
// serving the same bundle, on loopback. See `go run ./cmd/kmsguard-load -h`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kmsguard/kmsguard/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := loadgen.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintf(os.Stderr, "kmsguard-load: %v\n", err)
		os.Exit(1)
	}
}
