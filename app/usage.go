package portal

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/account"
)

// UsagePage is Usage & billing: the team's minutes and calls of a month,
// overage (pay-as-you-go) charges, the active packages, bundle minutes left
// and spend against the cap, two charts, and the invoices with their lines.
type UsagePage struct {
	app.Compo

	s       signedIn
	month   string // "2026-11"; "" is the current month
	loading bool
	step    int // of loadSteps done
	loadErr error
	usage   usageResponse
	acct    accountResponse
	invs    []invoiceSummary

	ctx app.Context // the page's own, kept at mount (see PackagesPage.ctx)

	invID   string // invoice shown
	inv     *invoiceResponse
	invBusy bool
	invErr  error
}

// OnMount marks the page interactive and loads the session and the usage.
func (p *UsagePage) OnMount(ctx app.Context) {
	p.ctx = ctx
	markMounted("usage")
	loadSession(ctx, func(me *Me, err error) {
		p.s = signedIn{checked: true, me: me, err: err}
		if me != nil {
			p.load(ctx)
		}
	})
}

// loadSteps are the requests that load the page, in order, for its
// progress bar.
var loadSteps = []string{"Loading the month's calls", "Loading your plan", "Loading your invoices"}

func (p *UsagePage) load(ctx app.Context) {
	p.loading, p.loadErr, p.step = true, nil, 0
	month := p.month
	ctx.Async(func() {
		done := func(step int) {
			ctx.Dispatch(func(app.Context) {
				if p.loading {
					p.step = step
				}
			})
		}
		var u usageResponse
		var a accountResponse
		var invs struct {
			Invoices []invoiceSummary `json:"invoices"`
		}
		path := "/v1/usage"
		if month != "" {
			path += "?month=" + month
		}
		err := callAPI("GET", path, nil, &u, nil)
		if err == nil {
			done(1)
			err = callAPI("GET", "/v1/account", nil, &a, nil)
		}
		if err == nil {
			done(2)
			err = callAPI("GET", "/v1/invoices", nil, &invs, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loading, p.loadErr = false, err
			if err == nil {
				p.usage, p.acct, p.invs = u, a, invs.Invoices
				if p.month == "" {
					p.month = u.Month
				}
			}
		})
	})
}

func (p *UsagePage) onMonth(ctx app.Context, e app.Event) {
	p.month = ctx.JSSrc().Get("value").String()
	p.load(ctx)
}

func (p *UsagePage) showInvoice(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.invID, p.inv, p.invErr, p.invBusy = id, nil, nil, true
		// The page's context: "Try again" is gone once pressed, and go-app
		// drops what is dispatched from an element no longer there.
		pc := p.ctx
		pc.Async(func() {
			var inv invoiceResponse
			err := callAPI("GET", "/v1/invoices/"+id, nil, &inv, nil)
			pc.Dispatch(func(ctx app.Context) {
				if p.invID != id {
					return
				}
				p.invBusy, p.invErr = false, err
				if err == nil {
					p.inv = &inv
					focusAfterRender(ctx, "invoice-title")
				}
			})
		})
	}
}

// Render draws the page.
func (p *UsagePage) Render() app.UI {
	return accountFrame("usage", p.s, p.content)
}

