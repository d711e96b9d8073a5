package portal

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/billing"
)

// globalCode is the Unlimited Global package: it covers every region, so a
// user holding it needs no regional package.
const globalCode = "pkg-global"

// bulkAction is one package change for several users at once: add or remove
// a package, or upgrade to Global. Its form value is "add:CODE",
// "remove:CODE" or "global".
type bulkAction struct {
	Kind string // "add", "remove" or "global"
	Code string // the package added or removed
}

func parseBulkAction(v string) (bulkAction, bool) {
	if v == "global" {
		return bulkAction{Kind: "global", Code: globalCode}, true
	}
	kind, code, ok := strings.Cut(v, ":")
	if !ok || code == "" || (kind != "add" && kind != "remove") {
		return bulkAction{}, false
	}
	return bulkAction{Kind: kind, Code: code}, true
}

func (a bulkAction) value() string {
	if a.Kind == "global" {
		return "global"
	}
	return a.Kind + ":" + a.Code
}

// unchangedUser is a selected user the action makes no difference for.
type unchangedUser struct {
	User, Why string
}

// bulkChange works out what each selected user would hold after the action,
// in catalog order. held is what each user holds now (included packages
// left out). Users the action makes no difference for are not in change but
// in unchanged, with the reason: they are not sent to the server.
func bulkChange(cat []packageJSON, held map[string][]string, users []string, a bulkAction) (change []userPackages, unchanged []unchangedUser) {
	name := a.Code
	for _, c := range cat {
		if c.Code == a.Code {
			name = c.Name
		}
	}
	for _, u := range users {
		now := held[u]
		var next []string
		why := ""
		switch a.Kind {
		case "global":
			next = []string{globalCode}
			if slices.Equal(now, next) {
				why = "already has Unlimited Global"
			}
		case "add":
			switch {
			case slices.Contains(now, a.Code):
				why = "already has " + name
			case slices.Contains(now, globalCode):
				why = "has Unlimited Global, which covers every region"
			case a.Code == globalCode:
				next = []string{globalCode} // Global replaces the regional packages
			default:
				next = append(slices.Clone(now), a.Code)
			}
		case "remove":
			if !slices.Contains(now, a.Code) {
				why = "does not have " + name
			} else {
				next = slices.DeleteFunc(slices.Clone(now), func(c string) bool { return c == a.Code })
			}
		}
		if why != "" {
			unchanged = append(unchanged, unchangedUser{u, why})
			continue
		}
		change = append(change, userPackages{User: u, Packages: orderedCodes(cat, next)})
	}
	return change, unchanged
}

// bulkState is the package change for the selected users.
type bulkState struct {
	selected map[string]bool
	action   bulkAction

	change    []userPackages
	unchanged []unchangedUser

	quote    *billing.Quote // the browser's, over all selected users
	quoteErr error
	server   *billing.Quote
	checkErr error
	checking bool

	applying bool
	applyErr error
	key      string // Idempotency-Key of this change; new when it changes
}

// selectedUsers lists the selected users in the table's order.
func (p *PackagesPage) selectedUsers() []string {
	var out []string
	for _, h := range p.pk.Held {
		if p.bulk.selected[h.User] {
			out = append(out, h.User)
		}
	}
	return out
}

func (p *PackagesPage) heldMap() map[string][]string {
	m := map[string][]string{}
	for _, h := range p.pk.Held {
		m[h.User] = orderedCodes(p.pk.Catalog, p.held(h.User))
	}
	return m
}

func (p *PackagesPage) selectUser(user string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if p.bulk.selected == nil {
			p.bulk.selected = map[string]bool{}
		}
		p.bulk.selected[user] = ctx.JSSrc().Get("checked").Bool()
		p.bulkRequote(ctx)
	}
}

func (p *PackagesPage) selectAll(ctx app.Context, e app.Event) {
	on := ctx.JSSrc().Get("checked").Bool()
	p.bulk.selected = map[string]bool{}
	for _, h := range p.pk.Held {
		p.bulk.selected[h.User] = on
	}
	p.bulkRequote(ctx)
}

func (p *PackagesPage) onBulkAction(ctx app.Context, e app.Event) {
	a, _ := parseBulkAction(ctx.JSSrc().Get("value").String())
	p.bulk.action = a
	if a.Kind != "" {
		p.cancelEdit(ctx, e) // one change at a time
	}
	p.bulkRequote(ctx)
}

// bulkRequote works out the change for the selected users, prices it in the
// browser at once, then asks the server for its quote of the same change.
// Any change to the selection or the action needs a new Idempotency-Key.
func (p *PackagesPage) bulkRequote(ctx app.Context) {
	b := &p.bulk
	b.change, b.unchanged, b.quote, b.quoteErr, b.server, b.checkErr, b.checking, b.key = nil, nil, nil, nil, nil, nil, false, ""
	users := p.selectedUsers()
	if len(users) == 0 || b.action.Kind == "" {
		return
	}
	p.applied = ""
	b.change, b.unchanged = bulkChange(p.pk.Catalog, p.heldMap(), users, b.action)
	if len(b.change) == 0 || p.snap == nil {
		return
	}
	q, err := quotePackageChange(portalCatalog(), p.snap, b.change, now())
	if err != nil {
		b.quoteErr = err
		return
	}
	b.quote, b.checking = &q, true
	change := b.change
	serverQuote(ctx, change, func(server *billing.Quote, err error) {
		if !slices.EqualFunc(p.bulk.change, change, func(a, b userPackages) bool { return a.User == b.User && slices.Equal(a.Packages, b.Packages) }) {
			return // the selection or the action changed meanwhile
		}
		p.bulk.checking, p.bulk.server, p.bulk.checkErr = false, server, err
	})
}

