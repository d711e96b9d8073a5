package billing

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
)

// Change is a mid-cycle change of an account's items: from Old to New,
// effective at At (the change day belongs to New).
type Change struct {
	At  time.Time `json:"at"`
	Old []Item    `json:"old"`
	New []Item    `json:"new"`
}

// Overage is pay-as-you-go usage to bill: for instance the calls of one
// region outside any package. Amount is the exact sum of the rated calls
// (core.RoundCall precision); it is rounded when it becomes an invoice line.
type Overage struct {
	Code        string          `json:"code"`
	Description string          `json:"description,omitempty"`
	Minutes     int             `json:"minutes"`
	Amount      decimal.Decimal `json:"amount"`
}

// Charge is a one-off amount billed in arrears on the next invoice, such as
// the remainder of an annual number contract released during the previous
// cycle. Amount is exact; it is rounded when it becomes an invoice line.
type Charge struct {
	Code        string          `json:"code"`
	Description string          `json:"description,omitempty"`
	Amount      decimal.Decimal `json:"amount"`
}

// InvoiceInput is what BuildInvoice needs for the invoice issued at the start
// of Cycle.
type InvoiceInput struct {
	// Cycle is the cycle the invoice is issued for, at its Start.
	Cycle Cycle `json:"cycle"`
	// Subscriptions are the items held at the start of Cycle, billed in
	// advance for the whole cycle.
	Subscriptions []Item `json:"subscriptions"`
	// Changes are the changes made during the previous cycle (Cycle.Prev()),
	// billed prorated in arrears, in any order.
	Changes []Change `json:"changes,omitempty"`
	// Overage is the pay-as-you-go usage of OverageMonth(Cycle): the last
	// calendar month, whatever the subscription cycle.
	Overage []Overage `json:"overage,omitempty"`
	// OneOff are one-off charges of the previous cycle.
	OneOff []Charge `json:"one_off,omitempty"`
	// CreditBroughtForward is the CarriedForward of the previous invoice.
	CreditBroughtForward decimal.Decimal `json:"credit_brought_forward"`
}

// Invoice is a statement for one cycle (see the package documentation for
// what it holds). Charges is the sum of the positive lines and Credits the
// magnitude of the credit lines; Subtotal = Charges − Credits may be negative.
// Total, the amount due, is max(Subtotal, 0) and always equals the sum of the
// Lines, which then include a KindCreditCarriedForward line of
// CarriedForward = max(−Subtotal, 0). Every amount is rounded with
// core.RoundInvoice.
type Invoice struct {
	Cycle          Cycle           `json:"cycle"`
	PreviousCycle  Cycle           `json:"previous_cycle"` // the cycle whose changes are billed
	OveragePeriod  Cycle           `json:"overage_period"` // the calendar month whose overage is billed
	Lines          []Line          `json:"lines"`
	Charges        decimal.Decimal `json:"charges"`
	Credits        decimal.Decimal `json:"credits"`
	Subtotal       decimal.Decimal `json:"subtotal"`
	Total          decimal.Decimal `json:"total"`
	CarriedForward decimal.Decimal `json:"carried_forward"`
}

// OverageMonth returns the calendar month whose pay-as-you-go overage is
// billed on the invoice issued at the start of c: the last calendar month, in
// c's zone, that ended at or before c.Start. Overage is billed monthly
// whatever the subscription cycle; for calendar-month cycles it is c.Prev().
func OverageMonth(c Cycle) Cycle { return MonthlyCycle(c.Start, c.Location(), 1).Prev() }

