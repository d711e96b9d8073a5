package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// RatesDirectory is the public rates directory.
type RatesDirectory struct {
	app.Compo
}

// OnMount marks the page interactive.
func (d *RatesDirectory) OnMount(ctx app.Context) { markMounted("rates") }

// Render draws the page.
func (d *RatesDirectory) Render() app.UI {
	return layout("/rates", "Rates directory", "Every country we call, landline and mobile.")
}
