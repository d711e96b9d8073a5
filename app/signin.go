package portal

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SignIn is the sign-in page: email and password, then on to the page the
// visitor came for (?next=/usage), or Packages.
type SignIn struct {
	app.Compo

	email, password string
	busy            bool
	err             string
	me              *Me
	checked         bool
}

// OnMount checks whether someone is signed in already and marks the page
// interactive.
func (s *SignIn) OnMount(ctx app.Context) {
	markMounted("signin")
	loadSession(ctx, func(me *Me, err error) {
		s.me, s.checked = me, true
	})
}

func (s *SignIn) onEmail(ctx app.Context, e app.Event) {
	s.email = ctx.JSSrc().Get("value").String()
}

func (s *SignIn) onPassword(ctx app.Context, e app.Event) {
	s.password = ctx.JSSrc().Get("value").String()
}

func (s *SignIn) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if s.busy {
		return
	}
	// Browsers' autofill may not send input events: read the fields.
	if v := app.Window().GetElementByID("email"); v.Truthy() {
		s.email = v.Get("value").String()
	}
	if v := app.Window().GetElementByID("password"); v.Truthy() {
		s.password = v.Get("value").String()
	}
	if strings.TrimSpace(s.email) == "" || s.password == "" {
		s.err = "Enter your email address and your password."
		return
	}
	s.busy, s.err = true, ""
	email, password := strings.TrimSpace(s.email), s.password
	next := nextPage(ctx)
	ctx.Async(func() {
		me := &Me{}
		err := callAPI("POST", "/v1/session", map[string]string{"email": email, "password": password}, me, nil)
		ctx.Dispatch(func(ctx app.Context) {
			s.busy = false
			if err != nil {
				s.err = "Could not sign in: " + err.Error() + "."
				return
			}
			s.password = ""
			setSession(me)
			ctx.Navigate(next)
		})
	})
}

// nextPage is where to go after signing in: ?next= when it is one of the
// portal's pages, else Packages.
func nextPage(ctx app.Context) string {
	next := ctx.Page().URL().Query().Get("next")
	for _, p := range Pages() {
		if p.Path == next && next != "/signin" {
			return next
		}
	}
	return "/packages"
}

// Render draws the form, or who is signed in.
func (s *SignIn) Render() app.UI {
	if s.me != nil {
		return layout("/signin", "Sign in", "",
			app.Div().Class("panel").ID("signed-in").Body(
				app.P().Text("You are signed in as "+s.me.User.Name+" ("+s.me.User.Email+"), "+roleWords(s.me)+" of "+s.me.Tenant.Name+"."),
				app.Div().Class("actions").Body(
					app.A().Class("button").Href("/packages").Text("Go to your packages"),
					app.Button().Type("button").Class("button secondary").ID("signout-here").Text("Sign out").OnClick(func(ctx app.Context, e app.Event) { signOut(ctx) }),
				),
			),
		)
	}
	return layout("/signin", "Sign in", "Account pages (packages, usage and billing, numbers, settings) need a signed-in user.",
		app.Div().Class("panel narrow").Body(
			app.Form().ID("signin-form").OnSubmit(s.onSubmit).Body(
				app.Div().Class("field").Body(
					app.Label().For("email").Text("Email"),
					app.Input().ID("email").Type("email").Name("email").AutoComplete(true).Attr("autocomplete", "username").
						Required(true).Value(s.email).OnInput(s.onEmail),
				),
				app.Div().Class("field").Body(
					app.Label().For("password").Text("Password"),
					app.Input().ID("password").Type("password").Name("password").Attr("autocomplete", "current-password").
						Required(true).Value(s.password).OnInput(s.onPassword),
				),
				app.If(s.err != "", func() app.UI {
					return app.Div().ID("signin-error").Class("message error").Attr("role", "alert").Text(s.err)
				}),
				app.Div().Class("actions").Body(
					app.Button().Type("submit").ID("signin-submit").Class("button").Disabled(s.busy).Text(busyText(s.busy, "Sign in", "Signing in…")),
				),
			),
		),
	)
}

func busyText(busy bool, idle, working string) string {
	if busy {
		return working
	}
	return idle
}

func roleWords(me *Me) string {
	if me.Admin() {
		return "an admin"
	}
	return "a member"
}
