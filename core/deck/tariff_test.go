package deck

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

var m = core.MustParseMoney

// maxSecondsSearch is the reference for MaxSeconds: a binary search over
// Price (which is non-decreasing in the duration) for the last duration
// whose price fits the budget.
func maxSecondsSearch(t Tariff, budget decimal.Decimal) int {
	if budget.Sign() < 0 || t.Price(1).GreaterThan(budget) {
		return 0
	}
	if !t.Price(Unlimited).GreaterThan(budget) {
		return Unlimited
	}
	lo, hi := 1, Unlimited // Price(lo) ≤ budget < Price(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if t.Price(mid).GreaterThan(budget) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}

func TestPrice(t *testing.T) {
	per60 := MustNewTariff(decimal.Zero, SimpleTiers(m("0.13"), 60, 60)...)
	per1 := MustNewTariff(decimal.Zero, SimpleTiers(m("0.13"), 1, 1)...)
	t306 := MustNewTariff(decimal.Zero, SimpleTiers(m("0.12"), 30, 6)...)
	firstMin := MustNewTariff(m("0.015"), Tier{0, m("0.20"), 60}, Tier{60, m("0.05"), 1})
	tiny := MustNewTariff(decimal.Zero, Tier{0, m("0.0001"), 1})
	tests := []struct {
		name    string
		tariff  Tariff
		seconds int
		want    string
	}{
		{"60/60 zero", per60, 0, "0"},
		{"60/60 negative", per60, -5, "0"},
		{"60/60 1s", per60, 1, "0.13"},
		{"60/60 60s", per60, 60, "0.13"},
		{"60/60 61s", per60, 61, "0.26"},
		{"60/60 7min", per60, 420, "0.91"},
		{"60/60 3h", per60, 10800, "23.4"},
		{"1/1 1s", per1, 1, "0.0022"},   // 0.0021666… rounds up
		{"1/1 61s", per1, 61, "0.1322"}, // 0.132166…
		{"1/1 3h", per1, 10800, "23.4"},
		{"30/6 1s", t306, 1, "0.06"},
		{"30/6 30s", t306, 30, "0.06"},
		{"30/6 31s", t306, 31, "0.072"},
		{"30/6 61s", t306, 61, "0.132"}, // 66 s
		{"first minute 1s", firstMin, 1, "0.215"},
		{"first minute 60s", firstMin, 60, "0.215"},
		{"first minute 61s", firstMin, 61, "0.2158"}, // 0.215 + 0.05/60 = 0.215833…
		{"first minute 90s", firstMin, 90, "0.24"},
		{"half rounds away from zero", tiny, 30, "0.0001"}, // 0.00005 exactly
		{"below half rounds down", tiny, 29, "0"},          // 0.0000483…
		{"7 days per second", per1, 604800, "1310.4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.tariff.Price(tt.seconds)
			if !got.Equal(m(tt.want)) {
				t.Errorf("Price(%d) = %s, want %s", tt.seconds, got, tt.want)
			}
			if slow := priceSlow(tt.tariff, tt.seconds); !slow.Equal(got) {
				t.Errorf("priceSlow(%d) = %s, Price = %s", tt.seconds, slow, got)
			}
			literal := Tariff{ConnectionFee: tt.tariff.ConnectionFee, Tiers: tt.tariff.Tiers} // not compiled
			if lit := literal.Price(tt.seconds); !lit.Equal(got) {
				t.Errorf("uncompiled Price(%d) = %s, want %s", tt.seconds, lit, got)
			}
		})
	}
}

func TestPriceHugeDurations(t *testing.T) {
	tr := MustNewTariff(m("10000"), Tier{0, m("10000"), 1}) // the largest prices allowed
	for _, d := range []int{math.MaxInt32, math.MaxInt64 / 2, math.MaxInt64} {
		got := tr.Price(d)
		// fee + 10000 × d / 60, exactly
		want := core.RoundCall(decimal.NewFromInt(10000).Add(decimal.NewFromInt(10000).Mul(decimal.NewFromInt(int64(d))).Div(sixty)))
		if !got.Equal(want) {
			t.Errorf("Price(%d) = %s, want %s", d, got, want)
		}
	}
}

// TestPriceUnitsHuge checks where PriceUnits hands over to Price: prices
// beyond an int64 of units.
func TestPriceUnitsHuge(t *testing.T) {
	tr := MustNewTariff(m("10000"), Tier{0, m("10000"), 1}) // the largest prices allowed
	for _, tt := range []struct {
		seconds int
		ok      bool
	}{{math.MaxInt32, true}, {5_500_000_000_000, true}, {5_600_000_000_000, false}, {math.MaxInt64, false}} {
		u, ok := tr.PriceUnits(tt.seconds)
		if ok != tt.ok || (ok && !decimal.New(u, -core.CallPlaces).Equal(tr.Price(tt.seconds))) {
			t.Errorf("PriceUnits(%d) = %d, %v; Price %s", tt.seconds, u, ok, tr.Price(tt.seconds))
		}
	}
}

