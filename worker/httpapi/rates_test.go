package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/core/deck"
)

// TestRatesByCountry: GET /v1/rates?by=country is the core's per-country
// summary (deck.SummarizeCountries, as the portal's rates directory shows
// it) of the rows in force now, filtered by country, region and search.
func TestRatesByCountry(t *testing.T) {
	f := newFixture(t)
	get := func(q string) (CountriesResponse, int) {
		t.Helper()
		w := f.do("GET", "/v1/rates?by=country"+q, "", nil)
		var b CountriesResponse
		if w.Code == 200 {
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
		}
		return b, w.Code
	}
	text := func(c CountryJSON) string {
		r := func(p *PriceRangeJSON) string {
			switch {
			case p == nil:
				return "-"
			case p.Min == p.Max:
				return p.Min
			}
			return p.Min + ".." + p.Max
		}
		return c.Country + " " + r(c.Landline) + " " + r(c.Mobile)
	}
	all, code := get("")
	if code != 200 || all.DeckVersion != "v1" || all.Currency != "USD" || all.Total != len(all.Countries) || all.Total == 0 {
		t.Fatalf("all: %d %+v", code, all)
	}
	// The same summary as the core's, country by country.
	ix, err := deck.DecodeSnapshot(sampleDeckSnapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	want := deck.SummarizeCountries(ix.Deck().Rows, testNow)
	if len(want) != len(all.Countries) {
		t.Fatalf("%d countries, the core summarises %d", len(all.Countries), len(want))
	}
	for i, c := range all.Countries {
		w := want[i]
		if c.Country != w.Country || c.Name != w.Name || c.CallingCode != w.CallingCode || c.Region != w.Region || c.Shared != w.Shared ||
			(c.Landline == nil) == w.Landline.Set || (c.Mobile == nil) == w.Mobile.Set ||
			(c.Landline != nil && (c.Landline.Min != w.Landline.Min.String() || c.Landline.Max != w.Landline.Max.String())) ||
			(c.Mobile != nil && (c.Mobile.Min != w.Mobile.Min.String() || c.Mobile.Max != w.Mobile.Max.String())) {
			t.Errorf("country %d: %+v, core %+v", i, c, w)
		}
	}

	tests := []struct {
		query string
		want  string // "ISO landline mobile" per country
	}{
		{"&country=au", "AU 0.13 0.38"},
		{"&q=%2B44", "GB 0.025 0.05"},
		{"&q=france", "FR 0.05 0.12"},
		{"&q=canada", "US 0.01 0.01"},
		{"&q=us", "AU 0.13 0.38\nUS 0.01 0.01"}, // "Australia" contains "us"; the ISO code US too
		{"&region=au-nz", "AU 0.13 0.38\nNZ 0.1 0.3"},
		{"&region=au-nz&q=zealand", "NZ 0.1 0.3"},
		{"&q=atlantis", ""},
	}
	for _, tt := range tests {
		got, code := get(tt.query)
		var lines []string
		for _, c := range got.Countries {
			lines = append(lines, text(c))
		}
		if code != 200 || strings.Join(lines, "\n") != tt.want || got.Total != len(got.Countries) {
			t.Errorf("%s: %d\n%s\nwant\n%s", tt.query, code, strings.Join(lines, "\n"), tt.want)
		}
	}
	if us, _ := get("&country=US"); len(us.Countries) != 1 || !us.Countries[0].Shared {
		t.Errorf("US (one numbering plan) is not shared: %+v", us)
	}

	for _, q := range []string{"&kind=mobile", "&limit=5", "&offset=1", "&region=mars"} {
		if _, code := get(q); code != 400 {
			t.Errorf("by=country%s: status %d, want 400", q, code)
		}
	}
	if w := f.do("GET", "/v1/rates?by=prefix", "", nil); w.Code != 400 || !strings.Contains(w.Body.String(), `"by"`) {
		t.Errorf("by=prefix: %d %s", w.Code, w.Body)
	}
}
