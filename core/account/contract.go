package account

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/e164"
)

// Line is a phone number the account holds: a line (purchased local or
// international number, or a verified business number linked to the line)
// or an inbound-only service number.
type Line struct {
	Number   string // E.164, "+442079460000"
	Product  string // a line or service-number product
	User     string // the assigned user, "" when unassigned
	Verified bool   // a verified business number the customer already owns
	Contract Contract
}

// Contract is the term of a line. An annual contract runs twelve months
// from Start: the number stays owned until End whatever happens to its
// assignment.
type Contract struct {
	Term  Term
	Start time.Time
	End   time.Time // zero for monthly
}

// Due is a one-off amount the account owes, such as the remainder of an
// annual contract whose number was released early. It becomes an invoice
// line.
type Due struct {
	Code        string // the product
	Description string
	Amount      decimal.Decimal // rounded with core.RoundInvoice
	At          time.Time
}

// addMonths adds n calendar months to t, clamping the day to the end of the
// target month (31 Jan + 1 month = 28/29 Feb), unlike time.AddDate which
// would roll into March.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if last := daysIn(first.Year(), first.Month()); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// civilDays returns the number of calendar days from a's date to b's date
// (in their own zones), immune to daylight-saving changes.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

// Remainder returns what is still owed on an annual contract at monthly
// price when the number is released at `at`: every contract month not yet
// started at the monthly price, plus the current contract month prorated by
// exact days, the release day included (released on the first day of a
// contract month, that whole month is owed). Contract months run from
// Start's day of month (clamped at short months) in Start's zone. Monthly
// contracts, and annual ones released at or after End, owe nothing. The
// result is rounded with core.RoundInvoice.
func (c Contract) Remainder(monthly decimal.Decimal, at time.Time) decimal.Decimal {
	if c.Term != Annual || !at.Before(c.End) {
		return decimal.Zero
	}
	at = at.In(c.Start.Location())
	if at.Before(c.Start) {
		at = c.Start
	}
	k := 0
	for k < 12 && !addMonths(c.Start, k+1).After(at) {
		k++
	}
	periodStart, periodEnd := addMonths(c.Start, k), addMonths(c.Start, k+1)
	days := civilDays(periodStart, periodEnd)
	left := civilDays(at, periodEnd)
	owed := monthly.Mul(decimal.NewFromInt(int64(11 - k)))
	owed = owed.Add(monthly.Mul(decimal.NewFromInt(int64(left))).Div(decimal.NewFromInt(int64(days))))
	return core.RoundInvoice(owed)
}

// Lines returns copies of the account's lines.
func (a *Account) Lines() []Line { return slices.Clone(a.lines) }

// Dues returns the one-off amounts owed (released annual contracts).
func (a *Account) Dues() []Due { return slices.Clone(a.dues) }

func (a *Account) lineIndex(number string) (int, error) {
	i := slices.IndexFunc(a.lines, func(l Line) bool { return l.Number == number })
	if i < 0 {
		return -1, core.FieldErrorf(core.NotFound, "number", "the account holds no number %s", number)
	}
	return i, nil
}

// AddLine adds a number on a line or service-number product with a
// contract starting at start (annual contracts end twelve months later, in
// the account's calendar).
// A verified business number must be on a line product, not a service
// number. The number must be E.164 and new to the account, and a line
// product must match it: a local line for a number of the account's home
// country, an international line for any other.
func (a *Account) AddLine(number, product string, start time.Time, verified bool) (Line, error) {
	return a.addLine(number, product, start, verified, true)
}

