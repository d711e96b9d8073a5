package portal

import (
	"cmp"
	"encoding/csv"
	"slices"
	"strings"
	"time"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/region"
)

// formatRange writes a price range for people: "US$0.13", "US$0.13 –
// US$0.20", or "—" when there is no price.
func formatRange(p deck.PriceRange, currency string) string {
	if !p.Set {
		return "—"
	}
	if p.Min.Equal(p.Max) {
		return core.FormatMoney(p.Min, currency)
	}
	return core.FormatMoney(p.Min, currency) + " – " + core.FormatMoney(p.Max, currency)
}

// directoryEntry is one country of the rates directory, summarised by the
// core, so that the edge can share the same summary.
type directoryEntry = deck.CountrySummary

// buildDirectory summarises the rows of ix in force at `at` by country.
func buildDirectory(ix *deck.Index, at time.Time) []directoryEntry {
	return deck.SummarizeCountries(ix.Deck().Rows, at)
}

// directoryQuery is what the directory shows: a search, a region and an order.
type directoryQuery struct {
	Search string    // matches the name, the ISO code or the calling code ("+61")
	Region region.ID // "" for every region
	Sort   string    // "name", "landline" or "mobile"
	Desc   bool
}

// filter returns the entries matching q, in q's order.
func (q directoryQuery) filter(all []directoryEntry) []directoryEntry {
	s := strings.ToLower(strings.TrimSpace(q.Search))
	code := strings.TrimLeft(strings.ReplaceAll(s, " ", ""), "+")
	var out []directoryEntry
	for _, e := range all {
		if q.Region != "" && e.Region != q.Region {
			continue
		}
		if s != "" && !strings.Contains(strings.ToLower(e.Name), s) && strings.ToLower(e.Country) != s &&
			!(code != "" && isDigits(code) && e.CallingCode == code) {
			continue
		}
		out = append(out, e)
	}
	dir := 1
	if q.Desc {
		dir = -1
	}
	cmpPrice := func(a, b deck.PriceRange) int {
		switch {
		case !a.Set && !b.Set:
			return 0
		case !a.Set:
			return 1 // unpriced last, whichever the direction
		case !b.Set:
			return -1
		}
		return dir * a.Min.Cmp(b.Min)
	}
	slices.SortStableFunc(out, func(a, b directoryEntry) int {
		var c int
		switch q.Sort {
		case "landline":
			c = cmpPrice(a.Landline, b.Landline)
		case "mobile":
			c = cmpPrice(a.Mobile, b.Mobile)
		}
		if c == 0 {
			c = dir * cmp.Compare(a.Name, b.Name)
		}
		return c
	})
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// directoryCSV writes entries as CSV: one line per country, prices per minute
// as plain decimals in the deck's currency.
func directoryCSV(entries []directoryEntry, currency string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"country", "iso", "calling_code", "region", "landline_min", "landline_max", "mobile_min", "mobile_max", "currency"})
	str := func(p deck.PriceRange) (string, string) {
		if !p.Set {
			return "", ""
		}
		return p.Min.String(), p.Max.String()
	}
	for _, e := range entries {
		lmin, lmax := str(e.Landline)
		mmin, mmax := str(e.Mobile)
		w.Write([]string{e.Name, e.Country, e.CallingCode, e.RegionName, lmin, lmax, mmin, mmax, currency})
	}
	w.Flush()
	return b.String()
}
