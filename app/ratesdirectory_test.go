package portal

import (
	"net/url"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/region"
)

func TestRatesDirectoryComponent(t *testing.T) {
	withTestDeck(t)
	e := app.NewTestEngine()
	d := &RatesDirectory{}
	if err := e.Load(d); err != nil {
		t.Fatal(err)
	}
	html := app.HTMLString(d.Render())
	if !strings.Contains(html, "Loading the rates") {
		t.Errorf("no loading state before the deck arrives")
	}

	d.query.Sort = "name"
	d.deckLoaded(decodeDeck(deckSource()))
	html = app.HTMLString(d.Render())
	for _, want := range []string{"5 of 5 countries", `data-country="AU"`, "US$0.38", `aria-sort="ascending"`, `download="tollgate-rates.csv"`, `<label for="search">Search</label>`} {
		if !strings.Contains(html, want) {
			t.Errorf("directory lacks %q", want)
		}
	}

	d.query.Search, d.query.Region = "", region.AustraliaNZ
	d.apply()
	html = app.HTMLString(d.Render())
	if !strings.Contains(html, "2 of 5 countries") || strings.Contains(html, `data-country="GB"`) {
		t.Errorf("region filter not applied")
	}
	csv, err := url.PathUnescape(strings.TrimPrefix(d.csvHref, "data:text/csv;charset=utf-8,"))
	if err != nil || strings.Count(csv, "\n") != 3 || !strings.Contains(csv, "New Zealand,NZ,64") {
		t.Errorf("CSV download does not follow the filter: %q %v", csv, err)
	}

	d.query.Search = "nowhere"
	d.apply()
	if html := app.HTMLString(d.Render()); !strings.Contains(html, "No country matches") {
		t.Errorf("no words for an empty search")
	}
}
