package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// RateChecker is the public rate checker.
type RateChecker struct {
	app.Compo
}

// OnMount marks the page interactive.
func (r *RateChecker) OnMount(ctx app.Context) { markMounted("rate-checker") }

// Render draws the page.
func (r *RateChecker) Render() app.UI {
	return layout("/", "Rate checker", "Type a number the way you would dial it.",
		app.Input().ID("dial").Type("tel"))
}
