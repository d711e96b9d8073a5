//go:build e2e

package e2e

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStalledWasmDownloadIsRetried: a connection that stops sending app.wasm
// (before its headers, or halfway through the body) does not leave the page
// at "Loading 0%": the loader gives the download up and starts it again.
func TestStalledWasmDownloadIsRetried(t *testing.T) {
	if os.Getenv("TOLLGATE_URL") != "" {
		t.Skip("needs the local server to stall app.wasm")
	}
	for _, tc := range []struct {
		name       string
		stallAfter int
	}{
		{"no answer", -1},
		{"halfway through the body", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			local := &assetServer{dir: filepath.Join(repoRoot, "static"), deck: deckSnapshot, stallPath: "/web/app.wasm", stallAfter: tc.stallAfter}
			local.stalls.Store(1)
			srv := httptest.NewServer(local)
			t.Cleanup(srv.Close)
			ctx := newBrowser(t)
			openPageAt(t, ctx, srv.URL, "/", "rate-checker")
			attempts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.tollgateWasmAttempts`))
			if err != nil || attempts != 2 {
				t.Errorf("app.wasm attempts: %d (%v), want 2: one stalled, one worked", attempts, err)
			}
			if left := local.stalls.Load(); left >= 1 {
				t.Errorf("the stalled answer was never asked for (%d left)", left)
			}
		})
	}
}

// TestOpenPageLoadsAgainWhenTheServerHangs: the harness's answer to a local
// server that leaves a first page's scripts unanswered (as wrangler dev did
// in CI) is to load the page once more, and the page then works.
func TestOpenPageLoadsAgainWhenTheServerHangs(t *testing.T) {
	if os.Getenv("TOLLGATE_URL") != "" {
		t.Skip("needs the local server to hang")
	}
	local := &assetServer{dir: filepath.Join(repoRoot, "static"), deck: deckSnapshot, stallPath: "/app.js", stallAfter: -1}
	local.stalls.Store(1)
	srv := httptest.NewServer(local)
	t.Cleanup(srv.Close)
	ctx := newBrowser(t)
	openPageAt(t, ctx, srv.URL, "/", "rate-checker")
	if left := local.stalls.Load(); left >= 1 {
		t.Errorf("app.js was never asked for (%d stalls left)", left)
	}
}
