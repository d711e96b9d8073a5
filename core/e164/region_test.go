package e164_test

import (
	"testing"

	"github.com/tollgate-voice/tollgate/core/e164"
)

func TestNumberRegion(t *testing.T) {
	tests := []struct{ number, region string }{
		{"+12125550100", "US"},
		{"+14165550199", "CA"}, // Toronto
		{"+16045550199", "CA"}, // Vancouver
		{"+18765550100", "JM"},
		{"+12425550100", "BS"},
		{"+17875550100", "PR"},
		{"+18685550100", "TT"},
		{"+18005550199", "US"}, // toll-free: the main region
		{"+442079460000", "GB"},
		{"+441481123456", "GG"},
		{"+441534123456", "JE"},
		{"+441624123456", "IM"},
		{"+447781123456", "GG"},
		{"+447700900123", "GB"},
		{"+74951234567", "RU"},
		{"+77011234567", "KZ"},
		{"+61299999999", "AU"},
		{"+61891620000", "CC"},
		{"+390612345678", "IT"},
		{"+390669812345", "VA"},
		{"+358181234567", "AX"},
		{"+4930123456", "DE"},
		{"+80012345678", "001"},
	}
	for _, tt := range tests {
		if got := e164.MustParseNumber(tt.number).Region(); got != tt.region {
			t.Errorf("%s.Region() = %q, want %q", tt.number, got, tt.region)
		}
	}
	if got := (e164.Number{}).Region(); got != "" {
		t.Errorf("zero Number Region() = %q", got)
	}
	// Every region's own numbers come back to it or to a region of the same
	// calling code.
	for _, iso := range e164.Countries() {
		c, _ := e164.CountryInfo(iso)
		found := false
		for _, r := range e164.CallingCodeRegions(c.CallingCode) {
			found = found || r == iso
		}
		if !found {
			t.Errorf("%s is not among the regions of +%s", iso, c.CallingCode)
		}
	}
}

func BenchmarkNumberRegion(b *testing.B) {
	n := e164.MustParseNumber("+14165550199")
	b.ReportAllocs()
	for b.Loop() {
		sinkString = n.Region()
	}
}
