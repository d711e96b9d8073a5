package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// DeckPath is where the edge serves the current deck snapshot.
const DeckPath = "/v1/deck"

// Page is one routed page of the portal.
type Page struct {
	Path   string // route, e.g. "/rates"
	Title  string // navigation label and document title
	Public bool   // usable without signing in
	// Operator pages are for the platform operator's admins: the
	// navigation shows them only to those.
	Operator bool
	New      func() app.Composer
}

// Pages lists the portal's pages in navigation order.
func Pages() []Page {
	return []Page{
		{Path: "/", Title: "Rate checker", Public: true, New: func() app.Composer { return &RateChecker{} }},
		{Path: "/rates", Title: "Rates directory", Public: true, New: func() app.Composer { return &RatesDirectory{} }},
		{Path: "/packages", Title: "Packages", New: func() app.Composer { return &PackagesPage{} }},
		{Path: "/usage", Title: "Usage & billing", New: func() app.Composer { return &UsagePage{} }},
		{Path: "/numbers", Title: "Numbers", New: func() app.Composer { return &NumbersPage{} }},
		{Path: "/settings", Title: "Settings", New: func() app.Composer { return &SettingsPage{} }},
		{Path: "/admin/deck", Title: "Rate deck", Operator: true, New: func() app.Composer { return &DeckAdminPage{} }},
		{Path: "/signin", Title: "Sign in", Public: true, New: func() app.Composer { return &SignIn{} }},
	}
}

// Register routes every page. Call it once, before app.RunWhenOnBrowser, in
// both the browser and the static-site generator.
func Register() {
	for _, p := range Pages() {
		app.Route(p.Path, p.New)
	}
}
