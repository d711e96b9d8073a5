package portal

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/shopspring/decimal"
	"github.com/tollgate-voice/tollgate/core"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// PackagesPage shows each user's calling packages. An admin changes them:
// add or remove regional packages or upgrade to Global, with the prorated
// quote worked out in the browser by the core before confirming (and checked
// against the server's), then applied once (Idempotency-Key). The
// recommendation from last cycle's calls is shown too.
type PackagesPage struct {
	app.Compo

	s       signedIn
	loading bool
	loadErr error
	pk      packagesResponse
	users   []userJSON
	snap    []byte // the account snapshot the browser quotes on

	editing string          // user whose packages are being changed
	draft   map[string]bool // package codes the user would hold

	quote    *billing.Quote // computed in the browser
	quoteErr error
	server   *billing.Quote // the server's quote of the same change
	checkErr error
	checking bool

	applying bool
	applyErr error
	applied  string
	idemKey  string

	bulk bulkState // the selected users' change

	// ctx is the page's own context, kept at mount: work that outlives the
	// element that started it (the editor's button, gone once applied)
	// reports through it, since go-app drops a Dispatch whose source
	// element is no longer mounted.
	ctx app.Context
}

// OnMount marks the page interactive and loads the session and the data.
func (p *PackagesPage) OnMount(ctx app.Context) {
	p.ctx = ctx
	markMounted("packages")
	loadSession(ctx, func(me *Me, err error) {
		p.s = signedIn{checked: true, me: me, err: err}
		if me != nil {
			p.load(ctx)
		}
	})
}

func (p *PackagesPage) load(ctx app.Context) {
	p.loading, p.loadErr = true, nil
	ctx.Async(func() {
		var pk packagesResponse
		var us usersResponse
		err := callAPI("GET", "/v1/packages", nil, &pk, nil)
		if err == nil {
			err = callAPI("GET", "/v1/users", nil, &us, nil)
		}
		var snap []byte
		if err == nil {
			snap, err = getBytes("/v1/account/snapshot")
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loading, p.loadErr = false, err
			if err == nil {
				p.pk, p.users, p.snap = pk, us.Users, snap
			}
			if p.editing != "" {
				p.requote(ctx)
			}
			if p.bulk.action.Kind != "" {
				p.bulkRequote(ctx)
			}
		})
	})
}

// held returns the codes of the packages a user holds (besides included ones).
func (p *PackagesPage) held(user string) []string {
	var codes []string
	for _, h := range p.pk.Held {
		if h.User == user {
			for _, pj := range h.Packages {
				if !pj.Included {
					codes = append(codes, pj.Code)
				}
			}
		}
	}
	return codes
}

func (p *PackagesPage) startEdit(user string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.editing = user
		p.bulk.action = bulkAction{} // one change at a time
		p.bulkRequote(ctx)
		p.draft = map[string]bool{}
		for _, c := range p.held(user) {
			p.draft[c] = true
		}
		p.applied, p.applyErr, p.idemKey = "", nil, ""
		p.requote(ctx)
		focusAfterRender(ctx, "editor-title")
	}
}

func (p *PackagesPage) cancelEdit(ctx app.Context, e app.Event) {
	p.editing, p.draft, p.quote, p.server = "", nil, nil, nil
	p.quoteErr, p.checkErr = nil, nil
}

func (p *PackagesPage) toggle(code string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.draft[code] = ctx.JSSrc().Get("checked").Bool()
		if code == "pkg-global" && p.draft[code] {
			// Global covers every region: the regional packages go.
			for c := range p.draft {
				p.draft[c] = c == code
			}
		}
		p.idemKey = ""
		p.requote(ctx)
	}
}

func (p *PackagesPage) upgradeGlobal(ctx app.Context, e app.Event) {
	p.draft = map[string]bool{"pkg-global": true}
	p.idemKey = ""
	p.requote(ctx)
}

// change is the edited user's wanted packages, in catalog order.
func (p *PackagesPage) change() []userPackages {
	codes := []string{}
	for _, c := range p.pk.Catalog {
		if p.draft[c.Code] && !c.Included {
			codes = append(codes, c.Code)
		}
	}
	return []userPackages{{User: p.editing, Packages: codes}}
}

