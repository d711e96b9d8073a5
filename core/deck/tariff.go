package deck

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// Limits on tariffs. They reject absurd input at validation so that pricing
// can use exact integer arithmetic without overflow for any duration.
const (
	MaxTiers        = 16            // tiers per tariff
	MaxIncrement    = 3600          // seconds; a billing increment of more than an hour is a data error
	MaxTierStart    = 604800        // seconds (7 days): the latest FromSecond of a tier
	MaxRateDecimals = 9             // decimal places of a per-minute price or connection fee
	Unlimited       = math.MaxInt32 // MaxSeconds' answer when the budget covers every duration
)

// MaxPrice bounds a per-minute price and a connection fee, in units of the
// deck's currency. Premium numbers cost a few units per minute; 10,000 is a
// typo.
const MaxPrice = 10000

var maxPrice = decimal.New(MaxPrice, 0)

// Tier is one step of a tariff. From FromSecond on (until the next tier
// starts) the call costs PerMinute per 60 seconds, charged in whole
// Increments: the seconds the call spends in the tier are rounded UP to a
// multiple of Increment. PerMinute is in the deck's currency.
type Tier struct {
	FromSecond int             // first second of the call this tier applies to; 0 for the first tier
	PerMinute  decimal.Decimal // price per 60 seconds, ≥ 0, at most MaxRateDecimals decimal places
	Increment  int             // billing increment in seconds, 1..MaxIncrement
}

// Tariff is how a call to one destination is priced: a connection fee
// charged once on every answered call, plus tiers.
//
// The price of a call of d seconds is
//
//	0                                    if d ≤ 0 (an unanswered call costs nothing, not even the fee)
//	RoundCall(ConnectionFee + Σ_i PerMinute_i × billed_i / 60)   otherwise
//
// where tier i covers the seconds [FromSecond_i, FromSecond_i+1) of the call
// (the last tier is open-ended), s_i is the number of seconds of the call in
// that range, and billed_i is s_i rounded up to a multiple of Increment_i.
// Validate requires every tier but the last to span a whole number of its
// increments, so rounding up never crosses into the next tier. The sum is
// exact; the only rounding is core.RoundCall at the end (4 places, half away
// from zero).
//
// Common billing schemes:
//
//	60/60 (per started minute):          {0, r, 60}
//	1/1 (per second):                    {0, r, 1}
//	30/6 (first 30 s, then per 6 s):     {0, r, 30}, {30, r, 6}
//	first minute at X, then per second at Y: {0, X, 60}, {60, Y, 1}
//
// A Tariff built by NewTariff, ParseCSV, NewIndex or DecodeSnapshot carries a
// compiled fixed-point form that makes Price and MaxSeconds fast and
// allocation-free; do not modify its Tiers afterwards (copy them instead). A
// Tariff written as a literal works too, compiled on each call (slower).
type Tariff struct {
	ConnectionFee decimal.Decimal
	Tiers         []Tier

	fixed *fixedTariff // compiled form of the two fields above, or nil
}

// fixedTariff is a validated Tariff in exact integer form. Money amounts are
// in nano-units (1e-9 of the currency unit); a tier's base is the cost, in
// nano-units × seconds (i.e. 60 × money), of everything before the tier:
// 60 × fee + the full cost of all earlier tiers.
type fixedTariff struct {
	fee   uint64
	tiers []fixedTier
}

type fixedTier struct {
	from, rate, inc uint64
	base            u128
}

const (
	nanoPerUnit = 1_000_000_000
	// callDivisor turns nano-unit·seconds/60 into units of 1e-4 (the
	// RoundCall precision): 60 s × 1e9 / 1e4.
	callDivisor = 60 * nanoPerUnit / 10_000
)

// NewTariff validates and compiles a tariff.
func NewTariff(connectionFee decimal.Decimal, tiers ...Tier) (Tariff, error) {
	t := Tariff{ConnectionFee: connectionFee, Tiers: append([]Tier(nil), tiers...)}
	return t.compiled()
}

// MustNewTariff is NewTariff for tests and examples; it panics on error.
func MustNewTariff(connectionFee decimal.Decimal, tiers ...Tier) Tariff {
	t, err := NewTariff(connectionFee, tiers...)
	if err != nil {
		panic(err)
	}
	return t
}

