package httpapi

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
	"github.com/tollgate-voice/tollgate/core/billing"
	"github.com/tollgate-voice/tollgate/worker"
	"github.com/tollgate-voice/tollgate/worker/web"
)

// UsageResponse answers GET /v1/usage: the calls of a calendar month.
type UsageResponse struct {
	Month          string         `json:"month"` // "2026-11"
	Currency       string         `json:"currency"`
	Bundle         BundleJSON     `json:"bundle"`
	PAYG           PAYGJSON       `json:"payg"`
	Calls          int            `json:"calls"`
	Minutes        int            `json:"minutes"`         // total talk time, whole minutes rounded up
	OverageCharges string         `json:"overage_charges"` // pay-as-you-go charges of the month's calls
	Days           []UsageDayJSON `json:"days"`            // every day of the month, in order
	Users          []UsageRowJSON `json:"users"`
	Covers         []UsageRowJSON `json:"covers"` // by what paid: free, package, bundle, payg
}

// UsageDayJSON is one day's calls.
type UsageDayJSON struct {
	Date    string `json:"date"` // "2026-11-22" in the account's zone
	Calls   int    `json:"calls"`
	Minutes int    `json:"minutes"`
	PAYG    string `json:"payg"`
}

// UsageRowJSON is the calls of one user or one cover.
type UsageRowJSON struct {
	Key     string `json:"key"`
	Calls   int    `json:"calls"`
	Minutes int    `json:"minutes"`
	PAYG    string `json:"payg"`
}

type usageAgg struct {
	calls, secs int
	payg        decimal.Decimal
}

func (g *usageAgg) add(secs int, payg decimal.Decimal) {
	g.calls++
	g.secs += secs
	g.payg = g.payg.Add(payg)
}

func (g usageAgg) row(key string) UsageRowJSON {
	return UsageRowJSON{Key: key, Calls: g.calls, Minutes: (g.secs + 59) / 60, PAYG: core.RoundInvoice(g.payg).StringFixed(2)}
}

