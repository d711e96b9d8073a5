package account

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// checkPriceUnits compares priceUnits with deck.Tariff.Price, the
// reference, for one duration: when priceUnits answers it must be exact;
// wantOK says it must answer.
func checkPriceUnits(t *testing.T, tr deck.Tariff, seconds int, wantOK bool) {
	t.Helper()
	got, ok := priceUnits(tr, seconds)
	if !ok {
		if wantOK {
			t.Fatalf("%s, %d s: priceUnits declined a valid tariff", tr, seconds)
		}
		return
	}
	want := tr.Price(seconds)
	if !decimal.New(got, unitExp).Equal(want) {
		t.Fatalf("%s, %d s: priceUnits %d units, Price %s", tr, seconds, got, want)
	}
}

// TestPriceUnitsMatchesPrice checks the allocation-free pricing of the
// bundle part against deck.Tariff.Price: every tariff of the test deck for
// every duration up to two hours, then random valid tariffs (compiled and
// literal) at random durations and at their tier boundaries.
func TestPriceUnitsMatchesPrice(t *testing.T) {
	f, err := os.Open("testdata/deck.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := deck.ParseCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for _, row := range d.Rows {
		for s := 0; s <= 7200; s += step {
			checkPriceUnits(t, row.Tariff, s, true)
		}
	}

	r := rand.New(rand.NewPCG(3, 5))
	price := func() decimal.Decimal {
		switch r.IntN(6) {
		case 0:
			return decimal.Zero
		case 1: // the dearest price with the most decimals
			return decimal.New(deck.MaxPrice*1_000_000_000-int64(r.IntN(1000)), -deck.MaxRateDecimals)
		case 2: // trailing zeros beyond 9 places are still 9 decimals
			return decimal.New(int64(r.IntN(1_000_000))*1000, -12)
		case 3: // cheap rates, as most decks have
			return decimal.New(r.Int64N(1_000_000), -int32(4+r.IntN(deck.MaxRateDecimals-3)))
		default: // anything valid: up to MaxPrice with 0 to 9 decimals
			k := r.IntN(deck.MaxRateDecimals + 1)
			scale := int64(1)
			for range k {
				scale *= 10
			}
			return decimal.New(r.Int64N(deck.MaxPrice*scale+1), -int32(k))
		}
	}
	increments := []int{1, 1, 6, 30, 60, 60, 90, 3600}
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	for range iterations {
		n := 1 + r.IntN(5)
		tiers := make([]deck.Tier, n)
		from := 0
		for i := range tiers {
			inc := increments[r.IntN(len(increments))]
			tiers[i] = deck.Tier{FromSecond: from, PerMinute: price(), Increment: inc}
			from += inc * (1 + r.IntN(40))
		}
		tr, err := deck.NewTariff(price(), tiers...)
		if err != nil {
			t.Fatalf("random tariff: %v", err)
		}
		literal := deck.Tariff{ConnectionFee: tr.ConnectionFee, Tiers: tiers}
		durations := []int{0, 1, maxUnitsSeconds, r.IntN(maxUnitsSeconds + 1), r.IntN(600)}
		for _, tier := range tiers {
			durations = append(durations, tier.FromSecond-1, tier.FromSecond, tier.FromSecond+1)
		}
		for _, s := range durations {
			if s < 0 {
				continue
			}
			checkPriceUnits(t, tr, s, s <= maxUnitsSeconds)
			checkPriceUnits(t, literal, s, s <= maxUnitsSeconds)
		}
	}
}

