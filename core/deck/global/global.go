// Package global is Tollgate's default rate deck: a retail price for every
// country and number kind libphonenumber knows, derived by core/cmd/deckgen
// from libphonenumber's numbering-plan metadata and the DEMO price list in
// prices.csv (invented prices, clearly not any carrier's; Australia's
// US$0.13/min landline and US$0.38/min mobile are the product documents').
//
// The directory holds, all committed:
//
//   - prices.csv: the documented demo price list (input);
//   - global.csv: the generated deck in the canonical CSV of core/deck;
//   - global.snapshot: the same deck as a core/deck msgp snapshot, embedded
//     here and loaded by the edge and the browser.
//
// Regenerate with `make deck` (or `go generate ./core/...`); `make test` checks that the committed files
// are what the generator produces. libphonenumber itself is linked only into
// the generator, never into a program importing this package.
package global

//go:generate go run ../../cmd/deckgen -prices prices.csv -out .

import (
	_ "embed"
	"sync"

	"github.com/tollgate-voice/tollgate/core/deck"
)

//go:embed global.snapshot
var snapshot []byte

// Snapshot returns the default deck as a core/deck msgp snapshot (what
// deck.EncodeSnapshot wrote). The slice is shared: do not modify it.
func Snapshot() []byte { return snapshot }

var decoded = sync.OnceValues(func() (*deck.Index, error) {
	return deck.DecodeSnapshot(snapshot)
})

// Index returns the default deck's index, decoded from the embedded snapshot
// on first use. The index is immutable and shared by all callers.
func Index() (*deck.Index, error) { return decoded() }