func (s *Server) getUsage(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	loc := a.Settings().Location
	if loc == nil {
		loc = time.UTC
	}
	now := s.now().In(loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	if m := r.URL.Query().Get("month"); m != "" {
		t, err := time.ParseInLocation("2006-01", m, loc)
		if err != nil {
			return core.FieldErrorf(core.Invalid, "month", "must be a month like 2026-11")
		}
		month = t
	}
	end := month.AddDate(0, 1, 0)
	calls, err := s.cfg.Portal.Store.Calls(ctx, v.tenant.ID, month, end)
	if err != nil {
		return err
	}
	out := UsageResponse{Month: month.Format("2006-01"), Currency: a.Catalog().Currency(), Days: []UsageDayJSON{},
		Users: []UsageRowJSON{}, Covers: []UsageRowJSON{}}
	out.Bundle, out.PAYG = usageJSON(a, month)
	var total usageAgg
	days := map[string]*usageAgg{}
	users := map[string]*usageAgg{}
	covers := map[string]*usageAgg{}
	get := func(m map[string]*usageAgg, k string) *usageAgg {
		g := m[k]
		if g == nil {
			g = &usageAgg{}
			m[k] = g
		}
		return g
	}
	for _, c := range calls {
		payg := decimal.Zero
		cover := "free"
		for _, ch := range c.Charges {
			if ch.CoveredBy == "payg" {
				if amt, err := decimal.NewFromString(ch.Amount); err == nil {
					payg = payg.Add(amt)
				}
			}
			if ch.CoveredBy != "free" || cover == "free" {
				cover = ch.CoveredBy
			}
		}
		total.add(c.Seconds, payg)
		get(days, c.Start.In(loc).Format("2006-01-02")).add(c.Seconds, payg)
		get(users, c.User).add(c.Seconds, payg)
		get(covers, cover).add(c.Seconds, payg)
	}
	out.Calls, out.Minutes = total.calls, (total.secs+59)/60
	out.OverageCharges = core.RoundInvoice(total.payg).StringFixed(2)
	for d := month; d.Before(end); d = d.AddDate(0, 0, 1) {
		k := d.Format("2006-01-02")
		g := usageAgg{}
		if p := days[k]; p != nil {
			g = *p
		}
		row := g.row(k)
		out.Days = append(out.Days, UsageDayJSON{Date: k, Calls: row.Calls, Minutes: row.Minutes, PAYG: row.PAYG})
	}
	for _, m := range []struct {
		src map[string]*usageAgg
		dst *[]UsageRowJSON
	}{{users, &out.Users}, {covers, &out.Covers}} {
		keys := make([]string, 0, len(m.src))
		for k := range m.src {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			*m.dst = append(*m.dst, m.src[k].row(k))
		}
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// InvoiceSummaryJSON is an invoice in the list.
type InvoiceSummaryJSON struct {
	ID       string    `json:"id"` // "upcoming" for the preview of the next one
	Status   string    `json:"status"`
	Start    time.Time `json:"cycle_start"`
	End      time.Time `json:"cycle_end"`
	Total    string    `json:"total"`
	Currency string    `json:"currency"`
	Issued   *string   `json:"issued"`
}

// InvoiceResponse answers GET /v1/invoices/{id}.
type InvoiceResponse struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"` // issued or upcoming
	Currency string          `json:"currency"`
	Invoice  billing.Invoice `json:"invoice"`
}

// upcoming builds the invoice to be issued at the start of the next cycle
// as things stand: the current subscriptions, this cycle's changes
// prorated, this month's pay-as-you-go spend and released contracts'
// remainders, less any credit carried by the last issued invoice.
func (s *Server) upcoming(r *web.Request, tenant string, a *account.Account) (billing.Invoice, error) {
	return s.buildInvoice(r.Context(), tenant, a, accountCycle(a, s.now()).Next())
}

func (s *Server) listInvoices(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	up, err := s.upcoming(r, v.tenant.ID, a)
	if err != nil {
		return err
	}
	cur := a.Catalog().Currency()
	out := struct {
		Invoices []InvoiceSummaryJSON `json:"invoices"`
	}{Invoices: []InvoiceSummaryJSON{{ID: "upcoming", Status: "upcoming", Start: up.Cycle.Start, End: up.Cycle.End,
		Total: up.Total.StringFixed(2), Currency: cur}}}
	list, err := s.cfg.Portal.Store.Invoices(r.Context(), v.tenant.ID)
	if err != nil {
		return err
	}
	for _, inv := range list {
		issued := inv.Issued.UTC().Format(time.RFC3339)
		out.Invoices = append(out.Invoices, InvoiceSummaryJSON{ID: inv.ID, Status: "issued", Start: inv.Cycle.Start, End: inv.Cycle.End,
			Total: inv.Total, Currency: inv.Currency, Issued: &issued})
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

func (s *Server) getInvoice(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedIn(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if id == "upcoming" {
		a, err := s.account(r.Context(), v.tenant.ID)
		if err != nil {
			return err
		}
		up, err := s.upcoming(r, v.tenant.ID, a)
		if err != nil {
			return err
		}
		respond(w, r, web.StatusOK, InvoiceResponse{ID: id, Status: "upcoming", Currency: a.Catalog().Currency(), Invoice: up})
		return nil
	}
	inv, err := s.cfg.Portal.Store.Invoice(r.Context(), v.tenant.ID, id)
	if err != nil {
		return err
	}
	out := InvoiceResponse{ID: inv.ID, Status: "issued", Currency: inv.Currency}
	if err := json.Unmarshal(inv.Body, &out.Invoice); err != nil {
		return core.Errorf(core.Internal, "invoice %q body: %v", id, err)
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// NotificationJSON is a message of the portal's inbox.
type NotificationJSON struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"` // threshold, ...
	Message string    `json:"message"`
	At      time.Time `json:"at"`
	// MonthOnly: the notification was not stored when its threshold was
	// crossed (usage recorded another way, e.g. seeded): At is only the
	// month's start, not when it happened.
	MonthOnly bool `json:"month_only,omitempty"`
}

// thresholdNotification is the inbox's notification of threshold percent
// of meter crossed in month (2006-01), with the usage u that crossed it;
// its ID is the same whether it was stored when a CDR crossed it or is
// derived from the usage afterwards.
func thresholdNotification(month string, meter account.Meter, percent int, u account.Usage, st account.Settings, currency string) worker.Notification {
	id := month + "/" + string(meter) + "/" + strconv.Itoa(percent)
	if meter == account.MeterBundle {
		return worker.Notification{ID: id, Kind: "threshold", Message: "Your team used " + strconv.Itoa(percent) + "% of its pooled minutes: " +
			strconv.Itoa(u.BundleMinutes) + " of " + strconv.Itoa(u.BundleSize) + " this month."}
	}
	return worker.Notification{ID: id, Kind: "threshold", Message: "Pay-as-you-go spend reached " + strconv.Itoa(percent) + "% of your cap: " +
		core.FormatMoney(u.PAYG, currency) + " of " + core.FormatMoney(st.Cap, currency) + " this month."}
}

// notices derives this month's threshold notifications from the account's
// usage: each threshold of the cap and of the bundle that usage reached.
// They stand in for the notifications stored when CDRs crossed them, where
// there are none.
func notices(a *account.Account, now time.Time) []NotificationJSON {
	st := a.Settings()
	u := a.UsageAt(now)
	month := u.Month.Format("2006-01")
	currency := a.Catalog().Currency()
	var out []NotificationJSON
	derived := func(meter account.Meter, t int) {
		n := thresholdNotification(month, meter, t, u, st, currency)
		out = append(out, NotificationJSON{ID: n.ID, Kind: n.Kind, Message: n.Message, At: u.Month, MonthOnly: true})
	}
	if st.Capped {
		for _, t := range account.Crossed(account.CapThresholds(st.Thresholds), st.Cap, decimal.Zero, u.PAYG) {
			derived(account.MeterCap, t)
		}
	}
	if u.BundleSize > 0 {
		for _, t := range account.Crossed(st.Thresholds, decimal.NewFromInt(int64(u.BundleSize)), decimal.Zero, decimal.NewFromInt(int64(u.BundleMinutes))) {
			derived(account.MeterBundle, t)
		}
	}
	return out
}

func (s *Server) getNotifications(w web.ResponseWriter, r *web.Request) error {
	v, a, err := s.signedInAccount(r)
	if err != nil {
		return err
	}
	stored, err := s.cfg.Portal.Store.Notifications(r.Context(), v.tenant.ID, 100)
	if err != nil {
		return err
	}
	// The stored notifications, dated when they happened; the derived ones
	// only where none was stored.
	out := struct {
		Notifications []NotificationJSON `json:"notifications"`
	}{Notifications: []NotificationJSON{}}
	for _, n := range stored {
		out.Notifications = append(out.Notifications, NotificationJSON{ID: n.ID, Kind: n.Kind, Message: n.Message, At: n.At.UTC()})
	}
	for _, n := range notices(a, s.now()) {
		if !slices.ContainsFunc(out.Notifications, func(x NotificationJSON) bool { return x.ID == n.ID }) {
			out.Notifications = append(out.Notifications, n)
		}
	}
	slices.SortStableFunc(out.Notifications, func(a, b NotificationJSON) int { return b.At.Compare(a.At) })
	respond(w, r, web.StatusOK, out)
	return nil
}

// AuditJSON is one row of the audit log.
type AuditJSON struct {
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Detail json.RawMessage `json:"detail"`
	At     time.Time       `json:"at"`
}

func (s *Server) getAudit(w web.ResponseWriter, r *web.Request) error {
	v, err := s.signedInAdmin(r)
	if err != nil {
		return err
	}
	rows, err := s.cfg.Portal.Store.AuditLog(r.Context(), v.tenant.ID, 200)
	if err != nil {
		return err
	}
	out := struct {
		Entries []AuditJSON `json:"entries"`
	}{Entries: []AuditJSON{}}
	for _, e := range rows {
		d := json.RawMessage(e.Detail)
		if !json.Valid(d) {
			d = json.RawMessage("{}")
		}
		out.Entries = append(out.Entries, AuditJSON{Actor: e.Actor, Action: e.Action, Detail: d, At: e.At.UTC()})
	}
	respond(w, r, web.StatusOK, out)
	return nil
}

// refresh makes the next Current re-read the published version.
func (c *Decks) refresh() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}