// months lists the last twelve months, newest first, from the current one.
func months(current string) []string {
	t, err := time.Parse("2006-01", current)
	if err != nil {
		t = now()
	}
	out := make([]string, 12)
	for i := range out {
		out[i] = time.Date(t.Year(), t.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	}
	return out
}

func monthWords(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}

func (p *UsagePage) content() app.UI {
	if p.loadErr != nil {
		return pageError("load-error", p.loadErr)
	}
	if p.usage.Month == "" {
		return progressBar("usage-loading", loadSteps[min(p.step, len(loadSteps)-1)]+"…", p.step, len(loadSteps))
	}
	u, cur := p.usage, p.usage.Currency
	thisMonth := now().Format("2006-01")
	if p.acct.Bundle.Month != "" {
		thisMonth = p.acct.Bundle.Month
	}
	capText := "no cap"
	if u.PAYG.Capped {
		capText = "of a " + core.FormatMoney(u.PAYG.Cap, cur) + " cap"
		if u.PAYG.Percent != nil {
			capText += fmt.Sprintf(" (%d%%)", *u.PAYG.Percent)
		}
	}
	return app.Div().Body(
		app.Div().Class("toolbar").Body(
			app.Div().Class("field").Body(
				app.Label().For("month").Text("Month"),
				app.Select().ID("month").OnChange(p.onMonth).Body(app.Range(months(thisMonth)).Slice(func(i int) app.UI {
					m := months(thisMonth)[i]
					return app.Option().Value(m).Text(monthWords(m)).Selected(m == p.month)
				})),
			),
			app.If(p.loading, func() app.UI {
				return progressBar("usage-progress", loadSteps[min(p.step, len(loadSteps)-1)]+"…", p.step, len(loadSteps))
			}),
		),
		app.Div().Class("cards").ID("usage-cards").Body(
			card("total-minutes", "Total minutes", strconv.Itoa(u.Minutes), fmt.Sprintf("%d calls across the team", u.Calls)),
			card("overage", "Overage charges", core.FormatMoney(u.OverageCharges, cur), "pay-as-you-go, billed monthly"),
			card("bundle-left", "Bundle minutes left", strconv.Itoa(u.Bundle.Left), fmt.Sprintf("%d of %d pooled minutes used", u.Bundle.Used, u.Bundle.Size)),
			card("payg-spend", "Pay-as-you-go spend", core.FormatMoney(u.PAYG.Spent, cur), capText),
		),
		app.Section().Class("panel").Aria("labelledby", "minutes-title").Body(
			app.H2().ID("minutes-title").Text("Minutes per day, "+monthWords(u.Month)),
			app.Div().Class("chart-wrap").Body(app.Raw(minutesChartSVG(u.Days))),
		),
		app.Section().Class("panel").Aria("labelledby", "spend-title").Body(
			app.H2().ID("spend-title").Text("Spend against your cap"),
			app.Div().Class("chart-wrap").Body(app.Raw(spendChartSVG(u.PAYG.Spent, u.PAYG.Cap, u.PAYG.Capped, account.CapThresholds(p.acct.Settings.Thresholds), cur))),
			app.Div().Class("chart-legend").Body(
				app.Strong().ID("spend-spent").Text("Spent "+core.FormatMoney(u.PAYG.Spent, cur)),
				app.Span().ID("spend-cap").Text(capLegend(u.PAYG, account.CapThresholds(p.acct.Settings.Thresholds), cur)),
			),
		),
		p.renderPackages(),
		p.renderUsers(),
		p.renderInvoices(),
	)
}

func card(id, title, value, note string) app.UI {
	return app.Div().Class("card").ID(id).Body(
		app.Div().Class("card-title").Text(title),
		app.Div().Class("card-value").Text(value),
		app.Div().Class("card-note").Text(note),
	)
}

// renderPackages lists the active packages: each package with how many users
// hold it.
func (p *UsagePage) renderPackages() app.UI {
	type held struct {
		name  string
		users []string
	}
	byCode := map[string]*held{}
	var codes []string
	for _, u := range p.acct.Users {
		for _, pk := range u.Packages {
			h := byCode[pk.Code]
			if h == nil {
				h = &held{name: pk.Name}
				byCode[pk.Code] = h
				codes = append(codes, pk.Code)
			}
			h.users = append(h.users, u.Name)
		}
	}
	sort.Strings(codes)
	return app.Section().Class("panel").ID("active-packages").Aria("labelledby", "active-title").Body(
		app.H2().ID("active-title").Text("Active packages"),
		app.Ul().Class("plain").Body(
			app.Li().Text("Unlimited US & Canada — included for everyone"),
			app.Range(codes).Slice(func(i int) app.UI {
				h := byCode[codes[i]]
				return app.Li().Text(fmt.Sprintf("%s — %d user%s: %s", h.name, len(h.users), plural(len(h.users)), joinNames(h.users)))
			}),
			app.Range(p.acct.Subscriptions).Slice(func(i int) app.UI {
				s := p.acct.Subscriptions[i]
				return app.Li().Text(fmt.Sprintf("%s × %d", s.Name, s.Quantity))
			}),
		),
	)
}

func (p *UsagePage) renderUsers() app.UI {
	if len(p.usage.Users) == 0 {
		return app.Section().Class("panel").Body(app.H2().Text("Calls by user"), app.P().Class("hint").ID("no-calls").Text("No calls in "+monthWords(p.usage.Month)+"."))
	}
	cur := p.usage.Currency
	return app.Section().Class("panel").Aria("labelledby", "by-user-title").Body(
		app.H2().ID("by-user-title").Text("Calls by user"),
		app.Div().Class("table-wrap").Body(app.Table().Class("data").ID("usage-users").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("User"),
				app.Th().Scope("col").Class("num").Text("Calls"),
				app.Th().Scope("col").Class("num").Text("Minutes"),
				app.Th().Scope("col").Class("num").Text("Pay-as-you-go"),
			)),
			app.TBody().Body(app.Range(p.usage.Users).Slice(func(i int) app.UI {
				r := p.usage.Users[i]
				name := r.Key
				for _, u := range p.acct.Users {
					if u.ID == r.Key {
						name = u.Name
					}
				}
				return app.Tr().Body(
					app.Th().Scope("row").Text(name),
					app.Td().Class("num").Text(strconv.Itoa(r.Calls)),
					app.Td().Class("num").Text(strconv.Itoa(r.Minutes)),
					app.Td().Class("num").Text(core.FormatMoney(r.PAYG, cur)),
				)
			})),
		)),
	)
}