func (p *PackagesPage) changed() bool {
	if p.editing == "" {
		return false
	}
	return !slices.Equal(p.change()[0].Packages, orderedCodes(p.pk.Catalog, p.held(p.editing)))
}

func orderedCodes(cat []packageJSON, codes []string) []string {
	out := []string{}
	for _, c := range cat {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

// requote prices the draft in the browser at once, then asks the server for
// its quote of the same change to show that they agree.
func (p *PackagesPage) requote(ctx app.Context) {
	p.quote, p.quoteErr, p.server, p.checkErr = nil, nil, nil, nil
	if !p.changed() || p.snap == nil {
		return
	}
	change := p.change()
	q, err := quotePackageChange(portalCatalog(), p.snap, change, now())
	if err != nil {
		p.quoteErr = err
		return
	}
	p.quote = &q
	p.checking = true
	serverQuote(ctx, change, func(server *billing.Quote, err error) {
		if p.editing != change[0].User || !slices.Equal(p.change()[0].Packages, change[0].Packages) {
			return // the draft changed meanwhile
		}
		p.checking, p.server, p.checkErr = false, server, err
	})
}

// serverQuote asks the edge to quote change (the browser's own quote is
// checked against it) and hands the answer to done on the UI goroutine.
func serverQuote(ctx app.Context, change []userPackages, done func(server *billing.Quote, err error)) {
	ctx.Async(func() {
		var res packageChangeResponse
		err := callAPI("POST", "/v1/packages/quote", map[string]any{"users": change}, &res, nil)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				done(nil, err)
				return
			}
			done(&res.Quote, nil)
		})
	})
}

// applyPackages applies change once per key (a retry sends the same key)
// and hands the answer to done on the UI goroutine.
func applyPackages(ctx app.Context, change []userPackages, key string, done func(res packageChangeResponse, err error)) {
	ctx.Async(func() {
		var res packageChangeResponse
		err := callAPI("POST", "/v1/packages/apply", map[string]any{"users": change}, &res, map[string]string{"Idempotency-Key": key})
		ctx.Dispatch(func(app.Context) { done(res, err) })
	})
}

// adoptApplied shows the packages an applied change left the users with,
// then re-reads the account (its snapshot prices the next change) once the
// write has settled: a read right after it may still see the state before.
// It reports through the page's context: the button that started the
// change is gone by now.
func (p *PackagesPage) adoptApplied(res packageChangeResponse) {
	for _, u := range res.Users {
		for i := range p.pk.Held {
			if p.pk.Held[i].User == u.User {
				p.pk.Held[i].Packages = u.Packages
			}
		}
	}
	p.snap = nil
	p.ctx.After(time.Second, p.load)
}

func (p *PackagesPage) apply(ctx app.Context, e app.Event) {
	if p.applying || !p.changed() {
		return
	}
	if p.idemKey == "" {
		p.idemKey = newIdempotencyKey()
	}
	p.applying, p.applyErr = true, nil
	change, key := p.change(), p.idemKey
	applyPackages(ctx, change, key, func(res packageChangeResponse, err error) {
		p.applying = false
		if err != nil {
			p.applyErr = err
			return
		}
		p.applied = fmt.Sprintf("Done: %s's packages are changed. %s on your next invoice.", p.userName(change[0].User), netWords(res.Quote.Net, res.Currency))
		p.editing, p.draft, p.quote, p.server, p.idemKey = "", nil, nil, nil, ""
		p.adoptApplied(res)
	})
}

func (p *PackagesPage) userName(id string) string {
	for _, u := range p.users {
		if u.ID == id {
			return u.Name
		}
	}
	return id
}

func (p *PackagesPage) currency() string {
	if p.pk.Currency != "" {
		return p.pk.Currency
	}
	return "USD"
}

// Render draws the page.
func (p *PackagesPage) Render() app.UI {
	return accountFrame("packages", p.s, p.content)
}