// addLine is AddLine; a snapshot's lines are restored without matching
// product and number (lines added before the rule existed stay valid).
func (a *Account) addLine(number, product string, start time.Time, verified, matchProduct bool) (Line, error) {
	parsed, err := e164.ParseNumber(number)
	if err != nil {
		return Line{}, err
	}
	n := parsed.String()
	i, err := a.cat.productOf("product", product, CategoryLine, CategoryServiceNumber)
	if err != nil {
		return Line{}, err
	}
	p := a.cat.products[i]
	if verified && p.Category != CategoryLine {
		return Line{}, core.FieldErrorf(core.Invalid, "verified", "a verified business number must be linked to a line, not a %s", p.Category)
	}
	if region := parsed.Region(); matchProduct && p.Category == CategoryLine && (region == a.settings.Home) == p.International {
		if p.International {
			return Line{}, core.FieldErrorf(core.Invalid, "product", "%s is a number of %s, the account's home country: it goes on a local line, not an international one", n, region)
		}
		return Line{}, core.FieldErrorf(core.Invalid, "product", "%s is a number of %s: a local line is for numbers of %s, use an international line", n, region, a.settings.Home)
	}
	if start.IsZero() {
		return Line{}, core.FieldErrorf(core.Invalid, "start", "the contract needs a start time")
	}
	if slices.ContainsFunc(a.lines, func(l Line) bool { return l.Number == n }) {
		return Line{}, core.FieldErrorf(core.Conflict, "number", "the account already holds %s", n)
	}
	if len(a.lines) >= MaxLines {
		return Line{}, core.FieldErrorf(core.Conflict, "lines", "an account holds at most %d lines", MaxLines)
	}
	start = start.In(a.loc) // contract months follow the account's calendar
	l := Line{Number: n, Product: product, Verified: verified, Contract: Contract{Term: p.Term, Start: start}}
	if p.Term == Annual {
		l.Contract.End = addMonths(start, 12)
	}
	a.lines = append(a.lines, l)
	return l, nil
}

// HasLine reports whether a line is assigned to the user: a user without
// one places no calls (DeniedNoLine).
func (a *Account) HasLine(userID string) bool {
	u := a.byUser[userID]
	return u != nil && u.lines > 0
}

// AssignLine assigns (or reassigns) a line to a user. Reassigning is free,
// also during an annual contract. Service numbers are inbound-only and
// answer auto attendants and queues: they are not assigned to users.
func (a *Account) AssignLine(number, userID string) error {
	i, err := a.lineIndex(number)
	if err != nil {
		return err
	}
	if _, err := a.userOf(userID); err != nil {
		return err
	}
	if a.cat.products[a.cat.byCode[a.lines[i].Product]].Category != CategoryLine {
		return core.FieldErrorf(core.Invalid, "number", "%s is an inbound-only service number", number)
	}
	if old := a.byUser[a.lines[i].User]; old != nil {
		old.lines--
	}
	a.lines[i].User = userID
	a.byUser[userID].lines++
	return nil
}

// UnassignLine takes a line away from its user. There is no refund: the
// number stays owned by the account (and billed) for its contract.
func (a *Account) UnassignLine(number string) error {
	i, err := a.lineIndex(number)
	if err != nil {
		return err
	}
	if u := a.byUser[a.lines[i].User]; u != nil {
		u.lines--
	}
	a.lines[i].User = ""
	return nil
}

// ReleaseOwed returns what releasing number at `at` would still cost: the
// remainder of an annual contract (Contract.Remainder) counted from the end
// of the billing month containing `at`, because lines are invoiced monthly
// in advance and that month is paid already. A monthly line owes nothing.
// The portal shows this figure before the user confirms a release.
func (a *Account) ReleaseOwed(number string, at time.Time) (decimal.Decimal, error) {
	i, err := a.lineIndex(number)
	if err != nil {
		return decimal.Zero, err
	}
	return a.releaseOwed(a.lines[i], at), nil
}

func (a *Account) releaseOwed(l Line, at time.Time) decimal.Decimal {
	p := a.cat.products[a.cat.byCode[l.Product]]
	paidUntil := monthStart(a.periodOf(at)+1, a.loc)
	return l.Contract.Remainder(p.MonthlyPrice, paidUntil)
}

// ReleaseLine gives a number up at `at`. For an annual contract the
// remainder (ReleaseOwed) is still owed: it is recorded as a Due and
// returned. Releasing a monthly line owes nothing more.
func (a *Account) ReleaseLine(number string, at time.Time) (decimal.Decimal, error) {
	i, err := a.lineIndex(number)
	if err != nil {
		return decimal.Zero, err
	}
	l := a.lines[i]
	owed := a.releaseOwed(l, at)
	if owed.IsPositive() {
		a.dues = append(a.dues, Due{Code: l.Product, Amount: owed, At: at,
			Description: "Remainder of annual contract for " + l.Number})
	}
	if u := a.byUser[l.User]; u != nil {
		u.lines--
	}
	a.lines = slices.Delete(a.lines, i, i+1)
	return owed, nil
}
