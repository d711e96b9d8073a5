// deckgen is a build-time tool that never runs on js/wasm (see derive_test.go).
//
//go:build !js

package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// TestTerritoryRangesOfMainCountry: where a calling code's main country and a
// territory share a range, the numbers libphonenumber knows keep their own
// answers and the rest of the range is the main country's. Ofcom's drama
// range 07700 900xxx (the UK mobile number everyone types as an example) is
// not valid for libphonenumber, but it sits in 07700, whose 3/7/8 blocks are
// Jersey's mobiles: it must be priced as a UK mobile, not as Jersey.
func TestTerritoryRangesOfMainCountry(t *testing.T) {
	ix := loadCommitted(t)
	ukMobile, ok := ix.Lookup("447400123456", at) // an ordinary UK mobile
	if !ok || ukMobile.Country != "GB" || ukMobile.Kind != deck.KindMobile {
		t.Fatalf("+447400123456: %+v %v, want a GB mobile row", ukMobile, ok)
	}
	tests := []struct {
		number  string
		valid   bool // libphonenumber's verdict, checked too
		country string
		kind    deck.Kind
	}{
		{"+447700900123", false, "GB", deck.KindMobile}, // Ofcom drama range
		{"+447700900000", false, "GB", deck.KindMobile},
		{"+447700200123", false, "GB", deck.KindMobile},
		{"+447700000123", true, "GB", deck.KindMobile},
		{"+447700100123", true, "GB", deck.KindMobile},
		{"+447700300123", true, "JE", deck.KindMobile}, // Jersey's own blocks stay Jersey's
		{"+447700700123", true, "JE", deck.KindMobile},
		{"+447700800123", true, "JE", deck.KindMobile},
		{"+447797123456", true, "JE", deck.KindMobile},
		{"+447781123456", true, "GG", deck.KindMobile},
		{"+447624123456", true, "IM", deck.KindMobile},
	}
	for _, tt := range tests {
		n, err := phonenumbers.Parse(tt.number, "ZZ")
		if err != nil {
			t.Fatalf("%s: %v", tt.number, err)
		}
		if got := phonenumbers.IsValidNumber(n); got != tt.valid {
			t.Errorf("%s: libphonenumber valid=%v, the test assumes %v", tt.number, got, tt.valid)
		}
		if tt.valid {
			if r := phonenumbers.GetRegionCodeForNumber(n); r != tt.country {
				t.Errorf("%s: libphonenumber says %s, the test assumes %s", tt.number, r, tt.country)
			}
		}
		row, ok := ix.Lookup(tt.number[1:], at)
		if !ok || row.Country != tt.country || row.Kind != tt.kind {
			t.Errorf("%s: deck row %s %q %s %s, want %s %s", tt.number, row.Prefix, row.Destination, row.Country, row.Kind, tt.country, tt.kind)
			continue
		}
		if tt.country == "GB" && !row.Tariff.Price(60).Equal(ukMobile.Tariff.Price(60)) {
			t.Errorf("%s: a minute costs %s, a UK mobile minute %s", tt.number, row.Tariff.Price(60), ukMobile.Tariff.Price(60))
		}
	}
}

// TestInvalidNumbersNotTerritories is the property behind the Jersey case,
// for every calling code libphonenumber shares between several regions (+1,
// +7, +44, +61, +262, +590, +47, +358, +599, ...): a number libphonenumber
// calls invalid is never answered by a row of a territory (a region other
// than the code's main one) whose range also holds rows of the main country.
// Such a row is a mixed range whose catch-all went to the territory; an
// unknown number in it must get the main country's answer. A row whose whole
// range belongs to one territory (a Caribbean area code under +1) keeps the
// invalid numbers of its range: they are that territory's, if anyone's.
//
// Numbers are sampled near the rows of each code: a random row's prefix,
// extended with random digits to a possible length of the main region.
func TestInvalidNumbersNotTerritories(t *testing.T) {
	ix := loadCommitted(t)
	rows := ix.Deck().Rows
	perCode := 3000
	if testing.Short() {
		perCode = 500
	}
	rng := rand.New(rand.NewPCG(7, 700))
	var codes []int
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 1 {
			codes = append(codes, cc)
		}
	}
	slices.Sort(codes)
	if len(codes) < 9 {
		t.Fatalf("only %d shared calling codes", len(codes))
	}
	totalInvalid, totalBad := 0, 0
	for _, code := range codes {
		cc := strconv.Itoa(code)
		main := phonenumbers.GetRegionCodeForCountryCode(code)
		var own []deck.Row
		hasMainBelow := map[string]bool{} // proper prefixes of main-country rows
		for _, r := range rows {
			if callingCodeOf(r.Prefix) != cc {
				continue
			}
			own = append(own, r)
			if r.Country == main {
				for n := len(cc); n < len(r.Prefix); n++ {
					hasMainBelow[r.Prefix[:n]] = true
				}
			}
		}
		lengths := metadataFor(main, code).GetGeneralDesc().PossibleLength
		if len(own) == 0 || len(lengths) == 0 {
			t.Fatalf("+%s: %d rows, lengths %v", cc, len(own), lengths)
		}
		invalid, bad := 0, 0
		var examples []string
		for i := 0; i < perCode; i++ {
			prefix := own[rng.IntN(len(own))].Prefix
			size := len(cc) + int(lengths[rng.IntN(len(lengths))])
			if size < len(prefix) {
				continue
			}
			var b strings.Builder
			b.WriteString(prefix)
			for b.Len() < size {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			digits := b.String()
			n, err := phonenumbers.Parse("+"+digits, "ZZ")
			if err != nil || phonenumbers.IsValidNumber(n) {
				continue
			}
			invalid++
			row, ok := ix.Lookup(digits, at)
			if !ok {
				t.Fatalf("+%s: no row", digits)
			}
			if row.Country != main && hasMainBelow[row.Prefix] {
				bad++
				if len(examples) < 5 {
					examples = append(examples, "+"+digits+" → "+row.Prefix+" "+row.Destination)
				}
			}
		}
		t.Logf("+%-4s %-3s main, %d regions: %4d invalid numbers sampled, %d attributed to a territory in a mixed range %v",
			cc, main, len(phonenumbers.GetRegionCodesForCountryCode(code)), invalid, bad, examples)
		if invalid < perCode/20 {
			t.Errorf("+%s: only %d invalid numbers among %d samples: the sampling does not probe the gaps", cc, invalid, perCode)
		}
		totalInvalid += invalid
		totalBad += bad
	}
	t.Logf("%d shared calling codes: %d invalid numbers sampled, %d attributed to a territory in a mixed range", len(codes), totalInvalid, totalBad)
	if totalBad > 0 {
		t.Errorf("%d invalid numbers are answered by a territory's catch-all although the main country has rows in the same range", totalBad)
	}
}
