package account

import (
	"time"

	"github.com/tollgate-voice/tollgate/core/billing"
)

// BillingItems returns what the account subscribes to, as billing items at
// monthly unit prices, in catalog order: the per-user subscription (one per
// active user, see ActiveUsers, from the catalog's first user product),
// lines and service numbers by product (annual ones too: an unassigned
// number stays billed for its contract), number hosting (one per number
// held, verified business numbers aside as their own carrier hosts them,
// from the catalog's first hosting product, when Settings.HostedNumbers), the unlimited packages assigned to users (one
// per user holding it; included packages are free and left out) and the
// account-level subscriptions (bundles, BYOC, provisioning).
func (a *Account) BillingItems() []billing.Item {
	qty := make([]int, len(a.cat.products))
	if i := a.cat.first(CategoryUser); i >= 0 {
		qty[i] += a.ActiveUsers()
	}
	hosting := a.cat.first(CategoryHosting)
	for _, l := range a.lines {
		qty[a.cat.byCode[l.Product]]++
		if hosting >= 0 && a.settings.HostedNumbers && !l.Verified {
			qty[hosting]++
		}
	}
	for _, u := range a.users {
		for _, code := range u.Packages {
			qty[a.cat.byCode[code]]++
		}
	}
	for _, s := range a.subs {
		qty[a.cat.byCode[s.Product]] += s.Quantity
	}
	var items []billing.Item
	for i, p := range a.cat.products {
		if qty[i] > 0 && !(p.Category == CategoryPackage && p.Included) {
			items = append(items, billing.Item{Code: p.Code, Description: p.Name, Quantity: qty[i], UnitPrice: p.MonthlyPrice})
		}
	}
	return items
}

// InvoiceInput returns the input of the invoice issued at the start of
// cycle c: the current subscriptions, the pay-as-you-go spend of the
// calendar month before the one c starts in as Overage (PAYG is billed
// monthly by calendar month, whatever the subscription cycle; Overage is
// call usage only) and the remainders of annual contracts released during
// the previous cycle as OneOff charges. Mid-cycle changes
// (billing.Change) are recorded by the caller, who knows the old and new
// items; CreditBroughtForward comes from the previous invoice.
func (a *Account) InvoiceInput(c billing.Cycle) billing.InvoiceInput {
	in := billing.InvoiceInput{Cycle: c, Subscriptions: a.BillingItems()}
	lastMonth := monthStart(a.periodOf(c.Start), a.loc).Add(-time.Nanosecond)
	if u := a.UsageAt(lastMonth); u.PAYG.IsPositive() {
		in.Overage = append(in.Overage, billing.Overage{Code: "payg", Minutes: u.PAYGMinutes,
			Description: "Pay-as-you-go calls, " + u.Month.Format("January 2006"), Amount: u.PAYG})
	}
	prev := c.Prev()
	for _, d := range a.dues {
		if prev.Contains(d.At) {
			in.OneOff = append(in.OneOff, billing.Charge{Code: d.Code, Description: d.Description, Amount: d.Amount})
		}
	}
	return in
}
