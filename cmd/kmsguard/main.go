// Command kmsguard decides AWS KMS key access from key policies, IAM
// policies, grants and Organizations guardrails. See `kmsguard --help`.
//
// It answers `eval --batch` with the native engine and runs kmsguard-full,
// installed beside it, for every other command (cli/lean).
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/kmsguard/kmsguard/cli/lean"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := lean.Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
