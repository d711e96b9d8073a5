package deck_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core/deck"
)

const summaryHeader = "prefix,destination,country,kind,connection_fee,rate,initial_increment,subsequent_increment,tiers,effective_from,effective_to,currency\n"

func summaryRows(t testing.TB, lines string) []deck.Row {
	t.Helper()
	d, err := deck.ParseCSV(strings.NewReader(summaryHeader + lines))
	if err != nil {
		t.Fatal(err)
	}
	return d.Rows
}

// rangeText writes a range as "min..max", "min" or "-" for the tests.
func rangeText(p deck.PriceRange) string {
	switch {
	case !p.Set:
		return "-"
	case p.Min.Equal(p.Max):
		return p.Min.String()
	}
	return p.Min.String() + ".." + p.Max.String()
}

func TestSummarizeCountries(t *testing.T) {
	nov := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		lines string
		at    time.Time
		want  []string // "ISO name +code region landline mobile shared"
	}{
		{"landline and mobile", "61,Australia,AU,landline,0,0.13,60,60,,2026-01-01,,USD\n614,Australia Mobile,AU,mobile,0,0.38,60,60,,2026-01-01,,USD\n",
			nov, []string{"AU Australia +61 au-nz 0.13 0.38 false"}},
		{"range of several mobile prefixes", "44,United Kingdom,GB,landline,0,0.02,30,6,,,,USD\n447,United Kingdom - Mobile,GB,mobile,0,0.05,60,60,,,,USD\n4479,United Kingdom - Mobile Vodafone,GB,mobile,0,0.09,60,60,,,,USD\n",
			nov, []string{"GB United Kingdom +44 uk-eu 0.02 0.05..0.09 false"}},
		{"only the rows in force at the time asked", "44,United Kingdom,GB,landline,0,0.025,30,6,,2026-01-01,2026-12-01,USD\n44,United Kingdom,GB,landline,0,0.02,30,6,,2026-12-01,,USD\n",
			nov, []string{"GB United Kingdom +44 uk-eu 0.025 - false"}},
		{"the same deck a month later", "44,United Kingdom,GB,landline,0,0.025,30,6,,2026-01-01,2026-12-01,USD\n44,United Kingdom,GB,landline,0,0.02,30,6,,2026-12-01,,USD\n",
			nov.AddDate(0, 1, 0), []string{"GB United Kingdom +44 uk-eu 0.02 - false"}},
		{"NANP: one plan prices both columns", "1,United States / Canada,US,landline_or_mobile,0,0.01,6,6,,,,USD\n",
			nov, []string{"US United States / Canada +1 us-ca 0.01 0.01 true"}},
		{"landline_or_mobile fills only the missing column", "52,Mexico,MX,landline,0,0.03,60,60,,,,USD\n521,Mexico Other,MX,landline_or_mobile,0,0.07,60,60,,,,USD\n",
			nov, []string{"MX Mexico +52 latam 0.03 0.07 false"}},
		{"first tier's price", "33,France,FR,landline,0,,,,0:0.05/60;60:0.02/1,,,USD\n",
			nov, []string{"FR France +33 uk-eu 0.05 - false"}},
		{"premium, toll-free and non-geographic rows left out", "449,United Kingdom Premium,GB,premium,0.10,1.50,60,60,,,,USD\n800,International Freephone,,toll_free,0,0,60,60,,,,USD\n882,Satellite,,other,0,2.00,60,60,,,,USD\n",
			nov, nil},
		{"sorted by name, not by code", "64,New Zealand,NZ,landline,0,0.10,60,60,,,,USD\n61,Australia,AU,landline,0,0.13,60,60,,,,USD\n",
			nov, []string{"AU Australia +61 au-nz 0.13 - false", "NZ New Zealand +64 au-nz 0.1 - false"}},
		{"mobile only: the name from the mobile row", "6598,Singapore - Mobile,SG,mobile,0,0.04,60,60,,,,USD\n",
			nov, []string{"SG Singapore +65 asia - 0.04 false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range deck.SummarizeCountries(summaryRows(t, tt.lines), tt.at) {
				got = append(got, fmt.Sprintf("%s %s +%s %s %s %s %v", s.Country, s.Name, s.CallingCode, s.Region, rangeText(s.Landline), rangeText(s.Mobile), s.Shared))
				if s.RegionName == "" {
					t.Errorf("%s: no region name", s.Country)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSummarizeCountriesEmpty(t *testing.T) {
	if got := deck.SummarizeCountries(nil, time.Now()); got == nil || len(got) != 0 {
		t.Errorf("no rows: %v, want an empty (non-nil) list", got)
	}
}

func TestPriceRangeAdd(t *testing.T) {
	var p deck.PriceRange
	if p.Set {
		t.Fatal("the zero range is set")
	}
	for _, s := range []string{"0.20", "0.13", "0.5", "0.13"} {
		d := summaryRows(t, "61,X,AU,landline,0,"+s+",60,60,,,,USD\n")[0].Tariff.Tiers[0].PerMinute
		p.Add(d)
	}
	if got := rangeText(p); got != "0.13..0.5" {
		t.Errorf("range = %s, want 0.13..0.5", got)
	}
}

// The rates directory: per country, what a minute to a landline and to a
// mobile costs, from the rows in force now.
func ExampleSummarizeCountries() {
	d, err := deck.ParseCSV(strings.NewReader(`prefix,destination,country,kind,rate
61,Australia,AU,landline,0.13
614,Australia Mobile,AU,mobile,0.38
1,United States / Canada,US,landline_or_mobile,0.01
`))
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, c := range deck.SummarizeCountries(d.Rows, at) {
		fmt.Printf("%s (+%s, %s): landline %s, mobile %s, shared %v\n",
			c.Name, c.CallingCode, c.RegionName, c.Landline.Min, c.Mobile.Min, c.Shared)
	}
	// Output:
	// Australia (+61, Australia & New Zealand): landline 0.13, mobile 0.38, shared false
	// United States / Canada (+1, US & Canada): landline 0.01, mobile 0.01, shared true
}
