# Make targets of the rating core, included by the root Makefile.
#
#   make deck        regenerate the default global deck (core/deck/global/global.csv
#                    and global.snapshot) from libphonenumber and the demo price list
#   make check-deck  (part of make test) regenerate into a temporary directory and
#                    compare byte for byte with the committed files; check that
#                    libphonenumber is linked into no js/wasm program (worker, portal)
#   make bench-deck  (part of make bench) prefix count, snapshot size raw and gzip,
#                    decode time and lookup ns on the real deck

DECK_DIR := core/deck/global

TEST_TARGETS  += check-deck
BENCH_TARGETS += bench-deck

.PHONY: deck check-deck bench-deck

deck:
	$(GO) run ./core/cmd/deckgen -prices $(DECK_DIR)/prices.csv -out $(DECK_DIR)

check-deck:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./core/cmd/deckgen -prices $(DECK_DIR)/prices.csv -out "$$tmp" && \
	cmp "$$tmp/global.csv" $(DECK_DIR)/global.csv && \
	cmp "$$tmp/global.snapshot" $(DECK_DIR)/global.snapshot && \
	echo "check-deck: committed deck is up to date" || \
	{ echo "check-deck: $(DECK_DIR) is stale or the generator is not reproducible: run 'make deck' and commit"; exit 1; }
	@if GOOS=js GOARCH=wasm $(GO) list -e -deps ./worker/... ./app/... ./wasm/... 2>/dev/null | grep -q 'github.com/nyaruka/phonenumbers'; then \
		echo "check-deck: libphonenumber is linked into a js/wasm program: only the generated deck may be"; exit 1; fi
	@echo "check-deck: libphonenumber is linked into no js/wasm program"

bench-deck:
	$(GO) run ./core/cmd/deckgen -prices $(DECK_DIR)/prices.csv -stats
