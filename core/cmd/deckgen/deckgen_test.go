// deckgen is a build-time tool that never runs on js/wasm; its tests link
// libphonenumber and walk every numbering plan, which takes over half a minute
// under the Node wasm runner. The generated deck's behaviour on js/wasm is
// tested by core/deck/global, which runs there.
//
//go:build !js

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/e164"
)

const pricesPath = "../../deck/global/prices.csv"

func generateFromFile(t testing.TB) (*deck.Deck, []byte, []byte) {
	t.Helper()
	f, err := os.Open(pricesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := generate(f)
	if err != nil {
		t.Fatal(err)
	}
	csvBytes, snap, err := render(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, csvBytes, snap
}

// TestReproducibleAndCommitted runs the generator twice: the outputs must be
// byte-identical, and identical to the committed files (run `make deck` after
// changing the price list, the generator or libphonenumber).
func TestReproducibleAndCommitted(t *testing.T) {
	_, csv1, snap1 := generateFromFile(t)
	_, csv2, snap2 := generateFromFile(t)
	if !bytes.Equal(csv1, csv2) || !bytes.Equal(snap1, snap2) {
		t.Fatal("two runs of the generator gave different output")
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{csvName, csv1}, {snapshotName, snap1}} {
		committed, err := os.ReadFile(filepath.Join("../../deck/global", f.name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, f.data) {
			t.Errorf("core/deck/global/%s is stale: run `make deck` and commit", f.name)
		}
	}
}

// TestRunWritesFiles runs the command as make does, into a directory.
func TestRunWritesFiles(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(pricesPath, dir, false, &out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{csvName, snapshotName} {
		want, err := os.ReadFile(filepath.Join("../../deck/global", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s written by run differs from the committed one", name)
		}
	}
	if err := run(filepath.Join(dir, "missing.csv"), dir, false, &out); err == nil {
		t.Error("run with a missing price list succeeded")
	}
}

// TestSnapshotMatchesCSV decodes the snapshot and checks it holds the same
// deck as the CSV.
func TestSnapshotMatchesCSV(t *testing.T) {
	snap, err := os.ReadFile("../../deck/global/" + snapshotName)
	if err != nil {
		t.Fatal(err)
	}
	fromSnap, err := deck.DecodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	fromCSV := loadCommitted(t)
	a, b := fromSnap.Deck(), fromCSV.Deck()
	if a.Version != Version || a.Currency != "USD" {
		t.Errorf("snapshot version %q currency %q, want %q USD", a.Version, a.Currency, Version)
	}
	if len(a.Rows) != len(b.Rows) {
		t.Fatalf("snapshot has %d rows, csv %d", len(a.Rows), len(b.Rows))
	}
	for i := range a.Rows {
		if !a.Rows[i].Equal(b.Rows[i]) {
			t.Fatalf("row %d: snapshot %+v, csv %+v", i, a.Rows[i], b.Rows[i])
		}
	}
}

// TestDeckShape checks facts of the generated deck: every calling code has a
// catch-all row, every libphonenumber region appears, prices follow the list.
func TestDeckShape(t *testing.T) {
	ix := loadCommitted(t)
	d := ix.Deck()
	prefixes := map[string]deck.Row{}
	countries := map[string]bool{}
	for _, r := range d.Rows {
		prefixes[r.Prefix] = r
		countries[r.Country] = true
	}
	for _, cc := range e164.CallingCodes() {
		if _, ok := prefixes[cc]; !ok {
			t.Errorf("no catch-all row for calling code +%s", cc)
		}
	}
	// Every region that owns numbers in libphonenumber's eyes has rows. (A
	// few regions share all their ranges with the main region of their
	// calling code, which owns them: Western Sahara's with Morocco, for one.)
	for _, r := range regions() {
		owns := false
		for _, et := range exampleTypes {
			if n := phonenumbers.GetExampleNumberForType(r, et.typ); n != nil && phonenumbers.GetRegionCodeForNumber(n) == r {
				owns = true
			}
		}
		switch {
		case owns && !countries[r]:
			t.Errorf("region %s has no row", r)
		case !countries[r]:
			t.Logf("region %s has no row of its own: libphonenumber attributes its numbers to another region", r)
		}
	}
	tests := []struct {
		digits    string
		country   string
		kind      deck.Kind
		perMinute string
	}{
		{"61299999999", "AU", deck.KindLandline, "0.13"}, // the product documents' example
		{"61412345678", "AU", deck.KindMobile, "0.38"},
		{"61891641234", "CX", deck.KindLandline, "0.13"},
		{"12125550100", "US", deck.KindLandlineOrMobile, "0.012"},
		{"14165550100", "CA", deck.KindLandlineOrMobile, "0.012"},
		{"18005550100", "US", deck.KindTollFree, "0"},
		{"18092345678", "DO", deck.KindLandlineOrMobile, "0.25"},
		{"525512345678", "MX", deck.KindLandlineOrMobile, "0.05"},
		{"442079460000", "GB", deck.KindLandline, "0.02"},
		{"447400123456", "GB", deck.KindMobile, "0.06"},
		{"447797712345", "JE", deck.KindMobile, "0.3"},
		{"441534456789", "JE", deck.KindLandline, "0.04"},
		{"74951234567", "RU", deck.KindLandline, "0.12"},
		{"77710009998", "KZ", deck.KindMobile, "0.08"},
		{"4915123456789", "DE", deck.KindMobile, "0.09"},
		{"8812345678901", "", deck.KindMobile, "4.5"},
	}
	for _, tt := range tests {
		r, ok := ix.Lookup(tt.digits, at)
		if !ok {
			t.Errorf("%s: no row", tt.digits)
			continue
		}
		if r.Country != tt.country || r.Kind != tt.kind || !r.Tariff.Tiers[0].PerMinute.Equal(core.MustParseMoney(tt.perMinute)) {
			t.Errorf("%s: row %s %q %s %s %s, want %s %s %s", tt.digits, r.Prefix, r.Destination, r.Country, r.Kind,
				r.Tariff.Tiers[0].PerMinute, tt.country, tt.kind, tt.perMinute)
		}
	}
}

// TestShortNumbersAreNotCharged: emergency and essential short numbers,
// dialled as the caller types them, must never become a chargeable
// international destination. e164.ParseDial recognises them for the home
// country before anything else, so they never reach a deck lookup; were they
// read as E.164 digits, "112" would hit the +1 catch-all and "999" +9xx rows.
func TestShortNumbersAreNotCharged(t *testing.T) {
	ix := loadCommitted(t)
	tests := []struct {
		home   string
		shorts []string
	}{
		{"GB", []string{"999", "112", "111", "101"}},
		{"US", []string{"911"}},
		{"CA", []string{"911"}},
		{"AU", []string{"000", "112"}},
		{"DE", []string{"112"}},
		{"FR", []string{"112"}},
		{"IE", []string{"112", "999"}},
		{"ES", []string{"112"}},
		{"IT", []string{"112"}},
		{"NL", []string{"112"}},
	}
	for _, tt := range tests {
		for _, s := range tt.shorts {
			for _, dial := range []string{s, " " + s + " "} {
				d, err := e164.ParseDial(dial, tt.home)
				if err != nil {
					t.Errorf("ParseDial(%q, %s): %v", dial, tt.home, err)
					continue
				}
				if d.Number.IsValid() {
					r, _ := ix.Lookup(d.Number.Digits(), at)
					t.Errorf("ParseDial(%q, %s) = number %s: it would be charged as %s %s", dial, tt.home, d.Number, r.Destination, r.Tariff)
					continue
				}
				if d.Short != s || !d.NeverBlocked() || d.Country != tt.home {
					t.Errorf("ParseDial(%q, %s) = %+v, want the never-blocked short number %s of %s", dial, tt.home, d, s, tt.home)
				}
			}
		}
	}
	// Why it matters: as bare digits these strings do match deck rows.
	if r, ok := ix.Lookup("112", at); !ok || r.Prefix != "1" {
		t.Errorf(`Lookup("112") = %v %v; the +1 catch-all was expected to match`, r.Prefix, ok)
	}
}

// TestVersionNamesLibrary keeps Version in step with the phonenumbers module
// actually linked (when the build records it).
func TestVersionNamesLibrary(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info")
	}
	for _, dep := range bi.Deps {
		if dep.Path == "github.com/nyaruka/phonenumbers" {
			if dep.Version != phonenumbersVersion {
				t.Errorf("linked phonenumbers %s, Version says %s: update phonenumbersVersion and run make deck", dep.Version, phonenumbersVersion)
			}
			return
		}
	}
	t.Skip("phonenumbers not listed in build info")
}

func TestPriceListRules(t *testing.T) {
	base := "scope,kind,connection_fee,tiers\n" +
		"global,landline,0,0:0.20/60\nglobal,mobile,0,0:0.35/60\nglobal,toll_free,0,0:0.20/60\n" +
		"global,premium,0.25,0:2.50/60\nglobal,other,0,0:0.45/60\n"
	pl, err := parsePriceList(strings.NewReader(base +
		"au-nz,mobile,0,0:0.38/60\nAU,landline,0,0:0.13/60\nlatam,landline_or_mobile,0,0:0.25/30;30:0.25/6\nMX,mobile,0,0:0.05/60\n+881,mobile,0.5,0:4.5/60\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		country string
		kind    deck.Kind
		prefix  string
		want    string // per-minute price of the first tier
	}{
		{"AU", deck.KindLandline, "61", "0.13"},           // country
		{"AU", deck.KindMobile, "614", "0.38"},            // region
		{"NZ", deck.KindLandline, "64", "0.20"},           // global
		{"AU", deck.KindLandlineOrMobile, "61", "0.38"},   // region's mobile price
		{"JM", deck.KindLandlineOrMobile, "1876", "0.25"}, // region's own landline_or_mobile
		{"MX", deck.KindLandlineOrMobile, "52", "0.05"},   // country mobile beats region
		{"FR", deck.KindLandlineOrMobile, "33", "0.35"},   // global mobile
		{"", deck.KindMobile, "8816", "4.5"},              // calling code
		{"", deck.KindOther, "8816", "0.45"},
	}
	for _, tt := range tests {
		tr, err := pl.tariff(tt.country, tt.kind, tt.prefix)
		if err != nil || !tr.Tiers[0].PerMinute.Equal(core.MustParseMoney(tt.want)) {
			t.Errorf("tariff(%s, %s) = %v, %v; want %s/min", tt.country, tt.kind, tr, err, tt.want)
		}
	}

	bad := []struct{ name, text string }{
		{"header", "scope,kind,fee,tiers\n"},
		{"no global", "scope,kind,connection_fee,tiers\nglobal,landline,0,0:0.2/60\n"},
		{"scope", base + "XX,landline,0,0:0.2/60\n"},
		{"global region", base + "global2,landline,0,0:0.2/60\n"},
		{"calling code", base + "+999,landline,0,0:0.2/60\n"},
		{"kind", base + "AU,fax,0,0:0.2/60\n"},
		{"fee", base + "AU,landline,-1,0:0.2/60\n"},
		{"tiers", base + "AU,landline,0,0:0.2\n"},
		{"tier rules", base + "AU,landline,0,5:0.2/60\n"},
		{"duplicate", base + "AU,landline,0,0:0.2/60\nAU,landline,0,0:0.3/60\n"},
		{"columns", base + "AU,landline,0\n"},
	}
	for _, tt := range bad {
		if _, err := parsePriceList(strings.NewReader(tt.text)); err == nil {
			t.Errorf("%s: parsePriceList accepted bad input", tt.name)
		}
	}
}

func FuzzParsePriceList(f *testing.F) {
	f.Add("scope,kind,connection_fee,tiers\nglobal,landline,0,0:0.20/60\n")
	f.Add("scope,kind,connection_fee,tiers\nAU,mobile,0.1,0:0.38/60;60:0.2/1\n# c\n")
	f.Fuzz(func(t *testing.T, s string) {
		pl, err := parsePriceList(strings.NewReader(s))
		if err != nil {
			return
		}
		for k, tr := range pl.tariffs {
			if err := tr.Validate(); err != nil {
				t.Fatalf("%v: accepted invalid tariff %v: %v", k, tr, err)
			}
		}
	})
}

func TestDestinationNames(t *testing.T) {
	tests := []struct {
		l      label
		prefix string
		want   string
	}{
		{label{"AU", deck.KindMobile}, "614", "Australia - Mobile"},
		{label{"US", deck.KindLandlineOrMobile}, "1", "United States - Landline or Mobile"},
		{label{"MK", deck.KindLandline}, "389", "North Macedonia - Landline"},
		{label{"", deck.KindMobile}, "8816", "+881 Global Mobile Satellite System - Mobile"},
		{label{"", deck.KindTollFree}, "800", "+800 International Freephone - Toll-free"},
	}
	for _, tt := range tests {
		if got := destinationName(tt.l, tt.prefix); got != tt.want {
			t.Errorf("destinationName(%v, %s) = %q, want %q", tt.l, tt.prefix, got, tt.want)
		}
	}
}
