package portal

import (
	"cmp"
	"encoding/csv"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/core/region"
)

// priceRange is the lowest and highest price per minute of a set of deck
// rows (a country's mobile prefixes, say). Set is false when there are none.
type priceRange struct {
	Min, Max decimal.Decimal
	Set      bool
}

func (p *priceRange) add(d decimal.Decimal) {
	if !p.Set {
		p.Min, p.Max, p.Set = d, d, true
		return
	}
	if d.LessThan(p.Min) {
		p.Min = d
	}
	if d.GreaterThan(p.Max) {
		p.Max = d
	}
}

// format writes the range for people: "US$0.13", "US$0.13 – US$0.20", or "—".
func (p priceRange) format(currency string) string {
	if !p.Set {
		return "—"
	}
	if p.Min.Equal(p.Max) {
		return formatMoney(p.Min, currency)
	}
	return formatMoney(p.Min, currency) + " – " + formatMoney(p.Max, currency)
}

// directoryEntry is one country of the rates directory.
type directoryEntry struct {
	Country     string // ISO code
	Name        string // "Australia"
	CallingCode string // "61"
	Region      region.ID
	RegionName  string
	Landline    priceRange // landline prices per minute (first tier)
	Mobile      priceRange // mobile prices per minute
	Shared      bool       // one numbering plan for both (NANP): the same rows priced both columns
}

// buildDirectory summarises the rows of ix in force at `at` by country:
// the range of landline and of mobile prices per minute. Where a numbering
// plan cannot tell landlines from mobiles (landline_or_mobile), those rows
// price both columns. Non-geographic codes (no country) are left out.
func buildDirectory(ix *deck.Index, at time.Time) []directoryEntry {
	type acc struct {
		e                directoryEntry
		both             priceRange
		landName, anyNam string
	}
	byCountry := map[string]*acc{}
	for _, row := range ix.Deck().Rows {
		if row.Country == "" || !row.InForce(at) || len(row.Tariff.Tiers) == 0 {
			continue
		}
		a := byCountry[row.Country]
		if a == nil {
			a = &acc{e: directoryEntry{Country: row.Country}}
			byCountry[row.Country] = a
		}
		rate := row.Tariff.Tiers[0].PerMinute
		switch row.Kind {
		case deck.KindLandline:
			a.e.Landline.add(rate)
			if a.landName == "" {
				a.landName = row.Destination
			}
		case deck.KindMobile:
			a.e.Mobile.add(rate)
		case deck.KindLandlineOrMobile:
			a.both.add(rate)
		}
		if a.anyNam == "" || row.Kind == deck.KindLandlineOrMobile {
			a.anyNam = row.Destination
		}
	}
	out := make([]directoryEntry, 0, len(byCountry))
	for iso, a := range byCountry {
		e := a.e
		if a.both.Set {
			if !e.Landline.Set && !e.Mobile.Set {
				e.Shared = true
			}
			if !e.Landline.Set {
				e.Landline = a.both
			}
			if !e.Mobile.Set {
				e.Mobile = a.both
			}
		}
		if !e.Landline.Set && !e.Mobile.Set {
			continue // only toll-free, premium or other numbers: not a calling destination
		}
		e.Name = countryName(cmp.Or(a.landName, a.anyNam), iso)
		if c, ok := e164.CountryInfo(iso); ok {
			e.CallingCode = c.CallingCode
		}
		e.Region = region.Of(iso)
		if r, ok := region.Lookup(e.Region); ok {
			e.RegionName = r.Name
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b directoryEntry) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// countryName takes the country's name from a row's destination
// ("Australia - Mobile" → "Australia").
func countryName(destination, iso string) string {
	if i := strings.Index(destination, " - "); i > 0 {
		return destination[:i]
	}
	if destination == "" {
		return iso
	}
	return destination
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
	cmpPrice := func(a, b priceRange) int {
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
	str := func(p priceRange) (string, string) {
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