func (p *PackagesPage) content() app.UI {
	if p.loadErr != nil {
		return pageError("load-error", p.loadErr)
	}
	if p.loading && p.pk.Catalog == nil {
		return loading("packages-loading", "Loading your packages…")
	}
	admin := p.s.me.Admin()
	return app.Div().Body(
		app.If(p.applied != "", func() app.UI {
			return app.Div().ID("apply-result").Class("message ok").Attr("role", "status").Text(p.applied)
		}),
		p.renderRecommendation(),
		app.Section().Class("panel").Aria("labelledby", "held-title").Body(
			app.H2().ID("held-title").Text("Who has what"),
			app.P().Class("hint").Text("Every user has unlimited US & Canada calling included. Regional and Global packages are billed per user per month."),
			app.If(admin, func() app.UI {
				return app.Div().Class("check select-all").Body(
					app.Input().Type("checkbox").ID("select-all").Checked(p.allSelected()).OnChange(p.selectAll),
					app.Label().For("select-all").Text("Select every user"),
				)
			}),
			app.Div().Class("table-wrap").Body(
				app.Table().ID("held").Class("data stack").Body(
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text("User"),
						app.Th().Scope("col").Text("Packages"),
						app.Th().Scope("col").Class("num").Text("Per month"),
						app.If(admin, func() app.UI { return app.Th().Scope("col").Body(app.Span().Class("sr-only").Text("Actions")) }),
					)),
					app.TBody().Body(app.Range(p.pk.Held).Slice(func(i int) app.UI {
						h := p.pk.Held[i]
						return p.renderHeldRow(h, admin)
					})),
				),
			),
		),
		app.If(admin, func() app.UI { return p.renderBulk() }),
		app.If(p.editing != "", func() app.UI { return p.renderEditor() }),
	)
}

func (p *PackagesPage) allSelected() bool {
	for _, h := range p.pk.Held {
		if !p.bulk.selected[h.User] {
			return false
		}
	}
	return len(p.pk.Held) > 0
}

func (p *PackagesPage) renderHeldRow(h heldPackages, admin bool) app.UI {
	names := []string{"US & Canada (included)"}
	amount := decimal.Zero
	for _, pj := range h.Packages {
		if !pj.Included {
			names = append(names, pj.Name)
			amount = amount.Add(pj.MonthlyPrice)
		}
	}
	total := core.FormatMoney(amount, p.currency())
	name := app.Th().Scope("row").Text(p.userName(h.User))
	if admin {
		// The name labels the user's checkbox: ticking it selects the user
		// for a change of several users at once.
		name = app.Th().Scope("row").Body(app.Span().Class("check").Body(
			app.Input().Type("checkbox").ID("select-"+h.User).Checked(p.bulk.selected[h.User]).OnChange(p.selectUser(h.User)),
			app.Label().For("select-"+h.User).Text(p.userName(h.User)),
		))
	}
	return app.Tr().ID("held-"+h.User).Body(
		name,
		app.Td().Class("packages").DataSet("label", "Packages").Body(app.Range(names).Slice(func(i int) app.UI {
			return app.Span().Class("chip").Text(names[i])
		})),
		app.Td().Class("num").DataSet("label", "Per month").Text(total),
		app.If(admin, func() app.UI {
			return app.Td().Body(app.Button().Type("button").Class("button small").ID("change-"+h.User).
				Aria("label", "Change "+p.userName(h.User)+"'s packages").Text("Change").OnClick(p.startEdit(h.User)))
		}),
	)
}

