package region_test

import (
	"fmt"
	"testing"

	"github.com/tollgate-voice/tollgate/core/region"
)

func TestEveryCountryInExactlyOneRegion(t *testing.T) {
	seen := map[string]region.ID{}
	for _, r := range region.All() {
		if r.ID == region.Global {
			t.Fatalf("All() includes Global")
		}
		if len(r.Countries) == 0 {
			t.Errorf("%s has no countries", r.ID)
		}
		for _, c := range r.Countries {
			if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
				t.Errorf("%s: %q is not an upper-case alpha-2 code", r.ID, c)
			}
			if prev, ok := seen[c]; ok {
				t.Errorf("%s in %s and %s", c, prev, r.ID)
			}
			seen[c] = r.ID
			if got := region.Of(c); got != r.ID {
				t.Errorf("Of(%s) = %s, want %s", c, got, r.ID)
			}
		}
	}
	g, ok := region.Lookup(region.Global)
	if !ok || len(g.Countries) != len(seen) {
		t.Fatalf("Global has %d countries, regions list %d", len(g.Countries), len(seen))
	}
	if len(seen) < 230 {
		t.Errorf("only %d countries in regions; want the whole world", len(seen))
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		id      region.ID
		country string
		want    bool
	}{
		{region.USCanada, "US", true},
		{region.USCanada, "CA", true},
		{region.USCanada, "GB", false},
		{region.UKEurope, "GB", true},
		{region.UKEurope, "gb", true},
		{region.UKEurope, "DE", true},
		{region.UKEurope, "AU", false},
		{region.AustraliaNZ, "AU", true},
		{region.AustraliaNZ, "NZ", true},
		{region.AustraliaNZ, "JP", false},
		{region.Global, "JP", true},
		{region.Global, "ZZ", true},
		{region.Global, "", false},
		{"", "US", false},
		{"nowhere", "US", false},
	}
	for _, tt := range tests {
		if got := region.Covers(tt.id, tt.country); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", tt.id, tt.country, got, tt.want)
		}
	}
}

func TestInternationalAndNames(t *testing.T) {
	if region.International(region.USCanada) || !region.International(region.UKEurope) || !region.International(region.Global) {
		t.Error("International: US & Canada is domestic, the others are international")
	}
	if region.ID("nowhere").Valid() || !region.Global.Valid() || !region.Asia.Valid() {
		t.Error("Valid")
	}
	if region.Of("XX") != "" {
		t.Error("Of(unknown) must be empty")
	}
}

func ExampleOf() {
	for _, c := range []string{"GB", "AU", "CA", "BR", "JP", "ZA"} {
		fmt.Println(c, region.Of(c), region.Of(c).Name())
	}
	// Output:
	// GB uk-eu UK & Europe
	// AU au-nz Australia & New Zealand
	// CA us-ca US & Canada
	// BR latam Latin America & Caribbean
	// JP asia Asia & Pacific
	// ZA mea Middle East & Africa
}
