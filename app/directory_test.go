package portal

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/region"
)

func TestBuildDirectory(t *testing.T) {
	ix := testIndex(t)
	all := buildDirectory(ix, testNow)
	byISO := map[string]directoryEntry{}
	var names []string
	for _, e := range all {
		byISO[e.Country] = e
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "Australia,France,New Zealand,United Kingdom,United States / Canada" {
		t.Errorf("countries (sorted by name) = %s", got)
	}
	au := byISO["AU"]
	if formatRange(au.Landline, "USD") != "US$0.13" || formatRange(au.Mobile, "USD") != "US$0.38" {
		t.Errorf("AU: landline %s mobile %s", formatRange(au.Landline, "USD"), formatRange(au.Mobile, "USD"))
	}
	if au.Region != region.AustraliaNZ || au.RegionName == "" || au.CallingCode != "61" {
		t.Errorf("AU: region %q %q, calling code %q", au.Region, au.RegionName, au.CallingCode)
	}
	// The price in force at the time asked: GB landline changes on 1 December.
	if gb := byISO["GB"]; formatRange(gb.Landline, "USD") != "US$0.025" {
		t.Errorf("GB landline now = %s, want US$0.025", formatRange(gb.Landline, "USD"))
	}
	// NANP: one numbering plan, one price in both columns.
	us := byISO["US"]
	if !us.Shared || formatRange(us.Landline, "USD") != "US$0.01" || formatRange(us.Mobile, "USD") != "US$0.01" {
		t.Errorf("US: %+v", us)
	}
	// France: the first tier's price.
	if fr := byISO["FR"]; formatRange(fr.Landline, "USD") != "US$0.05" || formatRange(fr.Mobile, "USD") != "US$0.09" {
		t.Errorf("FR: landline %s mobile %s", formatRange(fr.Landline, "USD"), formatRange(fr.Mobile, "USD"))
	}
}

func TestPriceRange(t *testing.T) {
	var p deck.PriceRange
	if formatRange(p, "USD") != "—" {
		t.Errorf("empty range = %q", formatRange(p, "USD"))
	}
	for _, s := range []string{"0.20", "0.13", "0.5"} {
		p.Add(mustMoney(s))
	}
	if got := formatRange(p, "USD"); got != "US$0.13 – US$0.50" {
		t.Errorf("range = %q", got)
	}
}

func TestDirectoryQuery(t *testing.T) {
	all := buildDirectory(testIndex(t), testNow)
	names := func(es []directoryEntry) string {
		var n []string
		for _, e := range es {
			n = append(n, e.Country)
		}
		return strings.Join(n, ",")
	}
	tests := []struct {
		q    directoryQuery
		want string
	}{
		{directoryQuery{}, "AU,FR,NZ,GB,US"},
		{directoryQuery{Search: "aus"}, "AU"},
		{directoryQuery{Search: "  KINGDOM "}, "GB"},
		{directoryQuery{Search: "fr"}, "FR"},
		{directoryQuery{Search: "+64"}, "NZ"},
		{directoryQuery{Search: "zz"}, ""},
		{directoryQuery{Region: region.AustraliaNZ}, "AU,NZ"},
		{directoryQuery{Region: region.UKEurope, Search: "france"}, "FR"},
		{directoryQuery{Sort: "landline"}, "US,GB,FR,NZ,AU"},
		{directoryQuery{Sort: "mobile", Desc: true}, "AU,NZ,FR,GB,US"},
		{directoryQuery{Sort: "name", Desc: true}, "US,GB,NZ,FR,AU"},
	}
	for _, tt := range tests {
		if got := names(tt.q.filter(all)); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.q, got, tt.want)
		}
	}
}

func TestDirectorySortKeepsUnpricedLast(t *testing.T) {
	p := func(s string) deck.PriceRange { d := mustMoney(s); return deck.PriceRange{Min: d, Max: d, Set: true} }
	all := []directoryEntry{
		{Country: "AA", Name: "A", Mobile: p("0.5")},
		{Country: "BB", Name: "B"},
		{Country: "CC", Name: "C", Mobile: p("0.2")},
	}
	for _, desc := range []bool{false, true} {
		got := directoryQuery{Sort: "mobile", Desc: desc}.filter(all)
		if got[2].Country != "BB" {
			t.Errorf("desc=%v: %v: unpriced not last", desc, got)
		}
	}
}

func TestDirectoryCSV(t *testing.T) {
	all := buildDirectory(testIndex(t), testNow)
	out := directoryCSV(directoryQuery{Search: "australia"}.filter(all), "USD")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"country", "iso", "calling_code", "region", "landline_min", "landline_max", "mobile_min", "mobile_max", "currency"},
		{"Australia", "AU", "61", recs[1][3], "0.13", "0.13", "0.38", "0.38", "USD"},
	}
	if len(recs) != 2 || strings.Join(recs[0], ",") != strings.Join(want[0], ",") || strings.Join(recs[1], ",") != strings.Join(want[1], ",") || recs[1][3] == "" {
		t.Errorf("csv:\n%s", out)
	}
}
