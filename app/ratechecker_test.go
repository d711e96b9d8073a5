package portal

import (
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// withTestDeck makes the portal load the test deck as a snapshot, the way the
// browser gets it from /v1/deck.
func withTestDeck(t *testing.T) *deck.Index {
	t.Helper()
	ix := testIndex(t)
	snap, err := deck.EncodeSnapshot(ix)
	if err != nil {
		t.Fatal(err)
	}
	oldSource, oldNow := deckSource, now
	deckSource = func() ([]byte, error) { return snap, nil }
	now = func() time.Time { return testNow }
	resetSharedDeck()
	t.Cleanup(func() {
		deckSource, now = oldSource, oldNow
		resetSharedDeck()
	})
	return ix
}

func resetSharedDeck() {
	sharedDeck.Lock()
	sharedDeck.ix, sharedDeck.loading, sharedDeck.waiting = nil, false, nil
	sharedDeck.Unlock()
}

func TestRateCheckerRendersPricesFromTheSnapshot(t *testing.T) {
	withTestDeck(t)
	e := app.NewTestEngine()
	r := &RateChecker{}
	if err := e.Load(r); err != nil {
		t.Fatal(err)
	}
	// OnMount runs only in a browser: do what it does once the snapshot
	// has arrived.
	r.deckLoaded(decodeDeck(deckSource()))
	e.ConsumeAll()
	if r.ix == nil || r.loadErr != nil {
		t.Fatalf("deck not loaded: %v", r.loadErr)
	}
	html := app.HTMLString(r.Render())
	for _, want := range []string{`<label for="dial">Number</label>`, `<label for="home">Calling from</label>`, "Rates version", "11 prices"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	r.dial, r.home = "0061 412 345 678", "GB"
	r.recompute()
	e.ConsumeAll()
	html = app.HTMLString(r.Render())
	for _, want := range []string{"Australia Mobile", "Mobile", "US$0.38/min", "60/60 (per started minute)", "US$11.40", "30 minutes"} {
		if !strings.Contains(html, want) {
			t.Errorf("AU mobile: page lacks %q", want)
		}
	}

	r.dial = "999"
	r.recompute()
	html = app.HTMLString(r.Render())
	if !strings.Contains(html, "free, never blocked") {
		t.Errorf("emergency number: page lacks the never-blocked notice")
	}

	r.dial = "12ab"
	r.recompute()
	html = app.HTMLString(r.Render())
	if !strings.Contains(html, `class="message error"`) || !strings.Contains(html, "Not a number we can call") {
		t.Errorf("invalid number: no error in words:\n%s", html)
	}
}

func TestRateCheckerShowsLoadErrors(t *testing.T) {
	withTestDeck(t)
	deckSource = func() ([]byte, error) { return []byte("not a snapshot"), nil }
	e := app.NewTestEngine()
	r := &RateChecker{}
	if err := e.Load(r); err != nil {
		t.Fatal(err)
	}
	r.deckLoaded(decodeDeck(deckSource()))
	e.ConsumeAll()
	if r.loadErr == nil {
		t.Fatal("a corrupt snapshot was accepted")
	}
	html := app.HTMLString(r.Render())
	if !strings.Contains(html, "the published rates could not be read") {
		t.Errorf("load error not shown in words:\n%s", html)
	}
}
