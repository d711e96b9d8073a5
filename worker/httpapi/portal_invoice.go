package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// IssueInvoice issues the tenant's invoice for the billing cycle running
// now, if it was not issued yet (ok=false then, with the invoice issued
// before): the account's subscriptions for the cycle, the prorated changes
// recorded during the previous cycle, last month's pay-as-you-go spend and
// released contracts' remainders (account.InvoiceInput), and the credit
// carried by the previous invoice. Meant for the cron trigger at the start
// of a cycle: the subscriptions are the account's when it runs.
func (s *Server) IssueInvoice(ctx context.Context, tenant string) (inv worker.StoredInvoice, ok bool, err error) {
	return s.issueInvoice(ctx, tenant, false)
}

// IssueWindowDays is how many days into a cycle IssueInvoices still issues
// its invoice (a cron run missed on the 1st is caught up); later, a tenant
// without one (e.g. onboarded mid-cycle) waits for the next cycle.
const IssueWindowDays = 3

// errOutsideWindow: the cycle is too far along for IssueInvoices.
var errOutsideWindow = core.Errorf(core.Conflict, "the cycle started too long ago to invoice it now")

func (s *Server) issueInvoice(ctx context.Context, tenant string, window bool) (inv worker.StoredInvoice, ok bool, err error) {
	store, err := s.portalStore()
	if err != nil {
		return worker.StoredInvoice{}, false, err
	}
	a, err := s.account(ctx, tenant)
	if err != nil {
		return worker.StoredInvoice{}, false, err
	}
	now := s.now()
	cyc := accountCycle(a, now)
	if window && cyc.Days()-cyc.RemainingDays(now) >= IssueWindowDays {
		return worker.StoredInvoice{}, false, errOutsideWindow
	}
	id := invoiceID(cyc)
	if old, err := store.Invoice(ctx, tenant, id); err == nil {
		return old, false, nil
	} else if core.ErrorCode(err) != core.NotFound {
		return worker.StoredInvoice{}, false, err
	}
	built, err := s.buildInvoice(ctx, tenant, a, cyc)
	if err != nil {
		return worker.StoredInvoice{}, false, err
	}
	body, err := json.Marshal(built)
	if err != nil {
		return worker.StoredInvoice{}, false, err
	}
	inv = worker.StoredInvoice{Tenant: tenant, ID: id, Cycle: cyc, Total: built.Total.StringFixed(2),
		Currency: a.Catalog().Currency(), Body: body, Issued: now.UTC()}
	if err := store.CreateInvoice(ctx, inv); err != nil {
		if core.ErrorCode(err) == core.Conflict {
			// Issued concurrently.
			old, gerr := store.Invoice(ctx, tenant, id)
			if gerr == nil {
				return old, false, nil
			}
		}
		return worker.StoredInvoice{}, false, err
	}
	return inv, true, nil
}

