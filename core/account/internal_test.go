package account

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tollgate-voice/tollgate/core/region"
)

// TestCountrySetMatchesRegion checks the bit sets of the demo packages
// against the slow obvious definition, region.Covers, for every two-letter
// code.
func TestCountrySetMatchesRegion(t *testing.T) {
	c := DemoCatalog()
	for i, p := range c.products {
		if p.Category != CategoryPackage {
			continue
		}
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				code := string([]rune{a, b})
				if got, want := c.sets[i].has(code), region.Covers(p.Region, code); got != want {
					t.Fatalf("%s covers %s: %v, region.Covers says %v", p.Code, code, got, want)
				}
			}
		}
	}
	var s countrySet
	for _, bad := range []string{"", "G", "gb", "GBR", "G1"} {
		if s.has(bad) || countryIndex(bad) != -1 {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestCrossedUnitsMatchesCrossed checks the integer fast path of the
// threshold notices against the decimal Crossed.
func TestCrossedUnitsMatchesCrossed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	th := []int{25, 50, 80, 90, 100}
	for range 20000 {
		limit := r.Int64N(2000)
		before := r.Int64N(2500)
		after := before + r.Int64N(800)
		got := crossedUnits(nil, MeterCap, th, limit, before, after)
		want := Crossed(th, fromUnits(limit), fromUnits(before), fromUnits(after))
		var gotP []int
		for _, n := range got {
			gotP = append(gotP, n.Percent)
		}
		if !slices.Equal(gotP, want) {
			t.Fatalf("limit %d %d→%d: %v vs %v", limit, before, after, gotP, want)
		}
	}
}
