package portal

import (
	"fmt"
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/deck"
	"github.com/tollgate-voice/tollgate/core/region"
)

// RatesDirectory is the public rates directory: every country with its
// landline and mobile prices per minute, searchable, filterable by region,
// sortable, and downloadable as CSV. It reads the same deck snapshot as the
// rate checker, so it works offline too.
type RatesDirectory struct {
	app.Compo

	ix      *deck.Index
	loadErr error
	all     []directoryEntry
	query   directoryQuery
	shown   []directoryEntry
	csvHref string
}

// OnMount starts loading the deck and marks the page interactive.
func (d *RatesDirectory) OnMount(ctx app.Context) {
	d.query.Sort = "name"
	loadDeck(ctx, d.deckLoaded)
	markMounted("rates")
}

func (d *RatesDirectory) deckLoaded(ix *deck.Index, err error) {
	d.ix, d.loadErr = ix, err
	if ix != nil {
		d.all = buildDirectory(ix, now())
	}
	d.apply()
}

func (d *RatesDirectory) apply() {
	d.shown = d.query.filter(d.all)
	if d.ix != nil {
		d.csvHref = "data:text/csv;charset=utf-8," + url.PathEscape(directoryCSV(d.shown, d.ix.Currency()))
	}
}

func (d *RatesDirectory) onSearch(ctx app.Context, e app.Event) {
	d.query.Search = ctx.JSSrc().Get("value").String()
	d.apply()
}

func (d *RatesDirectory) onRegion(ctx app.Context, e app.Event) {
	d.query.Region = region.ID(ctx.JSSrc().Get("value").String())
	d.apply()
}

// sortBy orders by a column; choosing the current column again reverses it.
func (d *RatesDirectory) sortBy(col string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if d.query.Sort == col {
			d.query.Desc = !d.query.Desc
		} else {
			d.query.Sort, d.query.Desc = col, false
		}
		d.apply()
	}
}

// Render draws the toolbar and the table.
func (d *RatesDirectory) Render() app.UI {
	return layout("/rates", "Rates directory",
		"Pay-as-you-go prices per minute for every country, to landlines and to mobiles. Packages cover whole regions at no charge per minute.",
		app.Div().Class("toolbar").Body(
			app.Div().Class("field grow").Body(
				app.Label().For("search").Text("Search"),
				app.Input().ID("search").Type("search").Placeholder("Country, ISO code or +calling code").
					AutoComplete(false).Value(d.query.Search).OnInput(d.onSearch),
			),
			app.Div().Class("field").Body(
				app.Label().For("region").Text("Region"),
				app.Select().ID("region").OnChange(d.onRegion).Body(
					app.Option().Value("").Text("All regions"),
					app.Range(region.All()).Slice(func(i int) app.UI {
						r := region.All()[i]
						o := app.Option().Value(string(r.ID)).Text(r.Name)
						if r.ID == d.query.Region {
							o = o.Selected(true)
						}
						return o
					}),
				),
			),
			app.If(d.ix != nil, func() app.UI {
				return app.A().ID("csv").Class("button secondary").Href(d.csvHref).Download("tollgate-rates.csv").Text("Download CSV")
			}),
		),
		d.renderBody(),
	)
}

func (d *RatesDirectory) renderBody() app.UI {
	switch {
	case d.ix == nil && d.loadErr != nil:
		return app.Div().ID("directory-status").Class("message error").Text("Sorry, " + d.loadErr.Error() + ".")
	case d.ix == nil:
		return app.P().ID("directory-status").Class("status").Text("Loading the rates…")
	}
	cur := d.ix.Currency()
	return app.Div().Body(
		app.P().ID("directory-status").Class("count").Aria("live", "polite").
			Text(fmt.Sprintf("%d of %d countries · prices per minute in %s · rates version %s", len(d.shown), len(d.all), cur, d.ix.Version())),
		app.Div().Class("table-wrap").Body(
			app.Table().ID("directory").Body(
				app.Caption().Class("sr-only").Text("Prices per minute by country"),
				app.THead().Body(app.Tr().Body(
					d.sortHeader("name", "Country", ""),
					app.Th().Class("hide-narrow").Scope("col").Text("Code"),
					app.Th().Class("hide-narrow").Scope("col").Text("Region"),
					d.sortHeader("landline", "Landline", "num"),
					d.sortHeader("mobile", "Mobile", "num"),
				)),
				app.TBody().Body(
					app.Range(d.shown).Slice(func(i int) app.UI {
						e := d.shown[i]
						return app.Tr().DataSet("country", e.Country).Body(
							app.Td().Text(e.Name),
							app.Td().Class("hide-narrow").Text("+"+e.CallingCode),
							app.Td().Class("hide-narrow").Text(e.RegionName),
							app.Td().Class("num landline").Text(formatRange(e.Landline, cur)),
							app.Td().Class("num mobile").Text(formatRange(e.Mobile, cur)),
						)
					}),
				),
			),
		),
		app.If(len(d.shown) == 0, func() app.UI {
			return app.P().Class("message info").Text("No country matches. Try a country name, a code such as AU, or a calling code such as +61.")
		}),
	)
}

// sortHeader is a column heading that sorts the table, with aria-sort telling
// assistive technology the current order.
func (d *RatesDirectory) sortHeader(col, label, class string) app.UI {
	th := app.Th().Scope("col").Class(class)
	arrow := ""
	if d.query.Sort == col {
		if d.query.Desc {
			th = th.Aria("sort", "descending")
			arrow = " ▼"
		} else {
			th = th.Aria("sort", "ascending")
			arrow = " ▲"
		}
	}
	return th.Body(app.Button().Class("sort").ID("sort-" + col).Type("button").Text(label + arrow).OnClick(d.sortBy(col)))
}
