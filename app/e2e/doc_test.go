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
// fallback). With TOLLGATE_WORKERD=1 they start the built worker on workerd
// (wrangler dev, local, in a state directory of their own, KV seeded from
// worker/build/seed) and run against it; TOLLGATE_URL points them at a
// worker that is already running.
// Screenshots of each page are written to test-artifacts/portal/.
//
// Without Chromium the tests skip, unless CI is set: then they fail.
package e2e
