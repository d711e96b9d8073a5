package httpapi

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
)

// IssueInvoice issues the tenant's invoice for the billing cycle running
// now, if it was not issued yet (ok=false then, with the invoice issued
// before): the account's subscriptions for the cycle, the prorated changes
// recorded during the previous cycle, last month's pay-as-you-go spend and
// released contracts' remainders (account.InvoiceInput), and the credit
// carried by the previous invoice. Meant for the cron trigger at the start
// of a cycle: the subscriptions are the account's when it runs.
func (s *Server) IssueInvoice(ctx context.Context, tenant string) (inv worker.StoredInvoice, ok bool, err error) {
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
// an account and none yet; it goes on past failures and returns them joined.
func (s *Server) IssueInvoices(ctx context.Context) (issued int, err error) {
	ids, err := s.cfg.Tenants.TenantIDs(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, id := range ids {
		_, ok, err := s.IssueInvoice(ctx, id)
		switch {
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
		break
	}
	return billing.BuildInvoice(in)
}
