// deckgen is a build-time tool that never runs on js/wasm; its tests link
// libphonenumber and walk every numbering plan, which takes over half a minute
// under the Node wasm runner. The generated deck's behaviour on js/wasm is
// tested by core/deck/global, which runs there.
//
//go:build !js

package main

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// committedCSV is the generated deck as committed.
const committedCSV = "../../deck/global/global.csv"

// at is a time at which every row of the generated deck is in force.
var at = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// loadCommitted parses the committed CSV deck and indexes it: the tests judge
// the file the edge and the browser actually get.
func loadCommitted(t testing.TB) *deck.Index {
	t.Helper()
	f, err := os.Open(committedCSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := deck.NewIndex(d)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// libKind maps libphonenumber's verdict on a number to the deck kind it
// must get. FIXED_LINE_OR_MOBILE is the deck's landline_or_mobile.
func libKind(t phonenumbers.PhoneNumberType) (deck.Kind, bool) {
	switch t {
	case phonenumbers.FIXED_LINE:
		return deck.KindLandline, true
	case phonenumbers.MOBILE:
		return deck.KindMobile, true
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return deck.KindLandlineOrMobile, true
	case phonenumbers.TOLL_FREE:
		return deck.KindTollFree, true
	case phonenumbers.PREMIUM_RATE:
		return deck.KindPremium, true
	case phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER,
		phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL:
		return deck.KindOther, true
	}
	return deck.KindOther, false
}

func e164Digits(n *phonenumbers.PhoneNumber) string {
	return strconv.Itoa(int(n.GetCountryCode())) + phonenumbers.GetNationalSignificantNumber(n)
}

// regions returns libphonenumber's regions, sorted.
func regions() []string {
	var out []string
	for r := range phonenumbers.GetSupportedRegions() {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

var exampleTypes = []struct {
	name string
	typ  phonenumbers.PhoneNumberType
}{
	{"mobile", phonenumbers.MOBILE},
	{"fixed_line", phonenumbers.FIXED_LINE},
	{"toll_free", phonenumbers.TOLL_FREE},
	{"premium_rate", phonenumbers.PREMIUM_RATE},
}

// tally counts agreement between the deck and libphonenumber.
type tally struct {
	numbers, kindOK, countryOK int
	misses                     []string
}

func (c *tally) check(ix *deck.Index, n *phonenumbers.PhoneNumber, what string) bool {
	want, ok := libKind(phonenumbers.GetNumberType(n))
	if !ok {
		return false // libphonenumber does not consider it a valid number
	}
	country := phonenumbers.GetRegionCodeForNumber(n)
	if country == nonGeographic {
		country = ""
	}
	c.numbers++
	digits := e164Digits(n)
	row, found := ix.Lookup(digits, at)
	if found && row.Kind == want {
		c.kindOK++
	}
	if found && row.Country == country {
		c.countryOK++
	}
	if !found || row.Kind != want || row.Country != country {
		c.misses = append(c.misses, what+" +"+digits+": libphonenumber "+country+" "+want.String()+
			", deck "+row.Country+" "+row.Kind.String()+" (row "+row.Prefix+")")
	}
	return true
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// TestExampleNumbersAgree checks libphonenumber's own example numbers of every
// region against the deck's longest-prefix lookup: the kind (as
// libphonenumber's GetNumberType reports it for the example: NANP examples
// are FIXED_LINE_OR_MOBILE, which is the deck's landline_or_mobile) and the
// country (GetRegionCodeForNumber: the Australian mobile example listed for
// Christmas Island belongs to AU, for instance).
func TestExampleNumbersAgree(t *testing.T) {
	ix := loadCommitted(t)
	var all tally
	for _, et := range exampleTypes {
		var c tally
		listed := 0
		for _, r := range regions() {
			n := phonenumbers.GetExampleNumberForType(r, et.typ)
			if n == nil {
				continue
			}
			listed++
			c.check(ix, n, r+" "+et.name)
		}
		t.Logf("%-12s %3d examples (%d listed): kind %5.1f%%, country %5.1f%%",
			et.name, c.numbers, listed, pct(c.kindOK, c.numbers), pct(c.countryOK, c.numbers))
		for _, m := range c.misses {
			t.Logf("    miss: %s", m)
		}
		if c.numbers < 100 {
			t.Errorf("%s: only %d example numbers checked", et.name, c.numbers)
		}
		if pct(c.kindOK, c.numbers) < 99 {
			t.Errorf("%s: kind agreement %.2f%% < 99%%", et.name, pct(c.kindOK, c.numbers))
		}
		if c.countryOK != c.numbers {
			t.Errorf("%s: country agreement %d/%d, want all", et.name, c.countryOK, c.numbers)
		}
		all.numbers += c.numbers
		all.kindOK += c.kindOK
		all.countryOK += c.countryOK
	}
	t.Logf("%-12s %3d examples: kind %5.1f%%, country %5.1f%%", "all", all.numbers, pct(all.kindOK, all.numbers), pct(all.countryOK, all.numbers))

	// The non-geographic codes (+800, +881, ...) have no country.
	var ng tally
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if n := phonenumbers.GetExampleNumberForNonGeoEntity(cc); n != nil {
			ng.check(ix, n, "+"+strconv.Itoa(cc))
		}
	}
	t.Logf("%-12s %3d examples: kind %5.1f%%, country %5.1f%%", "non-geo", ng.numbers, pct(ng.kindOK, ng.numbers), pct(ng.countryOK, ng.numbers))
	if ng.numbers == 0 || ng.kindOK != ng.numbers || ng.countryOK != ng.numbers {
		t.Errorf("non-geographic examples: %d numbers, %d kinds and %d countries agree: %v", ng.numbers, ng.kindOK, ng.countryOK, ng.misses)
	}
}

// TestSampledNumbersAgree goes beyond the one example per type: it varies the
// digits of every example (deterministically) and checks every variant that
// libphonenumber calls valid. This probes the other ranges of each plan.
func TestSampledNumbersAgree(t *testing.T) {
	ix := loadCommitted(t)
	rng := rand.New(rand.NewPCG(3, 22))
	variants := 9
	if testing.Short() {
		variants = 3
	}
	var c tally
	perKind := map[deck.Kind]*tally{}
	tried := 0
	for _, r := range regions() {
		for _, et := range exampleTypes {
			ex := phonenumbers.GetExampleNumberForType(r, et.typ)
			if ex == nil {
				continue
			}
			nsn := phonenumbers.GetNationalSignificantNumber(ex)
			for v := 0; v < variants; v++ {
				// keep the first 1..3 digits, redraw the rest
				keep := 1 + v%3
				if keep >= len(nsn) {
					keep = len(nsn) - 1
				}
				b := []byte(nsn)
				for i := keep; i < len(b); i++ {
					b[i] = byte('0' + rng.IntN(10))
				}
				n := &phonenumbers.PhoneNumber{}
				if err := phonenumbers.ParseToNumber("+"+strconv.Itoa(int(ex.GetCountryCode()))+string(b), "ZZ", n); err != nil {
					continue
				}
				tried++
				want, ok := libKind(phonenumbers.GetNumberType(n))
				if !ok {
					continue
				}
				if perKind[want] == nil {
					perKind[want] = &tally{}
				}
				perKind[want].check(ix, n, r)
				c.check(ix, n, r)
			}
		}
	}
	t.Logf("%d variants tried, %d valid: kind %.2f%%, country %.2f%%", tried, c.numbers, pct(c.kindOK, c.numbers), pct(c.countryOK, c.numbers))
	for k := deck.KindOther; k.IsValid(); k++ {
		if p := perKind[k]; p != nil {
			t.Logf("  %-20s %5d: kind %6.2f%%, country %6.2f%%", k, p.numbers, pct(p.kindOK, p.numbers), pct(p.countryOK, p.numbers))
		}
	}
	for i, m := range c.misses {
		if i == 20 {
			t.Logf("    ... %d more", len(c.misses)-20)
			break
		}
		t.Logf("    miss: %s", m)
	}
	if c.numbers < 3000 && !testing.Short() {
		t.Errorf("only %d valid variants", c.numbers)
	}
	if pct(c.kindOK, c.numbers) < 99 {
		t.Errorf("kind agreement %.2f%% < 99%%", pct(c.kindOK, c.numbers))
	}
	if c.countryOK != c.numbers {
		t.Errorf("country agreement %d/%d, want all", c.countryOK, c.numbers)
	}
}