// SimpleTiers returns the tiers of the common "rate, initial increment,
// subsequent increment" form: the first initial seconds are billed as one
// block, then in blocks of subsequent seconds, all at perMinute. 60/60 is
// SimpleTiers(r, 60, 60) (one tier), 30/6 is SimpleTiers(r, 30, 6).
func SimpleTiers(perMinute decimal.Decimal, initial, subsequent int) []Tier {
	if initial == subsequent {
		return []Tier{{FromSecond: 0, PerMinute: perMinute, Increment: initial}}
	}
	return []Tier{
		{FromSecond: 0, PerMinute: perMinute, Increment: initial},
		{FromSecond: initial, PerMinute: perMinute, Increment: subsequent},
	}
}

// compiled returns t with its fixed-point form attached, or a validation error.
func (t Tariff) compiled() (Tariff, error) {
	f, err := compile(t)
	if err != nil {
		return Tariff{}, err
	}
	t.fixed = f
	return t, nil
}

// Validate checks the tariff's rules: 1..MaxTiers tiers, the first from second
// 0, strictly increasing FromSecond ≤ MaxTierStart, increments 1..MaxIncrement,
// each tier but the last spanning a whole number of its increments, prices and
// fee non-negative, ≤ MaxPrice and with at most MaxRateDecimals decimals.
func (t Tariff) Validate() error { return t.check() }

// check validates t and, if t carries a compiled form, that the form still
// matches its fields (a built Tariff must not be modified).
func (t *Tariff) check() error {
	f, err := compile(*t)
	if err != nil {
		return err
	}
	if t.fixed != nil && !t.fixed.equal(f) {
		return core.FieldErrorf(core.Invalid, "tiers", "the tariff was modified after it was built; build a new one with NewTariff")
	}
	return nil
}

// sameAs reports whether t has exactly the fields of u, which was checked:
// the same tiers slice and the same connection fee.
func (t *Tariff) sameAs(u *Tariff) bool {
	return t.fixed == u.fixed && len(t.Tiers) == len(u.Tiers) && len(t.Tiers) > 0 &&
		&t.Tiers[0] == &u.Tiers[0] && t.ConnectionFee.Equal(u.ConnectionFee)
}

// appendKey appends a text form of f that identifies its content.
func (f *fixedTariff) appendKey(b []byte) []byte {
	b = strconv.AppendUint(b, f.fee, 10)
	for _, tr := range f.tiers {
		b = append(b, ';')
		b = strconv.AppendUint(b, tr.from, 10)
		b = append(b, ':')
		b = strconv.AppendUint(b, tr.rate, 10)
		b = append(b, '/')
		b = strconv.AppendUint(b, tr.inc, 10)
	}
	return b
}

func (f *fixedTariff) equal(g *fixedTariff) bool {
	if f.fee != g.fee || len(f.tiers) != len(g.tiers) {
		return false
	}
	for i := range f.tiers {
		if f.tiers[i] != g.tiers[i] {
			return false
		}
	}
	return true
}

// nanos converts a money amount to nano-units, checking the tariff limits.
func nanos(field string, d decimal.Decimal) (uint64, error) {
	switch d.Sign() {
	case 0:
		return 0, nil
	case -1:
		return 0, core.FieldErrorf(core.Invalid, field, "must not be negative (got %s)", d)
	}
	if d.GreaterThan(maxPrice) {
		return 0, core.FieldErrorf(core.Invalid, field, "%s is above the limit of %d", d, MaxPrice)
	}
	n := d.Shift(MaxRateDecimals)
	if !n.IsInteger() {
		return 0, core.FieldErrorf(core.Invalid, field, "%s has more than %d decimal places", d, MaxRateDecimals)
	}
	return uint64(n.IntPart()), nil
}

