// Package full has the commands of cli.DelegatedCommands: serve, which
// links OPA's server and bundle plugins, and scan, which links the AWS SDK.
// cmd/kmsguard-full runs the command line with them.
package full

import "github.com/kmsguard/kmsguard/cli"

// Commands are serve and scan, for cli.Execute.
var Commands = []cli.Builder{newServeCommand, newScanCommand}