// IssueInvoices issues the current cycle's invoice of every tenant that has
// an account and none yet, within the first IssueWindowDays of the cycle;
// it goes on past failures and returns them joined. It is idempotent, so
// the cron trigger may call it on every run.
func (s *Server) IssueInvoices(ctx context.Context) (issued int, err error) {
	// Cycles are calendar months in the accounts' zones (UTC−12 to +14):
	// away from the turn of a UTC month no cycle can be in its window, so
	// the accounts are not even loaded.
	u := s.now().UTC()
	if u.Day() > IssueWindowDays+1 && u.AddDate(0, 0, 1).Month() == u.Month() {
		return 0, nil
	}
	ids, err := s.cfg.Tenants.TenantIDs(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, id := range ids {
		_, ok, err := s.issueInvoice(ctx, id, true)
		switch {
		case err == errOutsideWindow:
		case err != nil && core.ErrorCode(err) == core.NotFound:
			// no account yet
		case err != nil:
			errs = append(errs, err)
		case ok:
			issued++
		}
	}
	return issued, errors.Join(errs...)
}

// invoiceID names the invoice of a cycle by its first day, "2026-12-01".
func invoiceID(c billing.Cycle) string { return c.Start.Format("2006-01-02") }

// buildInvoice builds the invoice issued at the start of cyc.
func (s *Server) buildInvoice(ctx context.Context, tenant string, a *account.Account, cyc billing.Cycle) (billing.Invoice, error) {
	store := s.cfg.Portal.Store
	in := a.InvoiceInput(cyc)
	prev := cyc.Prev()
	changes, err := store.BillingChanges(ctx, tenant, prev.Start, prev.End)
	if err != nil {
		return billing.Invoice{}, err
	}
	in.Changes = changes
	list, err := store.Invoices(ctx, tenant)
	if err != nil {
		return billing.Invoice{}, err
	}
	for _, sum := range list { // newest first
		if !sum.Cycle.Start.Before(cyc.Start) {
			continue
		}
		last, err := store.Invoice(ctx, tenant, sum.ID)
		if err != nil {
			return billing.Invoice{}, err
		}
		var inv billing.Invoice
		if err := json.Unmarshal(last.Body, &inv); err != nil {
			return billing.Invoice{}, core.Errorf(core.Internal, "invoice %q body: %v", sum.ID, err)
		}
		in.CreditBroughtForward = inv.CarriedForward
		late, err := latePAYG(ctx, store, tenant, a, cyc, last.Issued)
		if err != nil {
			return billing.Invoice{}, err
		}
		in.Overage = append(in.Overage, late...)
		break
	}
	return billing.BuildInvoice(in)
}

// latePAYG returns, one line per month, the pay-as-you-go charges to months
// that an earlier invoice billed, rated after the last invoice was issued
// at `after`: calls whose CDR came late, when their month's spend had been
// invoiced already. Invoice cycle c bills the month before it starts in
// (account.InvoiceInput); the ledger records each charge with the month
// whose usage it went to (account.Rating.Month), so a charge to an earlier
// month rated after the last invoice is on no invoice yet. Only the month
// before the account's current one takes late charges (older calls go to
// the current month), so the calls started in the three months before the
// billed one are all that can hold one. A CDR rated in the very second the
// last invoice was issued counts as billed by it.
func latePAYG(ctx context.Context, store worker.Portal, tenant string, a *account.Account, c billing.Cycle, after time.Time) ([]billing.Overage, error) {
	billedMonth := a.UsageAt(c.Start.Add(-time.Nanosecond)).Month // as InvoiceInput bills it
	billed := billedMonth.Format("2006-01")
	calls, err := store.Calls(ctx, tenant, billedMonth.AddDate(0, -3, 0), billedMonth)
	if err != nil {
		return nil, err
	}
	after = after.Truncate(time.Second)
	type late struct {
		amount  decimal.Decimal
		seconds int
	}
	byMonth := map[string]*late{}
	for _, call := range calls {
		if !call.ReceivedAt.After(after) {
			continue
		}
		for _, ch := range call.Charges {
			if ch.CoveredBy != "payg" || ch.Cycle >= billed {
				continue
			}
			amount, err := decimal.NewFromString(ch.Amount)
			if err != nil {
				return nil, core.Errorf(core.Internal, "call %q: charge amount %q: %v", call.CallID, ch.Amount, err)
			}
			l := byMonth[ch.Cycle]
			if l == nil {
				l = &late{amount: decimal.Zero}
				byMonth[ch.Cycle] = l
			}
			l.amount = l.amount.Add(amount)
			l.seconds += ch.Quantity
		}
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	sort.Strings(months)
	var out []billing.Overage
	for _, m := range months {
		l := byMonth[m]
		if !l.amount.IsPositive() {
			continue
		}
		name := m
		if t, err := time.Parse("2006-01", m); err == nil {
			name = t.Format("January 2006")
		}
		out = append(out, billing.Overage{Code: "payg-late", Minutes: (l.seconds + 59) / 60, Amount: l.amount,
			Description: "Pay-as-you-go calls of " + name + " rated after its invoice"})
	}
	return out, nil
}

// InvoiceCron is a cron handler that runs Next (the worker's cron) and then
// issues the invoices of cycles that began (Server.IssueInvoices). The
// trigger fails (500) if either failed; invoices are still attempted when
// Next failed.
type InvoiceCron struct {
	Next web.Handler
	API  *Server
}

// ServeWeb implements web.Handler.
func (c *InvoiceCron) ServeWeb(w web.ResponseWriter, r *web.Request) {
	rec := web.NewRecorder()
	if c.Next != nil {
		c.Next.ServeWeb(rec, r)
	}
	n, err := c.API.IssueInvoices(r.Context())
	status := rec.Status()
	msg := rec.Body.String()
	if err != nil {
		log.Printf("cron: issuing invoices: %v", err)
		status = web.StatusInternalServerError
		msg += "issuing invoices failed\n"
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	fmt.Fprintf(w, "%sissued %d invoices\n", msg, n)
}
