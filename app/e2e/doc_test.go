//go:build e2e

// Package e2e drives the built portal in real headless Chromium (chromedp):
// the wasm app must mount, check rates the way a person types them, keep
// working offline through the service worker, and search the directory.
//
// Run with `make test-portal` (which builds static/ first), or
//
//	go test -tags e2e ./app/e2e/
//
// By default the tests serve static/ and the deck snapshot from a small Go
// server that behaves like the edge's asset serving (per-route .html, SPA
// fallback). Set TOLLGATE_URL to run them against the real worker instead.
// Screenshots of each page are written to test-artifacts/portal/.
//
// Without Chromium the tests skip, unless CI is set: then they fail.
package e2e
