package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptSetup gives each script a free loopback address in $ADDR for a
// server it starts.
func scriptSetup(env *testscript.Env) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	env.Setenv("ADDR", ln.Addr().String())
	return ln.Close()
}

// scriptCmds are the scripts' own commands.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"http": cmdHTTP,
}

// cmdHTTP: http [-token FILE] [-status CODE] METHOD URL [BODYFILE]
//
// Sends one request and writes the response body to stdout; the status must
// be CODE (default 200). While the server is not up yet (connection
// refused), it retries for up to 20 seconds.
func cmdHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! http (use -status)")
	}
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	token := fs.String("token", "", "bearer token file")
	status := fs.Int("status", 200, "expected status")
	if err := fs.Parse(args); err != nil || fs.NArg() < 2 || fs.NArg() > 3 {
		ts.Fatalf("usage: http [-token FILE] [-status CODE] METHOD URL [BODYFILE]")
	}
	method, url := fs.Arg(0), fs.Arg(1)
	var body []byte
	if fs.NArg() == 3 {
		body = []byte(ts.ReadFile(fs.Arg(2)))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		ts.Check(err)
		if *token != "" {
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(ts.ReadFile(*token)))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if errors.Is(err, syscall.ECONNREFUSED) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			ts.Fatalf("%s %s: %v", method, url, err)
		}
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		ts.Check(err)
		_, err = ts.Stdout().Write(data)
		ts.Check(err)
		if resp.StatusCode != *status {
			ts.Fatalf("%s %s: status %d, want %d", method, url, resp.StatusCode, *status)
		}
		return
	}
}