// BuildInvoice builds the invoice issued at the start of in.Cycle, in this
// line order: subscriptions (in the order given), the proration lines of each
// change in time order, overage, one-off charges, the credit brought forward
// and, when credits exceed charges, the credit carried forward.
//
// Errors (core.Invalid, naming the field): an empty cycle, an invalid item, a
// change outside the previous cycle, an overage or charge with an empty code
// or a negative amount (or minutes), a negative credit brought forward.
func BuildInvoice(in InvoiceInput) (Invoice, error) {
	if err := in.Cycle.check("cycle"); err != nil {
		return Invoice{}, err
	}
	prev := in.Cycle.Prev()
	if err := checkItems("subscriptions", in.Subscriptions); err != nil {
		return Invoice{}, err
	}
	for i, ch := range in.Changes {
		if !prev.Contains(ch.At) {
			return Invoice{}, core.FieldErrorf(core.Invalid, fmt.Sprintf("changes[%d].at", i),
				"change time %s is outside the previous cycle %s", ch.At.Format(time.RFC3339), prev)
		}
		if !validItems(ch.Old) {
			return Invoice{}, checkItems(fmt.Sprintf("changes[%d].old", i), ch.Old)
		}
		if !validItems(ch.New) {
			return Invoice{}, checkItems(fmt.Sprintf("changes[%d].new", i), ch.New)
		}
	}
	for i, o := range in.Overage {
		if o.Code != "" && o.Minutes >= 0 && !o.Amount.IsNegative() {
			continue
		}
		f := fmt.Sprintf("overage[%d]", i)
		switch {
		case o.Code == "":
			return Invoice{}, core.FieldErrorf(core.Invalid, f+".code", "overage code is empty")
		case o.Minutes < 0:
			return Invoice{}, core.FieldErrorf(core.Invalid, f+".minutes", "overage minutes %d are negative", o.Minutes)
		case o.Amount.IsNegative():
			return Invoice{}, core.FieldErrorf(core.Invalid, f+".amount", "overage amount %s is negative", o.Amount)
		}
	}
	for i, ch := range in.OneOff {
		switch {
		case ch.Code == "":
			return Invoice{}, core.FieldErrorf(core.Invalid, fmt.Sprintf("one_off[%d].code", i), "charge code is empty")
		case ch.Amount.IsNegative():
			return Invoice{}, core.FieldErrorf(core.Invalid, fmt.Sprintf("one_off[%d].amount", i),
				"charge amount %s is negative", ch.Amount)
		}
	}
	if in.CreditBroughtForward.IsNegative() {
		return Invoice{}, core.FieldErrorf(core.Invalid, "credit_brought_forward",
			"credit brought forward %s is negative", in.CreditBroughtForward)
	}

	inv := Invoice{Cycle: in.Cycle, PreviousCycle: prev, OveragePeriod: OverageMonth(in.Cycle)}
	n := in.Cycle.Days()
	inv.Lines = make([]Line, 0, len(in.Subscriptions)+2*len(in.Changes)+len(in.Overage)+len(in.OneOff)+2)
	for _, it := range in.Subscriptions {
		inv.Lines = append(inv.Lines, Line{Kind: KindSubscription, Code: it.Code, Description: it.Description,
			Quantity: it.Quantity, UnitPrice: it.UnitPrice, Days: n, CycleDays: n,
			From: in.Cycle.Start, To: in.Cycle.End, Amount: core.RoundInvoice(it.Amount())})
	}
	order := make([]int, len(in.Changes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return in.Changes[a].At.Compare(in.Changes[b].At) })
	pn := prev.Days()
	for _, i := range order {
		ch := in.Changes[i]
		inv.Lines = changeLines(inv.Lines, ch.Old, ch.New, prev, ch.At, prev.RemainingDays(ch.At), pn)
	}
	for _, o := range in.Overage {
		inv.Lines = append(inv.Lines, Line{Kind: KindOverage, Code: o.Code, Description: o.Description,
			Quantity: o.Minutes, From: inv.OveragePeriod.Start, To: inv.OveragePeriod.End,
			Amount: core.RoundInvoice(o.Amount)})
	}
	for _, ch := range in.OneOff {
		inv.Lines = append(inv.Lines, Line{Kind: KindCharge, Code: ch.Code, Description: ch.Description,
			From: prev.Start, To: prev.End, Amount: core.RoundInvoice(ch.Amount)})
	}
	if in.CreditBroughtForward.IsPositive() {
		inv.Lines = append(inv.Lines, Line{Kind: KindCreditBroughtForward,
			Description: "Credit brought forward from the previous invoice",
			Amount:      core.RoundInvoice(in.CreditBroughtForward).Neg()})
	}
	inv.Charges, inv.Credits = decimal.Zero, decimal.Zero
	for i := range inv.Lines {
		if a := inv.Lines[i].Amount; a.IsNegative() {
			inv.Credits = inv.Credits.Sub(a)
		} else {
			inv.Charges = inv.Charges.Add(a)
		}
	}
	inv.Subtotal = inv.Charges.Sub(inv.Credits)
	inv.Total, inv.CarriedForward = inv.Subtotal, decimal.Zero
	if inv.Subtotal.IsNegative() {
		inv.CarriedForward = inv.Subtotal.Neg()
		inv.Total = decimal.Zero
		inv.Lines = append(inv.Lines, Line{Kind: KindCreditCarriedForward,
			Description: "Credit carried forward to the next invoice", Amount: inv.CarriedForward})
	}
	return inv, nil
}