func (p *UsagePage) renderInvoices() app.UI {
	return app.Section().Class("panel").ID("invoices").Aria("labelledby", "invoices-title").Body(
		app.H2().ID("invoices-title").Text("Invoices"),
		app.Div().Class("table-wrap").Body(app.Table().Class("data stack").ID("invoice-list").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("Billing period"),
				app.Th().Scope("col").Text("Status"),
				app.Th().Scope("col").Class("num").Text("Total"),
				app.Th().Scope("col").Body(app.Span().Class("sr-only").Text("Details")),
			)),
			app.TBody().Body(app.Range(p.invs).Slice(func(i int) app.UI {
				inv := p.invs[i]
				status := "Issued"
				if inv.Status == "upcoming" {
					status = "Upcoming (preview)"
				}
				return app.Tr().Body(
					app.Th().Scope("row").Text(periodWords(inv.Start, inv.End)),
					app.Td().DataSet("label", "Status").Text(status),
					app.Td().Class("num").DataSet("label", "Total").Text(core.FormatMoney(inv.Total, inv.Currency)),
					app.Td().Body(app.Button().Type("button").Class("button small secondary").ID("invoice-"+inv.ID).
						Aria("label", "Show the invoice for "+periodWords(inv.Start, inv.End)).Text("Show").OnClick(p.showInvoice(inv.ID))),
				)
			})),
		)),
		app.If(p.invBusy, func() app.UI { return progressBar("invoice-progress", p.invoiceWork(), 0, 0) }),
		p.renderInvoiceError(),
		app.If(p.inv != nil, func() app.UI { return renderInvoice(p.inv) }),
	)
}

// invoiceWork says what the server does while an invoice is on its way: the
// upcoming one is generated on request from this cycle's subscriptions,
// changes and the previous cycle's overage; an issued one is only read.
func (p *UsagePage) invoiceWork() string {
	if p.invID == "upcoming" {
		return "Generating the upcoming invoice: subscriptions, prorated changes and last cycle's overage…"
	}
	return "Loading the invoice…"
}

