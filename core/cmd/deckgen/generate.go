package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/tollgate-voice/tollgate/core/deck"
)

// Version names the generated deck. It changes when the price list, the
// derivation or the pinned libphonenumber (github.com/nyaruka/phonenumbers in
// go.mod) changes; the test TestVersionNamesLibrary keeps the library part honest.
const (
	phonenumbersVersion = "v1.8.1"
	Version             = "global-demo-2026-11.2 (phonenumbers " + phonenumbersVersion + ")"
)

// effectiveFrom is when the demo prices take effect. It is a constant, not
// the time of the run, so that output is reproducible.
var effectiveFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// generate derives every prefix and prices it with the price list.
func generate(prices io.Reader) (*deck.Deck, error) {
	d, _, err := generateCounting(prices)
	return d, err
}

// generateCounting is generate that also returns the (country, kind) of
// complete numbers the deck cannot tell apart from longer ones by prefix.
func generateCounting(prices io.Reader) (*deck.Deck, []label, error) {
	pl, err := parsePriceList(prices)
	if err != nil {
		return nil, nil, err
	}
	derived, shadowed, err := deriveAll(maxDepth)
	if err != nil {
		return nil, nil, err
	}
	d := &deck.Deck{Version: Version, Currency: "USD", Rows: make([]deck.Row, 0, len(derived))}
	for _, pr := range derived {
		t, err := pl.tariff(pr.label.country, pr.label.kind, pr.prefix)
		if err != nil {
			return nil, nil, err
		}
		d.Rows = append(d.Rows, deck.Row{
			Prefix:        pr.prefix,
			Destination:   destinationName(pr.label, pr.prefix),
			Country:       pr.label.country,
			Kind:          pr.label.kind,
			Tariff:        t,
			EffectiveFrom: effectiveFrom,
		})
	}
	if err := d.Validate(); err != nil {
		return nil, nil, fmt.Errorf("generated deck is invalid: %w", err)
	}
	return d, shadowed, nil
}

// kindNames are the kinds as they read in destination names.
var kindNames = map[deck.Kind]string{
	deck.KindOther:            "Other",
	deck.KindLandline:         "Landline",
	deck.KindMobile:           "Mobile",
	deck.KindLandlineOrMobile: "Landline or Mobile",
	deck.KindTollFree:         "Toll-free",
	deck.KindPremium:          "Premium",
}

// countryNameOverrides replace CLDR short names that read oddly in a rate
// sheet or are out of date.
var countryNameOverrides = map[string]string{
	"HK": "Hong Kong",
	"MO": "Macao",
	"MK": "North Macedonia",
	"SZ": "Eswatini",
	"PS": "Palestine",
	"MM": "Myanmar",
	"CD": "Congo (Democratic Republic)",
	"CG": "Congo (Republic)",
}

// nonGeographicNames are the ITU names of the non-geographic calling codes.
var nonGeographicNames = map[string]string{
	"800": "International Freephone",
	"808": "International Shared Cost",
	"870": "Inmarsat",
	"878": "Universal Personal Telecommunications",
	"881": "Global Mobile Satellite System",
	"882": "International Networks",
	"883": "International Networks",
	"888": "Disaster Relief (OCHA)",
	"979": "International Premium Rate",
}

var regionNames = display.English.Regions()

// countryName returns the English name of an ISO country.
func countryName(iso string) string {
	if n, ok := countryNameOverrides[iso]; ok {
		return n
	}
	r, err := language.ParseRegion(iso)
	if err != nil {
		return iso
	}
	if n := regionNames.Name(r); n != "" {
		return n
	}
	return iso
}

// destinationName is the human name of a row: "Australia - Mobile",
// "+881 Global Mobile Satellite System - Mobile".
func destinationName(l label, prefix string) string {
	var place string
	if l.country != "" {
		place = countryName(l.country)
	} else {
		cc := callingCodeOf(prefix)
		place = "+" + cc
		if n, ok := nonGeographicNames[cc]; ok {
			place += " " + n
		}
	}
	return place + " - " + kindNames[l.kind]
}

// callingCodeOf returns the calling code at the start of an E.164 digit
// string: country calling codes are prefix-free, 1 to 3 digits.
func callingCodeOf(digits string) string {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		cc, _ := strconv.Atoi(digits[:n])
		if isCallingCode(cc) {
			return digits[:n]
		}
	}
	return digits
}
