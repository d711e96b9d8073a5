package deck

import (
	"os"
	"testing"
	"time"

	"github.com/tollgate-voice/tollgate/core"
)

func loadSample(t testing.TB) *Deck {
	t.Helper()
	f, err := os.Open("testdata/sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSampleDeck(t *testing.T) {
	ix, err := NewIndex(loadSample(t))
	if err != nil {
		t.Fatal(err)
	}
	nov := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		digits    string
		at        time.Time
		prefix    string
		kind      Kind
		country   string
		price61   string // a 61-second call
		maxFor1   int    // MaxSeconds(US$1.00)
		wantFound bool
	}{
		{"61299999999", nov, "61", KindLandline, "AU", "0.26", 420, true},
		{"61412345678", nov, "614", KindMobile, "AU", "0.76", 120, true},
		{"442079460000", nov, "44", KindLandline, "GB", "0.0275", 2400, true}, // 0.025 at 30/6: 66 s
		{"442079460000", dec, "44", KindLandline, "GB", "0.022", 3000, true},  // new rate from Dec 1st
		{"447700900123", nov, "447", KindMobile, "GB", "0.055", 1200, true},   // 30/6
		{"12125550100", nov, "1", KindLandlineOrMobile, "US", "0.011", 6000, true},
		{"18005550100", nov, "1800", KindTollFree, "US", "0", Unlimited, true},
		{"3312345678", nov, "33", KindLandline, "FR", "0.0503", 2910, true}, // first minute 0.05, then 0.02 per second
		{"999", nov, "", KindOther, "", "0", 0, false},
		{"61299999999", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), "", KindOther, "", "0", 0, false},
	}
	for _, tt := range tests {
		r, ok := ix.Lookup(tt.digits, tt.at)
		if ok != tt.wantFound || r.Prefix != tt.prefix || r.Kind != tt.kind || r.Country != tt.country {
			t.Errorf("Lookup(%s, %s) = %q %v %q, %v; want %q %v %q, %v", tt.digits, tt.at, r.Prefix, r.Kind, r.Country, ok, tt.prefix, tt.kind, tt.country, tt.wantFound)
			continue
		}
		if !ok {
			continue
		}
		if got := r.Tariff.Price(61); !got.Equal(core.MustParseMoney(tt.price61)) {
			t.Errorf("%s: Price(61) = %s, want %s", tt.digits, got, tt.price61)
		}
		if got := r.Tariff.MaxSeconds(core.MustParseMoney("1")); got != tt.maxFor1 {
			t.Errorf("%s: MaxSeconds(1.00) = %d, want %d", tt.digits, got, tt.maxFor1)
		}
	}
}
