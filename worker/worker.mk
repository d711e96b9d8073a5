# worker.mk: the Cloudflare Worker (issue 4). Included by the root Makefile.
#
#   make worker-build  build worker/build/: glue, app.wasm, load generator, seed data
#   make test-worker   native Go tests + the built worker on workerd (Miniflare, node --test)
#   make bench-worker  load test on 127.0.0.1: Go worker vs a plain-JS worker
#   make run-worker    migrations + seed + wrangler dev on 127.0.0.1:8787

WB          := worker/build
NODE_BIN    := node_modules/.bin
WRANGLER    := WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false \
               WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false $(NODE_BIN)/wrangler
# The global deck when the deck generator has produced it, else the sample.
SEED_DECK   := $(firstword $(wildcard core/deck/global/global.csv) core/deck/testdata/sample.csv)

TEST_TARGETS  += test-worker
BENCH_TARGETS += bench-worker

.PHONY: node-deps worker-build test-worker bench-worker run-worker

node-deps:
	@test -x $(NODE_BIN)/wrangler -a -d node_modules/miniflare || npm ci --no-audit --no-fund --loglevel=error

worker-build:
	@mkdir -p $(WB)
	cp $(GOROOT)/lib/wasm/wasm_exec.js worker/js/worker.mjs worker/js/precompressed.mjs $(WB)/
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WB)/app.wasm ./worker/cmd/edge
	@# The integration tests' build: the same worker plus the self-test
	@# endpoints (store conformance, agreement table) on the real bindings.
	@mkdir -p $(WB)/selftest
	cp $(GOROOT)/lib/wasm/wasm_exec.js worker/js/worker.mjs worker/js/precompressed.mjs $(WB)/selftest/
	GOOS=js GOARCH=wasm $(GO) build -tags selftest -trimpath -ldflags="-s -w" -o $(WB)/selftest/app.wasm ./worker/cmd/edge
	$(GO) build -o $(WB)/loadgen ./worker/cmd/loadgen
	$(GO) run ./worker/cmd/seed -out $(WB)/seed -deck $(SEED_DECK)

test-worker: node-deps worker-build
	node --test --test-concurrency=1 worker/test/

bench-worker: node-deps worker-build
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=2000x ./worker/httpapi/
	@# The glue comparison: one trivial handler on syumai/workers' stock glue
	@# and on ours.
	rm -rf $(WB)/stock $(WB)/ping && mkdir -p $(WB)/ping
	$(GO) tool workers-assets-gen -mode=go -o $(WB)/stock >/dev/null
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WB)/stock/app.wasm ./worker/bench/stockping
	cp $(GOROOT)/lib/wasm/wasm_exec.js worker/js/worker.mjs worker/js/precompressed.mjs $(WB)/ping/
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WB)/ping/app.wasm ./worker/bench/ping
	node worker/bench/bench.mjs

run-worker: node-deps worker-build
	@mkdir -p static
	$(WRANGLER) d1 migrations apply DB --local
	$(WRANGLER) d1 execute DB --local --file $(WB)/seed/seed.sql
	@while IFS="$$(printf '\t')" read -r key file; do \
		echo "kv put $$key"; \
		$(WRANGLER) kv key put --local --binding KV "$$key" --path "$(WB)/seed/$$file" >/dev/null || exit 1; \
	done < $(WB)/seed/kv.tsv
	@cat $(WB)/seed/banner.txt
	$(WRANGLER) dev --ip 127.0.0.1 --port 8787 --show-interactive-dev-session=false