func compile(t Tariff) (*fixedTariff, error) {
	if len(t.Tiers) == 0 {
		return nil, core.FieldErrorf(core.Invalid, "tiers", "a tariff needs at least one tier")
	}
	if len(t.Tiers) > MaxTiers {
		return nil, core.FieldErrorf(core.Invalid, "tiers", "%d tiers is more than the limit of %d", len(t.Tiers), MaxTiers)
	}
	fee, err := nanos("connection_fee", t.ConnectionFee)
	if err != nil {
		return nil, err
	}
	f := &fixedTariff{fee: fee, tiers: make([]fixedTier, len(t.Tiers))}
	base := mul64(fee, 60)
	for i, tr := range t.Tiers {
		field := "tiers[" + strconv.Itoa(i) + "]"
		if i == 0 && tr.FromSecond != 0 {
			return nil, core.FieldErrorf(core.Invalid, field+".from_second", "the first tier must start at second 0 (got %d)", tr.FromSecond)
		}
		if i > 0 && tr.FromSecond <= t.Tiers[i-1].FromSecond {
			return nil, core.FieldErrorf(core.Invalid, field+".from_second", "tiers must start at strictly increasing seconds (%d after %d)", tr.FromSecond, t.Tiers[i-1].FromSecond)
		}
		if tr.FromSecond > MaxTierStart {
			return nil, core.FieldErrorf(core.Invalid, field+".from_second", "a tier starting at second %d is beyond the limit of %d", tr.FromSecond, MaxTierStart)
		}
		if tr.Increment < 1 || tr.Increment > MaxIncrement {
			return nil, core.FieldErrorf(core.Invalid, field+".increment", "the billing increment must be 1..%d seconds (got %d)", MaxIncrement, tr.Increment)
		}
		if i+1 < len(t.Tiers) {
			if next := t.Tiers[i+1].FromSecond; next > tr.FromSecond && (next-tr.FromSecond)%tr.Increment != 0 {
				return nil, core.FieldErrorf(core.Invalid, field+".increment", "the tier spans %d seconds, not a whole number of %d-second increments", next-tr.FromSecond, tr.Increment)
			}
		}
		rate, err := nanos(field+".per_minute", tr.PerMinute)
		if err != nil {
			return nil, err
		}
		f.tiers[i] = fixedTier{from: uint64(tr.FromSecond), rate: rate, inc: uint64(tr.Increment), base: base}
		if i+1 < len(t.Tiers) && t.Tiers[i+1].FromSecond > tr.FromSecond {
			base = base.add(mul64(rate, uint64(t.Tiers[i+1].FromSecond-tr.FromSecond)))
		}
	}
	return f, nil
}

// cost returns the exact cost of a call of d > 0 seconds in nano-unit·seconds
// (60 × the money amount in nano-units).
func (f *fixedTariff) cost(d uint64) u128 {
	k := len(f.tiers) - 1
	for k > 0 && f.tiers[k].from >= d {
		k--
	}
	tr := &f.tiers[k]
	s := d - tr.from
	n := s / tr.inc
	if s%tr.inc != 0 {
		n++
	}
	return tr.base.add(mul64(tr.rate, n*tr.inc))
}

// price returns the cost of a call of d > 0 seconds in units of 1e-4,
// rounded half away from zero (core.RoundCall).
func (f *fixedTariff) price(d uint64) u128 {
	return f.cost(d).add64(callDivisor / 2).div64(callDivisor)
}

// Price returns the cost of a call lasting seconds, rounded with
// core.RoundCall; see Tariff for the formula. A call of 0 seconds (or a
// negative duration) costs 0. Price is closed-form: its cost does not depend
// on the duration. It is PriceUnits as a decimal (which allocates); the price
// of a tariff that fails Validate is computed by the slow per-increment
// definition with increments below 1 read as 1.
func (t Tariff) Price(seconds int) decimal.Decimal {
	if seconds <= 0 {
		return decimal.Zero
	}
	if u, ok := t.PriceUnits(seconds); ok {
		return decimal.New(u, -core.CallPlaces)
	}
	f := t.fixed
	if f == nil {
		var err error
		if f, err = compile(t); err != nil {
			return priceSlow(t, seconds)
		}
	}
	// More than 9.2e14 currency units: exact, via big.Int (allocates).
	q := f.price(uint64(seconds))
	v := new(big.Int).SetUint64(q.hi)
	v.Lsh(v, 64)
	v.Or(v, new(big.Int).SetUint64(q.lo))
	return decimal.NewFromBigInt(v, -core.CallPlaces)
}

