// Package billing turns subscriptions and usage into money over time: billing
// cycles, proration of mid-cycle changes, upgrade quotes, invoices and the
// package recommendation.
//
// It is independent of the account model: callers pass generic Items (a code,
// a quantity such as a number of users, and a monthly unit price), PAYG
// overage amounts and per-region usage. It never reads the wall clock.
//
// # Cycles
//
// A Cycle is the half-open interval [Start, End) between two anchor days in
// the account's time zone. Anchor day 1 (or 0) is the calendar month. Anchors
// 29, 30 and 31 are clamped to the last day of shorter months, and the next
// cycle returns to the anchor when the month allows (anchor 31: Jan 31, Feb 28
// or 29, Mar 31, Apr 30, May 31). A cycle starts at the first instant of its
// anchor day in the zone, normally midnight; where a DST transition skips
// midnight the day starts at the transition. A day is a calendar day in the
// zone, not 24 hours: a cycle across a DST change still has the calendar
// number of days (and a day a zone skipped, as Samoa did on 30 December
// 2011, is not counted).
//
// # Proration policy
//
// Proration counts whole calendar days in the cycle's zone. A change effective
// at instant at, falling on day D (1-based) of a cycle of N days, leaves
// R = N − D + 1 remaining days: the change day belongs to the NEW items, since
// the customer gets immediate access. The old items are credited for the R
// unused days and the new items are charged for the same R days; the old items
// keep the D − 1 days before the change. For a January cycle and a change on
// 18 January, R = 14 of N = 31.
//
// A prorated amount is the exact rational UnitPrice × Quantity × R / N. It is
// rounded exactly once, when it becomes an invoice line, with the invoice
// policy of core.RoundInvoice (2 places, half away from zero); the rounding is
// done on the exact rational (exact int64 arithmetic, or decimal.DivRound for
// huge or very precise prices), never on a truncated quotient. A full-cycle
// subscription line is UnitPrice × Quantity rounded the same way. Totals are sums of the rounded lines, so the lines of a quote or
// an invoice always add up to its totals. Prorate exposes the unrounded value
// for display, to 16 decimal places.
//
// Items are matched by Code and UnitPrice: a quantity increase is charged for
// the added units only, a decrease credits the removed units, and a price
// change credits the old price and charges the new one.
//
// # Invoice policy
//
// An invoice is issued at the start of a cycle C and holds:
//   - C's subscriptions at full price, billed in advance (KindSubscription);
//   - the prorated credits and charges of every change made during the
//     previous cycle, billed in arrears (KindProrationCredit,
//     KindProrationCharge);
//   - the pay-as-you-go overage of the last calendar month (KindOverage,
//     OverageMonth): overage is billed monthly in arrears whatever the
//     subscription cycle, so with an anchored cycle starting on the 15th the
//     invoice of 15 February bills January's overage;
//   - one-off charges of the previous cycle, such as the remainder of a
//     released annual contract (KindCharge);
//   - any credit carried forward from the previous invoice
//     (KindCreditBroughtForward).
//
// Credits never make an invoice negative: when credits exceed charges the
// invoice adds a KindCreditCarriedForward line for the excess, its Total is
// zero and CarriedForward holds the credit for the next invoice. The lines of
// an invoice always add up to its Total. Numbering, currency and dates of
// issue are the caller's; an Invoice is a plain value.
//
// # Recommendation
//
// Recommend compares, from the previous cycle's real usage per region, the
// cost of the current packages, of pay-as-you-go only, of the cheapest mix of
// regional packages and of Global, and recommends the cheapest. Calling more
// than three international regions makes Global "usually" cheaper: the
// recommendation says so, with the figures, when the figures agree.
//
// Money is shopspring/decimal throughout and marshals to JSON as strings.
package billing
