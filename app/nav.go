package portal

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Nav is the top navigation bar. Active is the path of the current page. On a
// phone-width screen the links fold behind a menu button.
type Nav struct {
	app.Compo

	Active string

	open bool
	me   *Me // the signed-in user, nil when signed out
}

// OnMount finds out who is signed in.
func (n *Nav) OnMount(ctx app.Context) {
	loadSession(ctx, func(me *Me, err error) { n.me = me })
}

// Render draws the bar.
func (n *Nav) Render() app.UI {
	return app.Header().Class("topbar").Body(
		app.Div().Class("topbar-inner").Body(
			app.A().Class("brand").Href("/").Body(
				app.Img().Src("/web/icon.svg").Alt("").Width(30).Height(30),
				app.Span().Text("Tollgate"),
			),
			app.Button().
				Class("nav-toggle").
				Type("button").
				Aria("controls", "nav-links").
				Aria("expanded", n.open).
				Text("Menu").
				OnClick(n.toggle),
			app.Nav().ID("nav-links").Class(navClass(n.open)).Aria("label", "Main").Body(
				app.Range(Pages()).Slice(func(i int) app.UI {
					p := Pages()[i]
					if p.Path == "/signin" && n.me != nil {
						return nil // signed in: the user and "Sign out" instead
					}
					if p.Operator && !canPublishDecks(n.me) {
						return nil
					}
					a := app.A().Href(p.Path).Text(p.Title)
					if p.Path == n.Active {
						a = a.Aria("current", "page")
					}
					return a
				}),
				app.If(n.me != nil, func() app.UI { return navUser(n.me) }),
			),
		),
	)
}

func (n *Nav) toggle(ctx app.Context, e app.Event) {
	n.open = !n.open
}

func navClass(open bool) string {
	if open {
		return "nav open"
	}
	return "nav"
}

// navUser shows who is signed in, with their role, and a sign-out button.
func navUser(me *Me) app.UI {
	return app.Span().Class("nav-user").Body(
		app.Span().ID("nav-user").Title(me.User.Email+" · "+me.User.Role+" of "+me.Tenant.Name).Body(
			app.Text(me.User.Name),
			app.Span().Class("sr-only").Text(", "+me.User.Role),
		),
		app.Button().Type("button").ID("signout").Class("nav-signout").Text("Sign out").
			OnClick(func(ctx app.Context, e app.Event) { signOut(ctx) }),
	)
}
