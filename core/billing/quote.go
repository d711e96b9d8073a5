package billing

import (
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// prorateDisplayPlaces is the precision of Prorate's unrounded result.
const prorateDisplayPlaces = 16

// Prorate returns the part of amount (a price for the whole cycle c) that
// falls on the remaining days of c from the day of from, inclusive:
// amount × RemainingDays(from) / Days(), to 16 decimal places (exact whenever
// the quotient terminates). It is amount for an instant on or before c's first
// day and zero at or after c's end or for an empty cycle. Invoice and quote
// lines do not round this value: they round the exact quotient once (see the
// package documentation).
func Prorate(amount decimal.Decimal, c Cycle, from time.Time) decimal.Decimal {
	n := c.Days()
	if n <= 0 {
		return decimal.Zero
	}
	r := c.RemainingDays(from)
	return amount.Mul(decimal.NewFromInt(int64(r))).DivRound(decimal.NewFromInt(int64(n)), prorateDisplayPlaces)
}

// proratedAmount returns unitPrice × qty × days / cycleDays rounded once, with
// the invoice policy (core.InvoicePlaces, half away from zero), from the exact
// rational; negated when neg. Prices of up to 12 digits and 9 places take an
// exact int64 path; anything else goes through decimal.
func proratedAmount(unitPrice decimal.Decimal, qty, days, cycleDays int, neg bool) decimal.Decimal {
	if cents, ok := proratedCents(unitPrice, qty, days, cycleDays); ok {
		if neg {
			cents = -cents
		}
		return decimal.New(cents, -core.InvoicePlaces)
	}
	d := proratedAmountDecimal(unitPrice, qty, days, cycleDays)
	if neg {
		d = d.Neg()
	}
	return d
}

// proratedAmountDecimal is proratedAmount's general path: decimal.DivRound
// rounds the exact quotient half away from zero.
func proratedAmountDecimal(unitPrice decimal.Decimal, qty, days, cycleDays int) decimal.Decimal {
	num := unitPrice.Mul(decimal.NewFromInt(int64(qty) * int64(days)))
	return num.DivRound(decimal.NewFromInt(int64(cycleDays)), core.InvoicePlaces)
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000}

// proratedCents computes proratedAmount in whole cents with int64
// arithmetic, exactly, when every intermediate fits; ok is false otherwise.
func proratedCents(unitPrice decimal.Decimal, qty, days, cycleDays int) (cents int64, ok bool) {
	e := int(unitPrice.Exponent())
	if e < -9 || e > 2 || cycleDays <= 0 || unitPrice.NumDigits() > 12 {
		return 0, false
	}
	coef := unitPrice.CoefficientInt64() // |coef| < 10^12
	qd := int64(qty) * int64(days)
	if coef < 0 || qd < 0 || qd >= 1_000_000 {
		return 0, false
	}
	num, den := coef*qd, int64(cycleDays) // num < 10^18
	if s := e + core.InvoicePlaces; s > 0 {
		if num > (1<<62)/pow10[s] {
			return 0, false
		}
		num *= pow10[s]
	} else {
		den *= pow10[-s] // ≤ 31 × 10^7
	}
	if num > 1<<61 {
		return 0, false
	}
	return (2*num + den) / (2 * den), true // num/den rounded half up (num ≥ 0)
}

// Quote is the price of changing a cycle's items mid-cycle: a credit for the
// unused days of what is removed or reduced, a charge for the remaining days
// of what is added or increased. Credit and Charge are positive; Net is
// Charge − Credit (negative when the customer is owed money) and equals the
// sum of the Lines' amounts. UnusedDays of CycleDays is the prorated part.
type Quote struct {
	Cycle      Cycle           `json:"cycle"`
	At         time.Time       `json:"at"`
	Credit     decimal.Decimal `json:"credit"`
	Charge     decimal.Decimal `json:"charge"`
	Net        decimal.Decimal `json:"net"`
	Lines      []Line          `json:"lines"`
	UnusedDays int             `json:"unused_days"`
	CycleDays  int             `json:"cycle_days"`
}

// QuoteChange prices replacing the items old by the items new at instant at
// in cycle c (see the package documentation for the proration policy: the
// change day belongs to the new items). Items are matched by Code and
// UnitPrice; quantities matter, so adding two users to a package charges two
// units. Credit lines come first, then charge lines, each in the order the
// products first appear in old then new; unchanged items produce no line.
//
// Errors (core.Invalid): an invalid item, an empty cycle, or at outside c.
func QuoteChange(old, new []Item, c Cycle, at time.Time) (Quote, error) {
	if err := c.check("cycle"); err != nil {
		return Quote{}, err
	}
	if !c.Contains(at) {
		return Quote{}, core.FieldErrorf(core.Invalid, "at", "change time %s is outside the billing cycle %s",
			at.Format(time.RFC3339), c)
	}
	if err := checkItems("old", old); err != nil {
		return Quote{}, err
	}
	if err := checkItems("new", new); err != nil {
		return Quote{}, err
	}
	q := Quote{Cycle: c, At: at, CycleDays: c.Days(), UnusedDays: c.RemainingDays(at)}
	q.Lines = changeLines(make([]Line, 0, len(old)+len(new)), old, new, c, at, q.UnusedDays, q.CycleDays)
	q.Credit, q.Charge = decimal.Zero, decimal.Zero
	for i := range q.Lines {
		if q.Lines[i].Kind == KindProrationCredit {
			q.Credit = q.Credit.Sub(q.Lines[i].Amount)
		} else {
			q.Charge = q.Charge.Add(q.Lines[i].Amount)
		}
	}
	q.Net = q.Charge.Sub(q.Credit)
	return q, nil
}

// validItems reports whether every item is valid, without building errors.
func validItems(items []Item) bool {
	for i := range items {
		if !items[i].valid() {
			return false
		}
	}
	return true
}

// checkItems returns the error of the first invalid item of the list named
// field.
func checkItems(field string, items []Item) error {
	for i := range items {
		if err := items[i].check(field, i); err != nil {
			return err
		}
	}
	return nil
}

// delta is one product (Code and UnitPrice) before and after a change.
type delta struct {
	item       Item // Code, Description and UnitPrice of the product
	qOld, qNew int
}

// changeLines appends to dst the proration lines of replacing old by new at
// at in c, with r remaining days of n. Inputs are valid.
func changeLines(dst []Line, old, new []Item, c Cycle, at time.Time, r, n int) []Line {
	var buf [16]delta
	ds := buf[:0]
	find := func(it Item) int {
		for i := range ds {
			if ds[i].item.Code == it.Code && ds[i].item.UnitPrice.Equal(it.UnitPrice) {
				return i
			}
		}
		ds = append(ds, delta{item: it})
		return len(ds) - 1
	}
	for _, it := range old {
		i := find(it)
		ds[i].qOld += it.Quantity
	}
	for _, it := range new {
		i := find(it)
		ds[i].qNew += it.Quantity
	}
	loc := c.Location()
	y, m, d := at.In(loc).Date()
	from := startOfDay(y, m, d, loc)
	line := func(kind LineKind, it Item, qty int) Line {
		amt := proratedAmount(it.UnitPrice, qty, r, n, kind == KindProrationCredit)
		return Line{Kind: kind, Code: it.Code, Description: it.Description, Quantity: qty,
			UnitPrice: it.UnitPrice, Days: r, CycleDays: n, From: from, To: c.End, Amount: amt}
	}
	for i := range ds {
		if ds[i].qOld > ds[i].qNew {
			dst = append(dst, line(KindProrationCredit, ds[i].item, ds[i].qOld-ds[i].qNew))
		}
	}
	for i := range ds {
		if ds[i].qNew > ds[i].qOld {
			dst = append(dst, line(KindProrationCharge, ds[i].item, ds[i].qNew-ds[i].qOld))
		}
	}
	return dst
}
