//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/tollgate-voice/tollgate/core/deck"
)

var testDeck struct {
	once sync.Once
	snap []byte
	ix   *deck.Index
	src  string
	err  error
}

// loadTestDeck returns the deck the local server publishes at /v1/deck: the
// real global deck (core/deck/global/global.snapshot) when it is there and
// valid, else the portal's small test deck. The index is the oracle the
// browser's answers are checked against.
func loadTestDeck() ([]byte, *deck.Index, error) {
	testDeck.once.Do(func() {
		if u := os.Getenv("TOLLGATE_URL"); u != "" {
			// The worker's own deck is the oracle.
			res, err := http.Get(u + "/v1/deck")
			if err != nil {
				testDeck.err = err
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != http.StatusOK {
				testDeck.err = fmt.Errorf("GET %s/v1/deck: %s %v", u, res.Status, err)
				return
			}
			testDeck.snap, testDeck.src = b, u+"/v1/deck"
			testDeck.ix, testDeck.err = deck.DecodeSnapshot(b)
			return
		}
		global := filepath.Join(repoRoot, "core", "deck", "global", "global.snapshot")
		if b, err := os.ReadFile(global); err == nil {
			if ix, err := deck.DecodeSnapshot(b); err == nil {
				testDeck.snap, testDeck.ix, testDeck.src = b, ix, global
				return
			}
		}
		f, err := os.Open(filepath.Join(repoRoot, "app", "testdata", "deck.csv"))
		if err != nil {
			testDeck.err = err
			return
		}
		defer f.Close()
		d, err := deck.ParseCSV(f)
		if err != nil {
			testDeck.err = err
			return
		}
		ix, err := deck.NewIndex(d)
		if err != nil {
			testDeck.err = err
			return
		}
		snap, err := deck.EncodeSnapshot(ix)
		if err != nil {
			testDeck.err = fmt.Errorf("encoding the test deck: %w", err)
			return
		}
		testDeck.snap, testDeck.ix, testDeck.src = snap, ix, "app/testdata/deck.csv"
	})
	return testDeck.snap, testDeck.ix, testDeck.err
}

func deckSnapshot() ([]byte, error) {
	b, _, err := loadTestDeck()
	return b, err
}