// PriceUnits returns the price of a call lasting seconds as a whole number
// of 10^-core.CallPlaces currency units, the fixed-point figure Price is
// built on: Price(seconds) equals decimal.New(units, -core.CallPlaces). It
// does not allocate for a tariff built by NewTariff, ParseCSV, NewIndex or
// DecodeSnapshot (a literal Tariff is compiled on each call). ok is false,
// and Price has the answer, for a tariff that fails Validate and for a price
// beyond an int64 of units (over 9.2 × 10^14 currency units, which only
// absurd durations reach: about 9 × 10^10 minutes at MaxPrice).
// A call of 0 seconds or less costs 0 units, whatever the tariff.
func (t Tariff) PriceUnits(seconds int) (units int64, ok bool) {
	if seconds <= 0 {
		return 0, true
	}
	f := t.fixed
	if f == nil {
		var err error
		if f, err = compile(t); err != nil {
			return 0, false
		}
	}
	q := f.price(uint64(seconds))
	if q.hi != 0 || q.lo > math.MaxInt64 {
		return 0, false
	}
	return int64(q.lo), true
}

var sixty = decimal.New(60, 0)

// priceSlow is the obvious definition of Price: it walks every billing
// increment of every tier with decimal arithmetic. It is the reference the
// tests compare Price with, and the fallback for invalid tariffs.
func priceSlow(t Tariff, seconds int) decimal.Decimal {
	if seconds <= 0 {
		return decimal.Zero
	}
	sum := decimal.Zero // money × seconds
	for i, tr := range t.Tiers {
		start := tr.FromSecond
		if start >= seconds {
			break
		}
		end := seconds
		if i+1 < len(t.Tiers) && t.Tiers[i+1].FromSecond < end {
			end = t.Tiers[i+1].FromSecond
		}
		inc := max(tr.Increment, 1)
		step := tr.PerMinute.Mul(decimal.New(int64(inc), 0))
		for s := start; s < end; s += inc {
			sum = sum.Add(step)
		}
	}
	return core.RoundCall(t.ConnectionFee.Add(sum.Div(sixty)))
}

// MaxSeconds returns the longest whole-second duration whose Price is at
// most budget: authorization uses it to cap a call. It is 0 when not even
// the first billing increment (with the connection fee) fits, including for
// a negative budget. It is Unlimited when every duration fits (a tariff whose
// last tier is free and whose earlier cost fits), and never more than
// Unlimited. It is 0 for a tariff that fails Validate (such as the zero
// Tariff), so that a broken tariff never authorizes a call. Because Price rounds to 4 places, a budget with more decimals
// acts as its value truncated to 4 places; and since increments are charged
// up front, MaxSeconds always ends on an increment boundary of its tier.
//
// Like Price, MaxSeconds is closed-form (one division per tier) and does not
// allocate for budgets of up to 18 significant digits.
func (t Tariff) MaxSeconds(budget decimal.Decimal) int {
	if budget.Sign() < 0 {
		return 0
	}
	f := t.fixed
	if f == nil {
		var err error
		if f, err = compile(t); err != nil {
			return 0 // fail closed: never authorize a call on a broken tariff
		}
	}
	return f.maxSeconds(budgetUnits(budget))
}

// budgetUnits returns floor(budget × 1e4) for a non-negative budget, capped at
// MaxInt64.
func budgetUnits(b decimal.Decimal) uint64 {
	e := int(b.Exponent()) + core.CallPlaces
	if b.NumDigits() <= 18 {
		c := uint64(b.CoefficientInt64())
		switch {
		case c == 0:
			return 0
		case e >= 0:
			for ; e > 0; e-- {
				if c > math.MaxInt64/10 {
					return math.MaxInt64
				}
				c *= 10
			}
			return c
		case e < -18:
			return 0
		default:
			for ; e < 0; e++ {
				c /= 10
			}
			return c
		}
	}
	if b.Exponent() >= 0 { // more than 18 digits before the point
		return math.MaxInt64
	}
	v := b.Shift(core.CallPlaces).Floor()
	if v.GreaterThan(decimal.New(math.MaxInt64, 0)) {
		return math.MaxInt64
	}
	return uint64(v.IntPart())
}

