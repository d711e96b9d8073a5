package portal

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/tollgate-voice/tollgate/core/deck"
)

// homeStorageKey remembers the caller's home country between visits.
const homeStorageKey = "tollgate.home"

// RateChecker is the public rate checker: type a number the way you would
// dial it and see where it goes, whether it is a landline or a mobile, the
// price per minute, the billing increments and what 1, 5, 10 and 30 minutes
// cost. The answer is computed in the browser by the core over the deck
// snapshot, on every keystroke, online or not.
type RateChecker struct {
	app.Compo

	dial    string
	home    string
	ix      *deck.Index
	loadErr error
	answer  rateAnswer
}

// OnMount restores the home country, starts loading the deck and marks the
// page interactive.
func (r *RateChecker) OnMount(ctx app.Context) {
	var home string
	ctx.LocalStorage().Get(homeStorageKey, &home)
	if !isHome(home) {
		home = defaultHome(app.Window().Get("navigator").Get("language").String())
	}
	r.home = home
	if r.dial == "" && typedBeforeStart != "" {
		r.dial, typedBeforeStart = typedBeforeStart, ""
	}
	r.recompute()
	loadDeck(ctx, r.deckLoaded)
	markMounted("rate-checker")
}

// deckLoaded receives the deck (or why it could not be had) and prices the
// number typed meanwhile.
func (r *RateChecker) deckLoaded(ix *deck.Index, err error) {
	r.ix, r.loadErr = ix, err
	r.recompute()
}

func (r *RateChecker) recompute() {
	if r.home == "" {
		r.home = "US"
	}
	r.answer = answerDial(r.ix, r.dial, r.home, now())
}

// homeOrDefault is the home country to show: before the app has mounted
// (the prerendered page) it is the fallback of defaultHome.
func (r *RateChecker) homeOrDefault() string {
	if r.home == "" {
		return defaultHome("")
	}
	return r.home
}

func (r *RateChecker) onDial(ctx app.Context, e app.Event) {
	r.dial = ctx.JSSrc().Get("value").String()
	r.recompute()
}

func (r *RateChecker) onHome(ctx app.Context, e app.Event) {
	if home := ctx.JSSrc().Get("value").String(); isHome(home) {
		r.home = home
		ctx.LocalStorage().Set(homeStorageKey, home)
	}
	r.recompute()
}

// Render draws the form and the answer.
func (r *RateChecker) Render() app.UI {
	return layout("/", "Rate checker",
		"Type a number the way you would dial it. Prices are worked out in your browser from the published rates, so this works offline too.",
		app.Div().Class("panel").Body(
			app.Form().ID("rate-form").OnSubmit(preventSubmit).Body(
				app.Div().Class("form-row").Body(
					app.Div().Class("field grow").Body(
						app.Label().For("dial").Text("Number"),
						app.Input().
							ID("dial").
							Type("tel").
							Class("big").
							Name("number").
							Placeholder("+61 2 9999 9999").
							AutoComplete(false).
							AutoFocus(true).
							Aria("describedby", "dial-hint").
							Value(r.dial).
							OnInput(r.onDial),
					),
					app.Div().Class("field").Body(
						app.Label().For("home").Text("Calling from"),
						app.Select().ID("home").Name("home").OnChange(r.onHome).Body(
							app.Range(homeCountries).Slice(func(i int) app.UI {
								h := homeCountries[i]
								o := app.Option().Value(h.ISO).Text(h.Name)
								if h.ISO == r.homeOrDefault() {
									o = o.Selected(true)
								}
								return o
							}),
						),
					),
				),
				app.P().ID("dial-hint").Class("hint").
					Text("International (+61 4…, 0061…, 011 61…) or national for the country you call from (020 7946 0000)."),
			),
			app.Div().ID("result").Class("result").Aria("live", "polite").Body(r.renderAnswer()),
			r.renderDeckStatus(),
		),
	)
}

func preventSubmit(ctx app.Context, e app.Event) { e.PreventDefault() }

func (r *RateChecker) renderAnswer() app.UI {
	a := r.answer
	switch a.State {
	case answerInvalid:
		return app.Div().ID("answer-message").Class("message error").Text("Not a number we can call: " + a.Message)
	case answerFree:
		return app.Div().ID("answer-message").Class("message ok").Body(
			app.Strong().ID("short").Text(a.Number),
			app.Text(" "),
			app.Span().Class("badge free").ID("kind").Text("Free"),
			app.Text(" "+a.Message),
		)
	case answerUnrated:
		msg := a.Message
		if r.ix == nil && r.loadErr != nil {
			msg = "The number is valid, but " + r.loadErr.Error() + "."
		}
		return app.Div().ID("answer-message").Class("message info").Body(
			app.Span().Class("e164").Text(a.Number+" "),
			app.Text(msg),
		)
	case answerRated:
		return app.Div().Body(
			app.Div().Class("result-head").Body(
				app.Span().ID("dest").Class("dest").Text(a.Destination),
				app.Span().ID("kind").Class(kindClass(a.Kind)).Text(a.KindLabel),
				app.Span().ID("e164").Class("e164").Text(a.Number),
			),
			app.Dl().Class("facts").Body(
				fact("rate", "Price per minute", a.Rate),
				fact("increments", "Billing increments", a.Increments),
				app.If(a.Connection != "", func() app.UI { return fact("connection", "Connection fee", a.Connection) }),
			),
			app.H2().Class("hint").Text("What a call costs"),
			app.Div().Class("costs").Body(
				app.Range(a.Costs).Slice(func(i int) app.UI {
					c := a.Costs[i]
					return app.Div().Class("cost").ID("cost-"+strconv.Itoa(c.Minutes)).Body(
						app.Div().Class("min").Text(minutesLabel(c.Minutes)),
						app.Div().Class("amt").Text(c.Amount),
					)
				}),
			),
		)
	}
	return app.P().Class("hint").Text("Try +61 412 345 678 (an Australian mobile) or 0061 2 9999 9999 (a Sydney landline).")
}

func (r *RateChecker) renderDeckStatus() app.UI {
	switch {
	case r.ix != nil:
		return app.P().ID("deck-status").Class("status").Text(fmt.Sprintf("Rates version %s · %d prices · in %s", r.ix.Version(), r.ix.Len(), r.ix.Currency()))
	case r.loadErr != nil:
		return app.Div().ID("deck-status").Class("message error").Text("Sorry, " + r.loadErr.Error() + ". Numbers are still checked, but not priced.")
	default:
		return app.P().ID("deck-status").Class("status").Text("Loading the rates…")
	}
}

func fact(id, label, value string) app.UI {
	return app.Div().Class("fact").Body(
		app.Dt().Text(label),
		app.Dd().ID(id).Text(value),
	)
}

func minutesLabel(m int) string {
	if m == 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}
