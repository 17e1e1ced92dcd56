// Command kmsguard-full is the kmsguard command line with every command,
// and OPA: kmsguard runs it for every command but eval --batch, and for the
// questions of a batch its native engine declines (internal/delegate).
// Install it beside kmsguard.
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