// maxSeconds is MaxSeconds for a budget of bq units of 1e-4.
//
// Price(d) ≤ bq ⟺ floor((N + D/2) / D) ≤ bq ⟺ N ≤ bq·D + D/2 - 1 =: L, where N
// is the exact cost and D the divisor of price. Within tier k, N(d) = base_k +
// rate_k·inc_k·ceil((d-from_k)/inc_k), so the longest duration in the tier
// with N ≤ L is from_k + inc_k·floor((L-base_k)/(rate_k·inc_k)).
func (f *fixedTariff) maxSeconds(bq uint64) int {
	limit := mul64(bq, callDivisor).add64(callDivisor/2 - 1)
	for k := range f.tiers {
		tr := &f.tiers[k]
		// Reaching tier k means the whole previous tier fits, so N(from_k) =
		// base_k ≤ L for k > 0; for k = 0, base_0 is the connection fee that
		// the first second already costs.
		if limit.less(tr.base) {
			return int(tr.from)
		}
		last := k == len(f.tiers)-1
		if tr.rate == 0 {
			if last {
				return Unlimited
			}
			continue
		}
		m := limit.sub(tr.base).div64(tr.rate * tr.inc) // affordable increments in this tier
		if last {
			if m.hi != 0 || m.lo > Unlimited {
				return Unlimited
			}
			// ≤ MaxTierStart + MaxInt32·MaxIncrement: no overflow.
			return int(min(tr.from+m.lo*tr.inc, Unlimited))
		}
		if span := (f.tiers[k+1].from - tr.from) / tr.inc; m.hi == 0 && m.lo < span {
			return int(tr.from + m.lo*tr.inc)
		}
	}
	return Unlimited // not reached: the last tier returns
}

// Equal reports whether t and u describe the same tariff (amounts compared
// by value: 0.13 equals 0.130).
func (t Tariff) Equal(u Tariff) bool {
	if !t.ConnectionFee.Equal(u.ConnectionFee) || len(t.Tiers) != len(u.Tiers) {
		return false
	}
	for i, a := range t.Tiers {
		b := u.Tiers[i]
		if a.FromSecond != b.FromSecond || a.Increment != b.Increment || !a.PerMinute.Equal(b.PerMinute) {
			return false
		}
	}
	return true
}

// TiersString formats the tiers in the CSV "tiers" notation:
// "FROM:PER_MINUTE/INCREMENT" items separated by ";", e.g. "0:0.13/30;30:0.13/6".
func (t Tariff) TiersString() string {
	var b strings.Builder
	for i, tr := range t.Tiers {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(tr.FromSecond))
		b.WriteByte(':')
		b.WriteString(tr.PerMinute.String())
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(tr.Increment))
	}
	return b.String()
}

// String returns a readable form: "fee 0.015 + 0:0.13/60".
func (t Tariff) String() string {
	return "fee " + t.ConnectionFee.String() + " + " + t.TiersString()
}

// ParseTiers parses the CSV "tiers" notation written by TiersString
// ("0:0.13/30;30:0.13/6"; spaces around items are ignored). It checks the
// syntax only; NewTariff or Validate check the rules.
func ParseTiers(s string) ([]Tier, error) {
	items := strings.Split(s, ";")
	if len(items) > MaxTiers {
		return nil, core.FieldErrorf(core.Invalid, "tiers", "%d tiers is more than the limit of %d", len(items), MaxTiers)
	}
	tiers := make([]Tier, 0, len(items))
	for _, item := range items {
		item = strings.TrimSpace(item)
		from, rest, ok1 := strings.Cut(item, ":")
		rate, inc, ok2 := strings.Cut(rest, "/")
		if !ok1 || !ok2 {
			return nil, core.FieldErrorf(core.Invalid, "tiers", "tier %q is not FROM:PER_MINUTE/INCREMENT (e.g. 0:0.13/60)", item)
		}
		f, err := parseSeconds(from)
		if err != nil {
			return nil, core.FieldErrorf(core.Invalid, "tiers", "tier %q: from second %q is not a whole number of seconds", item, from)
		}
		r, err := core.ParseMoney("tiers", rate)
		if err != nil {
			return nil, core.FieldErrorf(core.Invalid, "tiers", "tier %q: per-minute price %q is not a non-negative decimal", item, rate)
		}
		n, err := parseSeconds(inc)
		if err != nil {
			return nil, core.FieldErrorf(core.Invalid, "tiers", "tier %q: increment %q is not a whole number of seconds", item, inc)
		}
		tiers = append(tiers, Tier{FromSecond: f, PerMinute: r, Increment: n})
	}
	return tiers, nil
}

// parseSeconds parses a small non-negative whole number (at most 9 digits).
func parseSeconds(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, core.Errorf(core.Invalid, "bad number of seconds %q", s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, core.Errorf(core.Invalid, "bad number of seconds %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
