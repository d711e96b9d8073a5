package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// SignedInPage stands in for an account page while nobody is signed in: it
// says what the page is for and how to get to it.
type SignedInPage struct {
	app.Compo

	Page string // "packages", "usage", "numbers" or "settings"
}

var signedInPages = map[string]struct{ path, title, what string }{
	"packages": {"/packages", "Packages", "See which calling packages each user has, add or remove regional packages, upgrade to Global and see the prorated quote before you confirm."},
	"usage":    {"/usage", "Usage & billing", "Total minutes across your team, overage charges, bundle minutes left, pay-as-you-go spend against your cap, and your invoices."},
	"numbers":  {"/numbers", "Numbers", "Your lines with their contract type and dates: assign, unassign, reassign or release them."},
	"settings": {"/settings", "Settings", "Pay-as-you-go cap and notification thresholds, overspend, rate-card billing and per-user call privileges."},
}

// OnMount marks the page interactive.
func (p *SignedInPage) OnMount(ctx app.Context) { markMounted(p.Page) }

// Render explains the page and links to sign in.
func (p *SignedInPage) Render() app.UI {
	info, ok := signedInPages[p.Page]
	if !ok {
		info = signedInPages["packages"]
	}
	return layout(info.path, info.title, info.what,
		app.Div().Class("panel").Body(
			app.P().Text("This page shows your account, so you need to be signed in."),
			app.A().Class("button").Href("/signin").Text("Sign in"),
		),
	)
}
