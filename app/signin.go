package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// SignIn is the sign-in page.
type SignIn struct {
	app.Compo
}

// OnMount marks the page interactive.
func (s *SignIn) OnMount(ctx app.Context) { markMounted("signin") }

// Render draws the page.
func (s *SignIn) Render() app.UI {
	return layout("/signin", "Sign in", "Account pages (packages, usage and billing, numbers, settings) need a signed-in user.",
		app.Div().Class("panel").Body(
			app.P().Text("Signing in is not available in this build of the portal yet. The rate checker and the rates directory work without an account."),
			app.A().Class("button").Href("/").Text("Check a rate"),
		),
	)
}
