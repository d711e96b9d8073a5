package account

import (
	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// maxUnitsSeconds is the longest duration priceUnits prices; longer calls
// fall back to deck.Tariff.Price. Authorization only prices the bundle part
// of a call, which the call limit (at most a day) bounds.
const maxUnitsSeconds = 24 * 60 * 60

// nanosPerUnit is the number of 10^-9 rate units in one money unit (10^-4).
const nanosPerUnit = 100_000

// priceUnits returns t.Price(seconds) in money units (10^-4 of the
// currency) without allocating: Price returns a decimal whose coefficient
// escapes to the heap, and the bundle-then-overspend decision needs the
// price of its bundle part on the hot path.
//
// It evaluates the formula documented on deck.Tariff in exact integer
// arithmetic: with the fee and per-minute prices in units of 10^-9 (a valid
// tariff has at most deck.MaxRateDecimals = 9 decimals), 60 × the exact
// cost is 60·fee + Σ PerMinute_i·billed_i, and core.RoundCall (4 places,
// half away from zero) of the cost is ⌊(that + 3·10^6) / (6·10^6)⌋ units.
// It reports ok = false, so that the caller uses Price, for anything
// outside what it handles exactly: a tariff that fails the rules of
// deck.Tariff.Validate (Price has its own definition for those), a price
// with more than 9 decimals or over deck.MaxPrice, or more than
// maxUnitsSeconds seconds. The bounds keep every sum below 2^63: at most
// 10^13 × (86,400 + 16 × 3,600) < 1.5 × 10^18.
//
// TestPriceUnitsMatchesPrice checks it against Price.
func priceUnits(t deck.Tariff, seconds int) (units int64, ok bool) {
	if seconds <= 0 {
		return 0, true
	}
	tiers := t.Tiers
	if seconds > maxUnitsSeconds || len(tiers) == 0 || len(tiers) > deck.MaxTiers || tiers[0].FromSecond != 0 {
		return 0, false
	}
	fee, ok := rateNanos(t.ConnectionFee)
	if !ok {
		return 0, false
	}
	sum := 60 * fee
	for i, tr := range tiers {
		if tr.Increment < 1 || tr.Increment > deck.MaxIncrement {
			return 0, false
		}
		rate, ok := rateNanos(tr.PerMinute)
		if !ok {
			return 0, false
		}
		from := tr.FromSecond
		if from > deck.MaxTierStart {
			return 0, false
		}
		s := seconds - from // seconds of the call in this tier
		if i+1 < len(tiers) {
			span := tiers[i+1].FromSecond - from
			if span <= 0 || span%tr.Increment != 0 {
				return 0, false
			}
			s = min(s, span)
		}
		if s > 0 {
			billed := (s + tr.Increment - 1) / tr.Increment * tr.Increment
			sum += rate * int64(billed)
		}
	}
	const divisor = 60 * nanosPerUnit
	return (sum + divisor/2) / divisor, true
}

// rateNanos returns a price of a tariff in units of 10^-9 (deck.MaxRateDecimals
// places), or ok = false if it is negative, over deck.MaxPrice, has more
// decimals or a coefficient beyond int64. It does not allocate for such
// prices.
func rateNanos(d decimal.Decimal) (int64, bool) {
	if d.Sign() < 0 {
		return 0, false
	}
	e := int(d.Exponent())
	if e > 4 || e < -27 || d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64() // exact: at most 18 digits
	switch {
	case e >= -deck.MaxRateDecimals:
		for range e + deck.MaxRateDecimals {
			if c > deck.MaxPrice*1_000_000_000 {
				return 0, false
			}
			c *= 10
		}
	default:
		for range -deck.MaxRateDecimals - e {
			if c%10 != 0 {
				return 0, false
			}
			c /= 10
		}
	}
	if c > deck.MaxPrice*1_000_000_000 {
		return 0, false
	}
	return c, true
}
