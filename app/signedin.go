package portal

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// accountPageInfo describes an account page for its frame.
type accountPageInfo struct{ path, title, what string }

var accountPages = map[string]accountPageInfo{
	"packages": {"/packages", "Packages", "See which calling packages each user has, add or remove regional packages, upgrade to Global and see the prorated quote before you confirm."},
	"usage":    {"/usage", "Usage & billing", "Total minutes across your team, overage charges, bundle minutes left, pay-as-you-go spend against your cap, and your invoices."},
	"numbers":  {"/numbers", "Numbers", "Your lines with their contract type and dates: assign, unassign, reassign or release them."},
	"deck":     {"/admin/deck", "Rate deck", "Publish a new version of the rate deck from a CSV file. Every line is checked first: a deck with any problem is not published."},
	"settings": {"/settings", "Settings", "Pay-as-you-go cap and notification thresholds, overspend, rate-card billing and per-user call privileges."},
}

// signedIn is the session part of every account page's state.
type signedIn struct {
	checked bool  // /v1/me answered (or failed)
	me      *Me   // nil: signed out
	err     error // the session could not be checked
}

// accountFrame draws an account page: while the session is checked, a
// progress note; signed out, a link to sign in that comes back here;
// signed in, the page's content (and, for members, that they only see).
func accountFrame(page string, s signedIn, content func() app.UI) app.UI {
	info := accountPages[page]
	switch {
	case !s.checked:
		return layout(info.path, info.title, info.what,
			app.P().ID("session-status").Class("status").Aria("live", "polite").Text("Checking who is signed in…"))
	case s.err != nil:
		return layout(info.path, info.title, info.what,
			app.Div().ID("session-status").Class("message error").Attr("role", "alert").
				Text("Sorry, your account could not be loaded: "+s.err.Error()+"."))
	case s.me == nil:
		return layout(info.path, info.title, info.what,
			app.Div().Class("panel").ID("signed-out").Body(
				app.P().Text("This page shows your account, so you need to be signed in."),
				app.A().Class("button").Href("/signin?next="+info.path).Text("Sign in"),
			),
		)
	}
	return layout(info.path, info.title, "",
		app.If(!s.me.Admin(), func() app.UI {
			return app.P().ID("member-note").Class("message info").
				Text("You are signed in as a member: you can see the account; only an admin can change it.")
		}),
		content(),
	)
}

// pageError is an error box in words, or nothing.
func pageError(id string, err error) app.UI {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if isSignedOut(err) {
		return app.Div().ID(id).Class("message error").Attr("role", "alert").Body(
			app.Text("You are no longer signed in ("+msg+"). "),
			app.A().Href("/signin").Text("Sign in again"),
		)
	}
	if isForbidden(err) {
		msg = "Not allowed: " + msg + "."
	} else {
		msg = "Sorry: " + msg + "."
	}
	return app.Div().ID(id).Class("message error").Attr("role", "alert").Text(msg)
}

func isForbidden(err error) bool {
	e, ok := err.(*APIError)
	return ok && e.Status == 403
}

// loading is a progress note for slow work.
func loading(id, what string) app.UI {
	return app.P().ID(id).Class("status").Aria("live", "polite").Body(
		app.Span().Class("spinner").Aria("hidden", "true"),
		app.Text(what),
	)
}

// progressBar shows how far slow work is: step of steps when the steps are
// known (a determinate bar, "2 of 3"), else an indeterminate bar. The label
// is announced politely to screen readers.
func progressBar(id, label string, step, steps int) app.UI {
	bar := app.Progress().ID(id+"-bar").Aria("labelledby", id+"-label")
	if steps > 0 {
		bar = bar.Max(steps).Value(step)
		label = fmt.Sprintf("%s (step %d of %d)", label, min(step+1, steps), steps)
	}
	return app.Div().ID(id).Class("progress").Body(
		app.Span().ID(id+"-label").Class("progress-label").Aria("live", "polite").Text(label),
		bar,
	)
}

// focusAfterRender moves the keyboard focus to the element with id once the
// page has re-rendered (a panel that just opened, so that keyboard and
// screen-reader users land in it).
func focusAfterRender(ctx app.Context, id string) {
	ctx.Defer(func(ctx app.Context) {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Call("focus")
		}
	})
}
