package htmlreport_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium or Chrome binary. Without one the test skips,
// except in CI (CI=true), which installs Debian's chromium package.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium: CI installs it (apt-get install -y chromium)")
	}
	t.Skip("no Chromium installed (apt-get install -y chromium); skipping the browser test")
	return ""
}

// TestReportInChromium opens the example report from a file:// URL in
// headless Chromium: no console error or exception; opening a key section
// renders its body (its graph as SVG, its table) from the embedded
// compressed data; and typing a principal in the search box (real key
// events, so the page's script runs) shows only that principal's rows, in
// opened key sections, with every section's rows in the page. It saves a screenshot in
// the test's artifact directory (go test -artifacts -outputdir DIR).
func TestReportInChromium(t *testing.T) {
	exe := chromium(t)
	dir := t.ArtifactDir()
	path, rep := writeExample(t, dir)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // root in a container has no user namespace sandbox
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Every console message of warning or error level, uncaught exception
	// and browser log entry (a blocked load, a Content-Security-Policy
	// violation) is a problem. Console subscribes before the page loads.
	cctx, stopConsole := context.WithCancel(bctx)
	messages := chromedp.Console(cctx)
	var problems []string
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return // the subscription ended
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				problems = append(problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
			}
		}
	}()

	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	if err := chromedp.Do(bctx, chromedp.Navigate(u.String()), chromedp.WaitReady(chromedp.ID("search"))); err != nil {
		t.Fatal(err)
	}
	// Sections start collapsed, their bodies compressed: nothing of them
	// is in the page until one is opened.
	total, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('details.key .key-body').length`))
	if err != nil {
		t.Fatal(err)
	}
	if total != 0 {
		t.Errorf("%d key bodies in the page before any section is opened, want 0", total)
	}
	// Opening a section (a click on its summary) inflates its body: the
	// access graph is an SVG with a node per principal of its table.
	type opened struct {
		Nodes int `json:"nodes"`
		Rows  int `json:"rows"`
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#key-0 > summary`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('#key-0 svg.graph') !== null`, chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(bctx, chromedp.Evaluate[opened](`({
	  nodes: document.querySelectorAll('#key-0 svg.graph g.node').length,
	  rows: document.querySelectorAll('#key-0 table.whocan tr[data-principal]').length,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	wantRows := 0
	for _, p := range rep.Keys[0].WhoCan.Principals {
		wantRows += len(p.Access)
	}
	if first.Nodes != len(rep.Keys[0].WhoCan.Principals) || first.Rows != wantRows {
		t.Errorf("the opened section has %d graph nodes and %d rows, want %d and %d", first.Nodes, first.Rows, len(rep.Keys[0].WhoCan.Principals), wantRows)
	}
	wantTotal, wantApp, appKeys := 0, 0, 0
	const app = "arn:aws:iam::111122223333:role/team/App"
	for _, k := range rep.Keys {
		hit := false
		for _, p := range k.WhoCan.Principals {
			wantTotal += len(p.Access)
			if strings.Contains(strings.ToLower(p.Principal), strings.ToLower("role/team/App")) {
				wantApp += len(p.Access)
				hit = true
			}
		}
		if hit {
			appKeys++
		}
	}

	// Type a principal: only its rows stay, in opened sections.
	type state struct {
		Visible     []string `json:"visible"`
		Hidden      int      `json:"hidden"`
		OpenKeys    int      `json:"openKeys"`
		VisibleKeys int      `json:"visibleKeys"`
		Status      string   `json:"status"`
	}
	const inspect = `(() => {
	  const rows = [...document.querySelectorAll('table.whocan tr[data-principal]')];
	  const shown = r => !r.hidden && !r.closest('details').hidden;
	  const keys = [...document.querySelectorAll('details.key')];
	  return {
	    visible: rows.filter(shown).map(r => r.dataset.principal),
	    hidden: rows.filter(r => !shown(r)).length,
	    openKeys: keys.filter(k => k.open && !k.hidden).length,
	    visibleKeys: keys.filter(k => !k.hidden).length,
	    status: document.getElementById('search-status').textContent,
	  };
	})()`
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("search"), "role/team/App"),
		chromedp.Poll[chromedp.Void](`/ in \d/.test(document.getElementById('search-status').textContent)`, chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		t.Fatal(err)
	}
	st, err := chromedp.Run(bctx, chromedp.Evaluate[state](inspect))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Visible) != wantApp {
		t.Errorf("after searching role/team/App: %d rows shown, want %d (%v)", len(st.Visible), wantApp, st.Visible)
	}
	for _, p := range st.Visible {
		if p != app {
			t.Errorf("after searching role/team/App, a row of %s is shown", p)
		}
	}
	if st.Hidden != wantTotal-wantApp || st.OpenKeys != appKeys || st.VisibleKeys != appKeys {
		t.Errorf("after searching: %d rows hidden (want %d), %d keys open and %d shown (want %d)", st.Hidden, wantTotal-wantApp, st.OpenKeys, st.VisibleKeys, appKeys)
	}
	if want := fmt.Sprintf("%d rows in %d key", wantApp, appKeys); !strings.HasPrefix(st.Status, want) {
		t.Errorf("status %q, want %q...", st.Status, want)
	}

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(dir, "report-search.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shotPath, len(shot))

	// Clearing the box shows every row again (sections stay as they are).
	if err := chromedp.Do(bctx,
		chromedp.Evaluate[chromedp.Void](`void (b => { b.value = ''; b.dispatchEvent(new Event('input')); })(document.getElementById('search'))`),
		chromedp.Poll[chromedp.Void](`document.getElementById('search-status').textContent === ''`, chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		t.Fatal(err)
	}
	if st, err = chromedp.Run(bctx, chromedp.Evaluate[state](inspect)); err != nil {
		t.Fatal(err)
	}
	if len(st.Visible) != wantTotal || st.VisibleKeys != len(rep.Keys) {
		t.Errorf("after clearing the search: %d rows and %d keys shown, want %d and %d", len(st.Visible), st.VisibleKeys, wantTotal, len(rep.Keys))
	}

	stopConsole()
	<-consoleDone
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
}
