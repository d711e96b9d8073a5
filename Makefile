# Tollgate. `make run` starts the product locally; `make test` runs every test.
# Each area adds its own targets in its .mk file (included below) by appending
# to TEST_TARGETS / BENCH_TARGETS.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
export GOFLAGS := -buildvcs=false

TEST_TARGETS  := vet test-go test-core-wasm check-generated
BENCH_TARGETS := bench-core

-include core/core.mk
-include worker/worker.mk
-include app/app.mk

.PHONY: run test bench vet test-go test-core-wasm check-generated bench-core demo

run: portal run-worker

# demo runs the command-line demonstration of the rating core.
demo:
	$(GO) run ./core/cmd/demo

test: $(TEST_TARGETS)
	@echo "make test: all green"

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -count=1 ./...

# The core also runs in the browser and on the edge as js/wasm: test it there too.
test-core-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./core/...

# Generated code (msgp, tables) is committed; regenerating must change nothing.
check-generated:
	$(GO) generate ./core/...
	@git diff --exit-code -- core || (echo "go generate changed committed files: run 'go generate ./core/...' and commit" && exit 1)

bench: $(BENCH_TARGETS)

bench-core:
	$(GO) test -run='^$$' -bench=. -benchmem ./core/...