// TestPriceUnitsDeclines checks that priceUnits leaves to Price what it
// does not handle exactly: invalid tariffs, over-long calls, and prices
// beyond the deck's limits.
func TestPriceUnitsDeclines(t *testing.T) {
	m := core.MustParseMoney
	tier := func(from int, perMinute string, inc int) deck.Tier {
		return deck.Tier{FromSecond: from, PerMinute: decimal.RequireFromString(perMinute), Increment: inc}
	}
	ok := []deck.Tier{tier(0, "0.13", 60)}
	tests := []struct {
		name    string
		tr      deck.Tariff
		seconds int
	}{
		{"zero tariff", deck.Tariff{}, 60},
		{"first tier not at 0", deck.Tariff{Tiers: []deck.Tier{tier(30, "0.1", 60)}}, 60},
		{"increment 0", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1", 0)}}, 60},
		{"increment too long", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1", deck.MaxIncrement+1)}}, 60},
		{"tiers out of order", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1", 60), tier(120, "0.1", 1), tier(60, "0.1", 1)}}, 200},
		{"tier not whole increments", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1", 60), tier(90, "0.1", 1)}}, 200},
		{"tier starts too late", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1", 60), tier(deck.MaxTierStart+60, "0.1", 1)}}, 60},
		{"negative rate", deck.Tariff{Tiers: []deck.Tier{tier(0, "-0.1", 60)}}, 60},
		{"negative fee", deck.Tariff{ConnectionFee: decimal.New(-1, -1), Tiers: ok}, 60},
		{"ten decimals", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.0000000001", 60)}}, 60},
		{"rate over MaxPrice", deck.Tariff{Tiers: []deck.Tier{tier(0, "10000.000000001", 60)}}, 60},
		{"fee over MaxPrice", deck.Tariff{ConnectionFee: decimal.New(1, 5), Tiers: ok}, 60},
		{"huge coefficient", deck.Tariff{Tiers: []deck.Tier{tier(0, "0.1234567890123456789012", 60)}}, 60},
		{"longer than a day", deck.MustNewTariff(m("0"), ok...), maxUnitsSeconds + 1},
	}
	for _, tt := range tests {
		if _, got := priceUnits(tt.tr, tt.seconds); got {
			t.Errorf("%s: priceUnits answered", tt.name)
		}
		// Whatever it declines, Authorize prices with Price: no panic here.
		tt.tr.Price(tt.seconds)
	}
	if u, got := priceUnits(deck.Tariff{}, 0); !got || u != 0 {
		t.Errorf("a 0-second call: %d, %v", u, got)
	}
}

// TestPriceUnitsAllocs pins the point of priceUnits.
func TestPriceUnitsAllocs(t *testing.T) {
	tr := deck.MustNewTariff(core.MustParseMoney("0.02"), deck.SimpleTiers(core.MustParseMoney("0.0375"), 30, 6)...)
	if n := testing.AllocsPerRun(100, func() { priceUnits(tr, 3600) }); n != 0 {
		t.Errorf("priceUnits allocates %v times", n)
	}
}

// FuzzPriceUnits compares priceUnits with deck.Tariff.Price on two-tier
// tariffs built from arbitrary numbers, valid or not: it answers for
// exactly the valid tariffs within maxUnitsSeconds, and then agrees with
// Price.
func FuzzPriceUnits(f *testing.F) {
	f.Add(int64(0), uint8(0), int64(13), uint8(2), 60, 0, int64(0), uint8(0), 60, 61)
	f.Add(int64(2), uint8(2), int64(375), uint8(4), 30, 30, int64(375), uint8(4), 6, 3600)
	f.Add(int64(1), uint8(9), int64(99999999999999), uint8(10), 1, 60, int64(5), uint8(1), 1, 86400)
	f.Fuzz(func(t *testing.T, feeC int64, feeE uint8, r1C int64, r1E uint8, inc1, span int, r2C int64, r2E uint8, inc2, seconds int) {
		if seconds < 0 || seconds > 2*maxUnitsSeconds {
			return
		}
		tiers := []deck.Tier{{FromSecond: 0, PerMinute: decimal.New(r1C, -int32(r1E%24)), Increment: inc1}}
		if span != 0 {
			tiers = append(tiers, deck.Tier{FromSecond: span, PerMinute: decimal.New(r2C, -int32(r2E%24)), Increment: inc2})
		}
		literal := deck.Tariff{ConnectionFee: decimal.New(feeC, -int32(feeE%24)), Tiers: tiers}
		valid := literal.Validate() == nil
		if _, ok := priceUnits(literal, seconds); ok && !valid && seconds > 0 {
			t.Fatalf("%s: priceUnits answered for an invalid tariff", literal)
		}
		checkPriceUnits(t, literal, seconds, valid && seconds <= maxUnitsSeconds)
		if valid {
			compiled, err := deck.NewTariff(literal.ConnectionFee, tiers...)
			if err != nil {
				t.Fatalf("valid tariff does not compile: %v", err)
			}
			checkPriceUnits(t, compiled, seconds, seconds <= maxUnitsSeconds)
		}
	})
}