func (p *PackagesPage) renderEditor() app.UI {
	name := p.userName(p.editing)
	cur := p.currency()
	return app.Section().ID("package-editor").Class("panel").Aria("labelledby", "editor-title").Body(
		app.H2().ID("editor-title").TabIndex(-1).Text("Change "+name+"'s packages"),
		app.FieldSet().Body(
			app.Legend().Text("Unlimited calling packages"),
			app.Div().Class("checks").Body(app.Range(p.pk.Catalog).Slice(func(i int) app.UI {
				c := p.pk.Catalog[i]
				id := "pkg-" + c.Code
				if c.Included {
					return app.Div().Class("check").Body(
						app.Input().Type("checkbox").ID(id).Checked(true).Disabled(true),
						app.Label().For(id).Text(c.Name+" — free"),
					)
				}
				return app.Div().Class("check").Body(
					app.Input().Type("checkbox").ID(id).Checked(p.draft[c.Code]).OnChange(p.toggle(c.Code)),
					app.Label().For(id).Text(c.Name+" — "+core.FormatMoney(c.MonthlyPrice, cur)+"/month"),
				)
			})),
		),
		app.Div().Class("actions").Body(
			app.Button().Type("button").Class("button secondary").ID("upgrade-global").Disabled(p.draft["pkg-global"]).
				Text("Upgrade to Global").OnClick(p.upgradeGlobal),
		),
		p.renderQuote(),
		pageError("apply-error", p.applyErr),
		app.Div().Class("actions").Body(
			app.Button().Type("button").Class("button").ID("apply-change").Disabled(!p.changed() || p.quote == nil || p.applying).
				Text(busyText(p.applying, "Confirm change", "Applying…")).OnClick(p.apply),
			app.Button().Type("button").Class("button secondary").ID("cancel-change").Text("Cancel").OnClick(p.cancelEdit),
		),
	)
}

func (p *PackagesPage) renderQuote() app.UI {
	switch {
	case p.quoteErr != nil:
		return pageError("quote-error", p.quoteErr)
	case !p.changed():
		return app.P().ID("quote").Class("hint").Text("Tick or untick packages to see what the change costs before you confirm it.")
	case p.quote == nil:
		return loading("quote", "Working out the price…")
	}
	return quoteView("", p.quote, p.server, p.checkErr, p.currency())
}

// quoteView draws a prorated quote worked out in the browser, and whether
// the server's quote of the same change (server, nil while asked) agrees.
// Element ids start with prefix, so that two quotes can share a page.
func quoteView(prefix string, q, server *billing.Quote, checkErr error, cur string) app.UI {
	id := func(s string) string { return prefix + s }
	return app.Div().ID(id("quote")).Class("quote").Aria("live", "polite").Body(
		app.H3().Text("What this change costs"),
		app.P().ID(id("quote-days")).Text(fmt.Sprintf("%d unused days of this %d-day cycle are credited for what you remove; what you add is charged for the same remaining days.",
			q.UnusedDays, q.CycleDays)),
		app.Div().Class("table-wrap").Body(
			app.Table().Class("data stack").ID(id("quote-lines")).Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Item"),
					app.Th().Scope("col").Class("num").Text("Monthly price"),
					app.Th().Scope("col").Class("num").Text("Days"),
					app.Th().Scope("col").Class("num").Text("Amount"),
				)),
				app.TBody().Body(app.Range(q.Lines).Slice(func(i int) app.UI {
					l := q.Lines[i]
					return app.Tr().Body(
						app.Th().Scope("row").Text(lineKindWords(l.Kind)+": "+l.Description),
						app.Td().Class("num").DataSet("label", "Monthly price").Text(core.FormatMoney(l.UnitPrice, cur)),
						app.Td().Class("num").DataSet("label", "Days").Text(fmt.Sprintf("%d of %d", l.Days, l.CycleDays)),
						app.Td().Class("num").DataSet("label", "Amount").Text(core.FormatMoney(l.Amount, cur)),
					)
				})),
			),
		),
		app.Dl().Class("facts").Body(
			fact(id("quote-credit"), "Credit for unused days", core.FormatMoney(q.Credit, cur)),
			fact(id("quote-charge"), "Charge for the remaining days", core.FormatMoney(q.Charge, cur)),
			fact(id("quote-net"), "Difference", core.FormatMoney(q.Net, cur)),
		),
		app.P().Class("strong").ID(id("quote-summary")).Text(netWords(q.Net, cur)+" on your next invoice."),
		quoteCheck(id("quote-check"), q, server, checkErr, cur),
	)
}