// FuzzPriceUnits checks PriceUnits on two-tier tariffs built from arbitrary
// numbers, valid or not, literal and compiled, against priceSlow (the
// obvious per-increment decimal sum): it answers for exactly the valid
// tariffs (and for calls of 0 seconds), and then exactly.
func FuzzPriceUnits(f *testing.F) {
	f.Add(int64(0), uint8(0), int64(13), uint8(2), 60, 0, int64(0), uint8(0), 60, 61)
	f.Add(int64(2), uint8(2), int64(375), uint8(4), 30, 30, int64(375), uint8(4), 6, 3600)
	f.Add(int64(1), uint8(9), int64(99999999999999), uint8(10), 1, 60, int64(5), uint8(1), 1, 40000)
	f.Add(int64(-1), uint8(1), int64(5), uint8(1), 0, 90, int64(5), uint8(1), 1, 100)
	f.Fuzz(func(t *testing.T, feeC int64, feeE uint8, r1C int64, r1E uint8, inc1, span int, r2C int64, r2E uint8, inc2, seconds int) {
		if seconds < -10 || seconds > 50000 { // the slow reference walks every increment
			return
		}
		tiers := []Tier{{FromSecond: 0, PerMinute: decimal.New(r1C, -int32(r1E%24)), Increment: inc1}}
		if span != 0 {
			tiers = append(tiers, Tier{FromSecond: span, PerMinute: decimal.New(r2C, -int32(r2E%24)), Increment: inc2})
		}
		literal := Tariff{ConnectionFee: decimal.New(feeC, -int32(feeE%24)), Tiers: tiers}
		valid := literal.Validate() == nil
		check := func(tr Tariff) {
			u, ok := tr.PriceUnits(seconds)
			if ok != (valid || seconds <= 0) {
				t.Fatalf("%s, %d s: PriceUnits ok = %v, valid = %v", tr, seconds, ok, valid)
			}
			if ok && !decimal.New(u, -core.CallPlaces).Equal(priceSlow(tr, seconds)) {
				t.Fatalf("%s, %d s: PriceUnits %d, slow %s", tr, seconds, u, priceSlow(tr, seconds))
			}
		}
		check(literal)
		if valid {
			compiled, err := NewTariff(literal.ConnectionFee, tiers...)
			if err != nil {
				t.Fatalf("valid tariff does not compile: %v", err)
			}
			check(compiled)
		}
	})
}

func TestValidateTariff(t *testing.T) {
	r := m("0.1")
	tests := []struct {
		name  string
		t     Tariff
		field string
	}{
		{"no tiers", Tariff{}, "tiers"},
		{"first tier not at 0", Tariff{Tiers: []Tier{{5, r, 1}}}, "tiers[0].from_second"},
		{"not increasing", Tariff{Tiers: []Tier{{0, r, 30}, {30, r, 6}, {30, r, 1}}}, "tiers[2].from_second"},
		{"zero increment", Tariff{Tiers: []Tier{{0, r, 0}}}, "tiers[0].increment"},
		{"huge increment", Tariff{Tiers: []Tier{{0, r, 3601}}}, "tiers[0].increment"},
		{"tier not whole increments", Tariff{Tiers: []Tier{{0, r, 60}, {30, r, 1}}}, "tiers[0].increment"},
		{"negative rate", Tariff{Tiers: []Tier{{0, decimal.NewFromInt(-1), 60}}}, "tiers[0].per_minute"},
		{"absurd rate", Tariff{Tiers: []Tier{{0, m("10000.01"), 60}}}, "tiers[0].per_minute"},
		{"ten decimals", Tariff{Tiers: []Tier{{0, m("0.0000000001"), 60}}}, "tiers[0].per_minute"},
		{"negative fee", Tariff{ConnectionFee: decimal.NewFromInt(-1), Tiers: []Tier{{0, r, 60}}}, "connection_fee"},
		{"tier too late", Tariff{Tiers: []Tier{{0, r, 1}, {MaxTierStart + 1, r, 1}}}, "tiers[1].from_second"},
		{"too many tiers", Tariff{Tiers: make([]Tier, MaxTiers+1)}, "tiers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Validate()
			if core.ErrorCode(err) != core.Invalid {
				t.Fatalf("Validate() = %v, want invalid", err)
			}
			if ce := err.(*core.Error); ce.Field != tt.field {
				t.Errorf("field = %q, want %q", ce.Field, tt.field)
			}
			if tt.t.MaxSeconds(m("100")) != 0 {
				t.Errorf("MaxSeconds of an invalid tariff is not 0")
			}
		})
	}
	// Trailing zeros beyond 9 places are fine: the value has 2 decimals.
	if err := (Tariff{Tiers: []Tier{{0, m("0.130000000000"), 60}}}).Validate(); err != nil {
		t.Errorf("0.130000000000: %v", err)
	}
}

