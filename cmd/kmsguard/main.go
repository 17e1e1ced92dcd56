// Command kmsguard decides AWS KMS key access from key policies, IAM
// policies, grants and Organizations guardrails. See `kmsguard --help`.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/kmsguard/kmsguard/cli"
	// The collector waits until the command runs (cli releases it).
	_ "github.com/kmsguard/kmsguard/internal/gchold/hold"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := cli.Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode(err))
}
