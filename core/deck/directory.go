package deck

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/e164"
	"github.com/tollgate-voice/tollgate/core/region"
)

// PriceRange is the lowest and highest price per minute of a set of rows (a
// country's mobile prefixes, say). Set is false when the set is empty.
type PriceRange struct {
	Min, Max decimal.Decimal
	Set      bool
}

// Add widens the range to include d.
func (p *PriceRange) Add(d decimal.Decimal) {
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

// CountrySummary is what calls to one country cost: the range of prices per
// minute to its landlines and to its mobiles, as a rates directory shows it.
type CountrySummary struct {
	Country     string // ISO 3166-1 alpha-2
	Name        string // "Australia", taken from the rows' destinations
	CallingCode string // "61"; "" when the country is not in the numbering tables
	Region      region.ID
	RegionName  string
	Landline    PriceRange // first-tier prices per minute of the landline rows
	Mobile      PriceRange // first-tier prices per minute of the mobile rows
	// Shared says that the country's numbering plan does not tell landlines
	// from mobiles (NANP): the same landline_or_mobile rows priced both
	// columns.
	Shared bool
}

// SummarizeCountries summarises the rows in force at `at` by country,
// sorted by name: the range of landline and of mobile prices per minute (the
// first tier's price, which is what a call of a minute or two costs per
// minute). Rows of kind landline_or_mobile price a column that has no rows
// of its own kind. Non-geographic rows (no country) and countries with only
// toll-free, premium or other rows are left out: they are not destinations
// one looks up a calling price for.
func SummarizeCountries(rows []Row, at time.Time) []CountrySummary {
	type acc struct {
		s             CountrySummary
		both          PriceRange
		landName, any string
	}
	byCountry := map[string]*acc{}
	for i := range rows {
		row := &rows[i]
		if row.Country == "" || !row.InForce(at) || len(row.Tariff.Tiers) == 0 {
			continue
		}
		a := byCountry[row.Country]
		if a == nil {
			a = &acc{s: CountrySummary{Country: row.Country}}
			byCountry[row.Country] = a
		}
		rate := row.Tariff.Tiers[0].PerMinute
		switch row.Kind {
		case KindLandline:
			a.s.Landline.Add(rate)
			if a.landName == "" {
				a.landName = row.Destination
			}
		case KindMobile:
			a.s.Mobile.Add(rate)
		case KindLandlineOrMobile:
			a.both.Add(rate)
		}
		if a.any == "" || row.Kind == KindLandlineOrMobile {
			a.any = row.Destination
		}
	}
	out := make([]CountrySummary, 0, len(byCountry))
	for iso, a := range byCountry {
		s := a.s
		if a.both.Set {
			s.Shared = !s.Landline.Set && !s.Mobile.Set
			if !s.Landline.Set {
				s.Landline = a.both
			}
			if !s.Mobile.Set {
				s.Mobile = a.both
			}
		}
		if !s.Landline.Set && !s.Mobile.Set {
			continue
		}
		s.Name = countryName(cmp.Or(a.landName, a.any), iso)
		if c, ok := e164.CountryInfo(iso); ok {
			s.CallingCode = c.CallingCode
		}
		s.Region = region.Of(iso)
		if r, ok := region.Lookup(s.Region); ok {
			s.RegionName = r.Name
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b CountrySummary) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Country, b.Country))
	})
	return out
}

// countryName takes the country's name from a row's destination
// ("Australia - Mobile" → "Australia"); without one, the ISO code.
func countryName(destination, iso string) string {
	if i := strings.Index(destination, " - "); i > 0 {
		return destination[:i]
	}
	if destination == "" {
		return iso
	}
	return destination
}