// quoteCheck says whether the server quotes the same as the browser.
func quoteCheck(id string, q, server *billing.Quote, checkErr error, cur string) app.UI {
	switch {
	case checkErr != nil:
		return app.P().ID(id).Class("hint").Text("The server's quote could not be fetched (" + checkErr.Error() + "); the figure above is your browser's.")
	case server == nil:
		return app.P().ID(id).Class("hint").Text("Checking the price with the server…")
	case sameQuote(*q, *server):
		return app.P().ID(id).Class("hint ok").Text("✓ The server quotes exactly the same.")
	}
	return app.P().ID(id).Class("message error").Text(fmt.Sprintf("The server quotes %s, not %s: the rates may have just changed. Reload the page before confirming.",
		core.FormatMoney(server.Net, cur), core.FormatMoney(q.Net, cur)))
}

// sameQuote says whether two quotes agree on every amount and line.
func sameQuote(a, b billing.Quote) bool {
	if !a.Net.Equal(b.Net) || !a.Credit.Equal(b.Credit) || !a.Charge.Equal(b.Charge) || len(a.Lines) != len(b.Lines) ||
		a.UnusedDays != b.UnusedDays || a.CycleDays != b.CycleDays {
		return false
	}
	for i := range a.Lines {
		if !a.Lines[i].Amount.Equal(b.Lines[i].Amount) || a.Lines[i].Code != b.Lines[i].Code {
			return false
		}
	}
	return true
}

// usageLastDay is the last day of the calls the recommendation is based on,
// in the account's zone: the day before the period's end, or today while it
// runs.
func usageLastDay(pk packagesResponse) string {
	return pk.UsageThrough.In(pk.UsagePeriod.Start.Location()).Add(-time.Nanosecond).Format("2 Jan 2006")
}

// soFarNote marks a recommendation based on the cycle in progress.
func soFarNote(pk packagesResponse) string {
	if pk.UsageThrough.Before(pk.UsagePeriod.End) {
		return " (this cycle so far)"
	}
	return ""
}

func (p *PackagesPage) renderRecommendation() app.UI {
	r := p.pk.Recommendation
	if r == nil {
		return nil
	}
	cls := "panel recommendation"
	if r.ManyRegions || r.Savings.IsPositive() {
		cls += " highlight"
	}
	regions := strconv.Itoa(len(r.RegionsUsed)) + " international region"
	if len(r.RegionsUsed) != 1 {
		regions += "s"
	}
	return app.Section().ID("recommendation").Class(cls).Aria("labelledby", "rec-title").Body(
		app.H2().ID("rec-title").Text("Recommendation"),
		app.P().ID("rec-summary").Text(r.Summary),
		app.P().Class("hint").Text(fmt.Sprintf("Based on your team's calls from %s to %s%s: %s called.",
			p.pk.UsagePeriod.Start.Format("2 Jan"), usageLastDay(p.pk), soFarNote(p.pk), regions)),
		app.If(r.ManyRegions && r.Recommended == billing.OptionGlobal, func() app.UI {
			return app.P().ID("rec-many").Class("strong").Text("Your team calls more than three international regions: Unlimited Global is the most cost-effective. An admin can upgrade each user below.")
		}),
		app.If(r.ManyRegions && r.Recommended != billing.OptionGlobal, func() app.UI {
			return app.P().ID("rec-many").Text("Your team calls more than three international regions. Unlimited Global usually pays off for such teams once those calls add up; at this usage it does not yet.")
		}),
	)
}

// netWords says what a quote's net amount means for the customer.
func netWords(net decimal.Decimal, cur string) string {
	switch {
	case net.IsPositive():
		return "You pay " + core.FormatMoney(net, cur)
	case net.IsNegative():
		return "You are credited " + core.FormatMoney(net.Neg(), cur)
	}
	return "Nothing to pay"
}

// lineKindWords names a quote or invoice line's kind for people.
func lineKindWords(k billing.LineKind) string {
	switch k {
	case billing.KindSubscription:
		return "Subscription"
	case billing.KindProrationCredit:
		return "Credit for unused days"
	case billing.KindProrationCharge:
		return "Prorated addition"
	case billing.KindOverage:
		return "Pay-as-you-go overage"
	case billing.KindCreditBroughtForward:
		return "Credit brought forward"
	case billing.KindCreditCarriedForward:
		return "Credit carried forward"
	case billing.KindCharge:
		return "One-off charge"
	}
	return "Other"
}
