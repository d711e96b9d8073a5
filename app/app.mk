# Portal: go-app components (app/), the entry point (wasm/) and the generated
# static site (static/) that the worker serves as assets. Included by the root
# Makefile.

PORTAL_WASM := static/web/app.wasm

TEST_TARGETS  += test-portal
BENCH_TARGETS += bench-portal

.PHONY: portal test-portal bench-portal

# portal builds app.wasm and generates the static site into static/ (pages,
# app.js, service worker, manifest, icons, stylesheet). The version is a hash
# of app.wasm, so every new build gets a fresh service-worker cache.
portal:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(PORTAL_WASM) ./wasm
	$(GO) run ./wasm -out static

# test-portal: the browser-side code must also vet for js/wasm; the end-to-end
# tests drive the built site in headless Chromium against the built worker on
# workerd (wrangler dev, its own state directory, seeded KV), then the tests
# that need a server of their own once more against a local one: offline (its
# network really cut), app.wasm held back, app.wasm stalled, and a hung script
# (the harness loads the page again).
# Screenshots go to test-artifacts/portal/. Component tests run in test-go.
test-portal: portal worker-build node-deps
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./wasm/
	$(GO) vet -tags e2e ./app/e2e/
	TOLLGATE_WORKERD=1 $(GO) test -count=1 -tags e2e ./app/e2e/
	$(GO) test -count=1 -tags e2e -run 'Offline|TypingBeforeTheAppStarts|StalledWasmDownload|OpenPageLoadsAgain' ./app/e2e/

# bench-portal: app.wasm size (raw and gzip; target ≤ 3 MB gzip) and the time
# from navigation to the first interactive component in headless Chromium
# (target ≤ 1 s), served as the product serves it: by the worker on workerd
# (wrangler dev), app.wasm precompressed.
bench-portal: portal worker-build node-deps
	TOLLGATE_WORKERD=1 $(GO) test -count=1 -tags e2e -run='^$$' -bench=. -benchtime=5x ./app/e2e/