func (p *PackagesPage) bulkApply(ctx app.Context, e app.Event) {
	b := &p.bulk
	if b.applying || len(b.change) == 0 || b.quote == nil {
		return
	}
	if b.key == "" {
		b.key = newIdempotencyKey()
	}
	b.applying, b.applyErr = true, nil
	change, key := b.change, b.key
	applyPackages(ctx, change, key, func(res packageChangeResponse, err error) {
		p.bulk.applying = false
		if err != nil {
			p.bulk.applyErr = err // a retry sends the same key: applied once
			return
		}
		var names []string
		for _, u := range change {
			names = append(names, p.userName(u.User))
		}
		p.applied = fmt.Sprintf("Done: the packages of %s are changed. %s on your next invoice.", andList(names), netWords(res.Quote.Net, res.Currency))
		p.bulk = bulkState{}
		p.adoptApplied(res)
		focusAfterRender(p.ctx, "apply-result")
	})
}

func (p *PackagesPage) bulkCancel(ctx app.Context, e app.Event) {
	p.bulk = bulkState{}
}

// renderBulk is the toolbar for changing the selected users' packages
// together, with the one prorated quote covering them all.
func (p *PackagesPage) renderBulk() app.UI {
	b := &p.bulk
	users := p.selectedUsers()
	if len(users) == 0 {
		return app.P().ID("bulk-hint").Class("hint").Text("To change several users at once, tick them in the table.")
	}
	var opts []app.UI
	opts = append(opts, app.Option().Value("").Text("Choose a change…").Selected(b.action.Kind == ""))
	for _, c := range p.pk.Catalog {
		if c.Included {
			continue
		}
		v := bulkAction{Kind: "add", Code: c.Code}.value()
		opts = append(opts, app.Option().Value(v).Text("Add "+c.Name).Selected(b.action.value() == v && b.action.Kind != ""))
	}
	for _, c := range p.pk.Catalog {
		if c.Included {
			continue
		}
		v := bulkAction{Kind: "remove", Code: c.Code}.value()
		opts = append(opts, app.Option().Value(v).Text("Remove "+c.Name).Selected(b.action.value() == v && b.action.Kind != ""))
	}
	opts = append(opts, app.Option().Value("global").Text("Upgrade to Global (replaces regional packages)").Selected(b.action.Kind == "global"))

	names := make([]string, len(users))
	for i, u := range users {
		names[i] = p.userName(u)
	}
	return app.Section().ID("bulk-editor").Class("panel").Aria("labelledby", "bulk-title").Body(
		app.H2().ID("bulk-title").Text(fmt.Sprintf("Change %d selected user%s", len(users), plural(len(users)))),
		app.P().ID("bulk-users").Class("hint").Text("Selected: "+andList(names)+"."),
		app.Div().Class("field").Body(
			app.Label().For("bulk-action").Text("Package change"),
			app.Select().ID("bulk-action").OnChange(p.onBulkAction).Body(opts...),
		),
		app.If(len(b.unchanged) > 0, func() app.UI {
			return app.Ul().ID("bulk-unchanged").Class("plain hint").Body(app.Range(b.unchanged).Slice(func(i int) app.UI {
				u := b.unchanged[i]
				return app.Li().Text("No change for " + p.userName(u.User) + ": " + u.Why + ".")
			}))
		}),
		p.renderBulkQuote(),
		pageError("bulk-apply-error", b.applyErr),
		app.Div().Class("actions").Body(
			app.Button().Type("button").Class("button").ID("bulk-apply").Disabled(len(b.change) == 0 || b.quote == nil || b.applying).
				Text(busyText(b.applying, fmt.Sprintf("Confirm for %d user%s", len(b.change), plural(len(b.change))), "Applying…")).OnClick(p.bulkApply),
			app.Button().Type("button").Class("button secondary").ID("bulk-cancel").Text("Clear selection").OnClick(p.bulkCancel),
		),
	)
}

func (p *PackagesPage) renderBulkQuote() app.UI {
	b := &p.bulk
	switch {
	case b.action.Kind == "":
		return nil
	case b.quoteErr != nil:
		return pageError("bulk-quote-error", b.quoteErr)
	case len(b.change) == 0:
		return app.P().ID("bulk-quote").Class("hint").Text("This change makes no difference for the selected users.")
	case b.quote == nil:
		return loading("bulk-quote", "Working out the price…")
	}
	return quoteView("bulk-", b.quote, b.server, b.checkErr, p.currency())
}

// andList writes "Alice", "Alice and Bob", "Alice, Bob and Carol".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