func TestModifiedTariffIsRejected(t *testing.T) {
	tr := MustNewTariff(decimal.Zero, SimpleTiers(m("0.13"), 60, 60)...)
	changed := tr
	changed.ConnectionFee = m("1")
	if core.ErrorCode(changed.Validate()) != core.Invalid {
		t.Error("a compiled tariff with a changed fee validates")
	}
	if err := tr.Validate(); err != nil {
		t.Error(err)
	}
}

func TestMaxSeconds(t *testing.T) {
	au := MustNewTariff(decimal.Zero, SimpleTiers(m("0.13"), 60, 60)...)
	mob := MustNewTariff(decimal.Zero, SimpleTiers(m("0.38"), 60, 60)...)
	t306 := MustNewTariff(m("0.05"), SimpleTiers(m("0.12"), 30, 6)...)
	firstMin := MustNewTariff(decimal.Zero, Tier{0, m("0.20"), 60}, Tier{60, m("0.05"), 1})
	freeTail := MustNewTariff(decimal.Zero, Tier{0, m("0.10"), 60}, Tier{60, decimal.Zero, 1})
	free := MustNewTariff(decimal.Zero, Tier{0, decimal.Zero, 1})
	feeOnly := MustNewTariff(m("0.50"), Tier{0, decimal.Zero, 60})
	per1 := MustNewTariff(decimal.Zero, Tier{0, m("0.06"), 1})
	tests := []struct {
		name   string
		tariff Tariff
		budget string
		want   int
	}{
		{"AU landline $1", au, "1", 420},
		{"AU mobile $1", mob, "1", 120},
		{"exactly 2 minutes", mob, "0.76", 120},
		{"just short of 2 minutes", mob, "0.7599", 60},
		{"not one minute", mob, "0.37", 0},
		{"zero budget", au, "0", 0},
		{"negative budget", au, "-1", 0},
		{"30/6 with fee, fee only", t306, "0.05", 0},
		{"30/6 with fee, first block", t306, "0.11", 30},
		{"30/6 with fee, $1", t306, "1", 474}, // 0.95 buys 475 s at 0.002/s: 30 + 74×6 = 474
		{"first minute then per second", firstMin, "1", 1020},
		{"first minute only", firstMin, "0.2", 60},
		{"free tail", freeTail, "0.1", Unlimited},
		{"free tail, first minute unaffordable", freeTail, "0.09", 0},
		{"free", free, "0", Unlimited},
		{"fee only, affordable", feeOnly, "0.5", Unlimited},
		{"fee only, not affordable", feeOnly, "0.49", 0},
		{"rounding: 0.001/s budget 0.00005 counts", per1, "0.0010", 1},
		{"budget decimals beyond 4 places are cut", per1, "0.00199999", 1},
		{"huge budget", per1, "1000000000000000000000000", Unlimited},
		{"big budget", per1, "1000000", 1000000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := decimal.RequireFromString(tt.budget)
			got := tt.tariff.MaxSeconds(b)
			if got != tt.want {
				t.Errorf("MaxSeconds(%s) = %d, want %d", tt.budget, got, tt.want)
			}
			if ref := maxSecondsSearch(tt.tariff, b); ref != got {
				t.Errorf("reference search = %d, MaxSeconds = %d", ref, got)
			}
		})
	}
}

// randomTariff returns a valid tariff with 1..4 tiers of assorted
// increments and prices with up to 9 decimals.
func randomTariff(r *rand.Rand) Tariff {
	incs := []int{1, 6, 30, 60, 60, 1, 15, 7}
	n := 1 + r.IntN(4)
	tiers := make([]Tier, n)
	from := 0
	for i := range tiers {
		inc := incs[r.IntN(len(incs))]
		if r.IntN(8) == 0 {
			inc = 1 + r.IntN(MaxIncrement)
		}
		tiers[i] = Tier{FromSecond: from, PerMinute: randomMoney(r), Increment: inc}
		from += inc * (1 + r.IntN(5))
	}
	fee := decimal.Zero
	if r.IntN(2) == 0 {
		fee = randomMoney(r)
	}
	return MustNewTariff(fee, tiers...)
}

func randomMoney(r *rand.Rand) decimal.Decimal {
	switch r.IntN(6) {
	case 0:
		return decimal.Zero
	case 1:
		return decimal.New(r.Int64N(10000_000_000_000)+1, -9) // up to MaxPrice
	default:
		return decimal.New(r.Int64N(100000)+1, -int32(1+r.IntN(9))) // "0.13", "0.0275", ...
	}
}

func TestPriceMatchesSlowRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		tr := randomTariff(r)
		for _, d := range []int{1, 2, 29, 30, 31, 59, 60, 61, 119, 120, 121, 3599, 3600, 3601, 1 + r.IntN(20000)} {
			if got, want := tr.Price(d), priceSlow(tr, d); !got.Equal(want) {
				t.Fatalf("tariff %s: Price(%d) = %s, slow = %s", tr, d, got, want)
			}
		}
		for j := 0; j < 5; j++ {
			b := decimal.New(r.Int64N(100000), -int32(r.IntN(6)))
			got := tr.MaxSeconds(b)
			if want := maxSecondsSearch(tr, b); got != want {
				t.Fatalf("tariff %s: MaxSeconds(%s) = %d, search = %d", tr, b, got, want)
			}
		}
	}
}

// fuzzTariff builds a tariff from fuzz input; ok is false when it is not
// valid (the fuzz target then checks Price and MaxSeconds do not panic).
func fuzzTariff(fee uint64, spec []byte) (Tariff, bool) {
	var tiers []Tier
	from := 0
	for i := 0; i+3 <= len(spec) && len(tiers) < 5; i += 3 {
		inc := int(spec[i])%120 + 1
		rate := decimal.New(int64(spec[i+1])*int64(spec[i+1])*int64(spec[i+2]+1), -int32(spec[i+2]%10))
		tiers = append(tiers, Tier{FromSecond: from, PerMinute: rate, Increment: inc})
		from += inc * (int(spec[i+2])%4 + 1)
	}
	t := Tariff{ConnectionFee: decimal.New(int64(fee%100_000_000_000), -9), Tiers: tiers}
	c, err := t.compiled()
	return c, err == nil
}

func FuzzPrice(f *testing.F) {
	f.Add(uint64(0), []byte{59, 13, 2}, 61, int64(100), int8(2))
	f.Add(uint64(15_000_000), []byte{29, 12, 2, 5, 12, 2}, 3600, int64(1), int8(0))
	f.Add(uint64(0), []byte{59, 20, 2, 0, 5, 2}, 10800, int64(12345), int8(4))
	f.Fuzz(func(t *testing.T, fee uint64, spec []byte, seconds int, budget int64, places int8) {
		tr, ok := fuzzTariff(fee, spec)
		if !ok {
			return
		}
		seconds %= 50000 // the slow reference walks every increment
		got := tr.Price(seconds)
		want := priceSlow(tr, seconds)
		if !got.Equal(want) {
			t.Fatalf("tariff %s: Price(%d) = %s, slow = %s", tr, seconds, got, want)
		}
		if u, ok := tr.PriceUnits(seconds); !ok || !decimal.New(u, -core.CallPlaces).Equal(want) {
			t.Fatalf("tariff %s: PriceUnits(%d) = %d, %v; slow = %s", tr, seconds, u, ok, want)
		}
		if seconds > 0 && tr.Price(seconds+1).LessThan(got) {
			t.Fatalf("tariff %s: Price decreases after %d s", tr, seconds)
		}
		b := decimal.New(budget, -int32(places%12))
		ms := tr.MaxSeconds(b)
		if want := maxSecondsSearch(tr, b); ms != want {
			t.Fatalf("tariff %s: MaxSeconds(%s) = %d, search = %d", tr, b, ms, want)
		}
		if b.Sign() >= 0 && tr.Price(ms).GreaterThan(b) {
			t.Fatalf("tariff %s: Price(MaxSeconds(%s) = %d) = %s exceeds the budget", tr, b, ms, tr.Price(ms))
		}
		if ms < Unlimited && !tr.Price(ms+1).GreaterThan(b) {
			t.Fatalf("tariff %s: MaxSeconds(%s) = %d but %d s also fits", tr, b, ms, ms+1)
		}
	})
}

func TestTiersStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100; i++ {
		tr := randomTariff(r)
		tiers, err := ParseTiers(tr.TiersString())
		if err != nil {
			t.Fatal(err)
		}
		back := MustNewTariff(tr.ConnectionFee, tiers...)
		if !back.Equal(tr) {
			t.Fatalf("%s -> %s", tr, back)
		}
	}
	for _, bad := range []string{"", "0:0.1", "0/60", "x:0.1/60", "0:-1/60", "0:0.1/x", "0:0.1/60;", strings17()} {
		if _, err := ParseTiers(bad); core.ErrorCode(err) != core.Invalid {
			t.Errorf("ParseTiers(%q) = %v, want invalid", bad, err)
		}
	}
}

func strings17() string {
	s := "0:1/1"
	for i := 1; i <= MaxTiers; i++ {
		s += ";" + strconv.Itoa(i) + ":1/1"
	}
	return s
}