// renderInvoiceError says in words why the invoice is not shown, with a
// button to try again.
func (p *UsagePage) renderInvoiceError() app.UI {
	if p.invErr == nil {
		return nil
	}
	what := "the invoice could not be loaded"
	if p.invID == "upcoming" {
		what = "the upcoming invoice could not be generated"
	}
	err := p.invErr
	if !isSignedOut(err) {
		err = fmt.Errorf("%s: %s", what, err.Error())
	}
	return app.Div().Body(
		pageError("invoice-error", err),
		app.Div().Class("actions").Body(
			app.Button().Type("button").Class("button secondary small").ID("invoice-retry").Text("Try again").OnClick(p.showInvoice(p.invID)),
		),
	)
}

// periodWords writes a cycle [start, end) as "1 Nov – 30 Nov 2026".
func periodWords(start, end time.Time) string {
	last := end.AddDate(0, 0, -1)
	return start.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
}

// renderInvoice draws one invoice: its lines (base subscriptions, prorated
// additions and credits, the previous cycle's overage) and totals.
func renderInvoice(r *invoiceResponse) app.UI {
	inv, cur := r.Invoice, r.Currency
	title := "Invoice for " + periodWords(inv.Cycle.Start, inv.Cycle.End)
	if r.Status == "upcoming" {
		title = "Upcoming invoice (preview) for " + periodWords(inv.Cycle.Start, inv.Cycle.End)
	}
	return app.Div().ID("invoice-detail").Class("invoice").Body(
		app.H3().ID("invoice-title").TabIndex(-1).Text(title),
		app.Div().Class("table-wrap").Body(app.Table().Class("data").ID("invoice-lines").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Scope("col").Text("What"),
				app.Th().Scope("col").Text("Description"),
				app.Th().Scope("col").Class("num").Text("Qty"),
				app.Th().Scope("col").Class("num").Text("Amount"),
			)),
			app.TBody().Body(app.Range(inv.Lines).Slice(func(i int) app.UI {
				l := inv.Lines[i]
				desc := l.Description
				if l.Days > 0 && l.CycleDays > 0 && l.Days != l.CycleDays {
					desc += fmt.Sprintf(" (%d of %d days)", l.Days, l.CycleDays)
				}
				qty := ""
				if l.Quantity > 0 {
					qty = strconv.Itoa(l.Quantity)
				}
				return app.Tr().Class("line-"+l.Kind.String()).Body(
					app.Td().Text(lineKindWords(l.Kind)),
					app.Td().Text(desc),
					app.Td().Class("num").Text(qty),
					app.Td().Class("num").Text(core.FormatMoney(l.Amount, cur)),
				)
			})),
			app.TFoot().Body(
				app.Tr().Body(app.Th().Scope("row").ColSpan(3).Text("Subtotal"), app.Td().Class("num").Text(core.FormatMoney(inv.Subtotal, cur))),
				app.Tr().Class("total").Body(app.Th().Scope("row").ColSpan(3).Text("Total due"), app.Td().Class("num").ID("invoice-total").Text(core.FormatMoney(inv.Total, cur))),
			),
		)),
		app.If(!inv.OveragePeriod.IsZero(), func() app.UI {
			return app.P().Class("hint").Text("Pay-as-you-go overage is for " + periodWords(inv.OveragePeriod.Start, inv.OveragePeriod.End) + ".")
		}),
	)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// capLegend says what the spend chart's marks are.
func capLegend(p paygJSON, thresholds []int, cur string) string {
	if !p.Capped {
		return "No cap"
	}
	s := "Cap " + core.FormatMoney(p.Cap, cur)
	if len(thresholds) > 0 {
		s += " · notified at " + thresholdsText(thresholds) + " %"
	}
	return s
}
